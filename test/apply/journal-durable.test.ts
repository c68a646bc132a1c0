// The journal file under a failing disk (injected short writes and ENOSPC) and its lock.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { JournalEntry } from '../../src/apply/journal-model.js';
import { UserError } from '../../src/errors.js';
import { LOCK_FILE, fileJournal, lockJournal, type JournalFs } from '../../src/files/journal.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});
const tempDir = () => {
  const d = fs.mkdtempSync(join(tmpdir(), 'journal-durable-'));
  dirs.push(d);
  return d;
};

function entry(seq: number, status: JournalEntry['status'] = 'intended'): JournalEntry {
  return {
    v: 1,
    seq,
    run: 'r',
    step: `1-observe/labels/ns${seq}`,
    phase: '1-observe',
    action: 'apply',
    status,
    namespace: 'ns',
    kind: 'Namespace',
    apiVersion: 'v1',
    name: 'ns',
    before: null,
    after: null,
    time: 't',
    user: 'u',
  };
}

/** Real file operations, with writes that stop after `budget` bytes: a short write, then ENOSPC. */
function fullDisk(budget: { left: number }): JournalFs {
  return {
    openSync: fs.openSync,
    writeSync: (fd, b, o, l) => {
      if (budget.left <= 0)
        throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
      const n = fs.writeSync(fd, b, o, Math.min(l, budget.left));
      budget.left -= n;
      return n;
    },
    fsyncSync: fs.fsyncSync,
    ftruncateSync: fs.ftruncateSync,
    fstatSync: (fd) => fs.fstatSync(fd),
    readSync: (fd, b, o, l, p) => fs.readSync(fd, b, o, l, p),
    closeSync: fs.closeSync,
  };
}

describe('journal writes on a full disk', () => {
  it('writes the whole entry across short writes', async () => {
    const dir = tempDir();
    let calls = 0;
    const io: JournalFs = {
      ...fullDisk({ left: Infinity }),
      writeSync: (fd, b, o, l) => (calls++, fs.writeSync(fd, b, o, Math.min(l, 7))),
    };
    const j = fileJournal(dir, io);
    await j.append(entry(1));
    await j.append(entry(2));
    expect(calls).toBeGreaterThan(20);
    expect((await j.read()).map((e) => e.seq)).toEqual([1, 2]);
  });

  it('a write that runs out of space throws, naming the entry, and leaves the journal as it was', async () => {
    const dir = tempDir();
    const budget = { left: Infinity };
    const j = fileJournal(dir, fullDisk(budget));
    await j.append(entry(1));
    const before = fs.readFileSync(j.path, 'utf8');
    budget.left = 40; // part of the next line fits
    const err = await j.append(entry(2, 'verified')).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toMatch(
      /cannot write the journal .*verified apply of 1-observe\/labels\/ns2 \(seq 2\).*ENOSPC.*stopped before the next cluster write/,
    );
    expect((err as UserError).hint).toMatch(/result is not recorded.*run the same command again/);
    expect(fs.readFileSync(j.path, 'utf8')).toBe(before);
    // Space again: the next entry lands whole after the first, nothing was lost or torn.
    budget.left = Infinity;
    await j.append(entry(3));
    expect((await j.read()).map((e) => e.seq)).toEqual([1, 3]);
  });

  it('a write that reports 0 bytes is an error, not a silent success', async () => {
    const dir = tempDir();
    const j = fileJournal(dir, { ...fullDisk({ left: Infinity }), writeSync: () => 0 });
    await expect(j.append(entry(1))).rejects.toThrow(/short write: 0 of \d+ bytes/);
    expect(fs.readFileSync(j.path, 'utf8')).toBe('');
  });

  it('a failed intent says nothing was written to the cluster', async () => {
    const dir = tempDir();
    const j = fileJournal(dir, fullDisk({ left: 0 }));
    await expect(j.append(entry(1))).rejects.toMatchObject({
      hint: expect.stringMatching(/^nothing was written to the cluster/),
    });
  });
});

describe('journal lock', () => {
  it('is exclusive and names the holder; released, it can be taken again', () => {
    const dir = tempDir();
    const release = lockJournal(dir, 'podsec apply --phase 1-observe', () => new Date('2026-12-02T03:00:00Z'));
    const err = (() => {
      try {
        lockJournal(dir, 'podsec apply');
      } catch (e) {
        return e as UserError;
      }
      return null;
    })();
    expect(err).toBeInstanceOf(UserError);
    expect(err?.message).toBe(
      `another podsec run holds the journal of this plan: pid ${process.pid} on ${hostname()}, started 2026-12-02T03:00:00.000Z (podsec apply --phase 1-observe)`,
    );
    expect(err?.hint).toContain(join(dir, LOCK_FILE));
    release();
    expect(fs.existsSync(join(dir, LOCK_FILE))).toBe(false);
    lockJournal(dir, 'again')();
  });

  it('takes over a lock left by a process that died', () => {
    const dir = tempDir();
    const dead = spawnSync(process.execPath, ['-e', 'process.exit(0)']).pid!;
    fs.writeFileSync(
      join(dir, LOCK_FILE),
      JSON.stringify({
        pid: dead,
        host: hostname(),
        started: '2026-01-01T00:00:00Z',
        command: 'podsec apply',
        token: 'old',
      }),
    );
    const release = lockJournal(dir, 'podsec rollback');
    const holder = JSON.parse(fs.readFileSync(join(dir, LOCK_FILE), 'utf8')) as { pid: number; command: string };
    expect(holder).toMatchObject({ pid: process.pid, command: 'podsec rollback' });
    release();
  });

  it('never takes over a lock of another host (its pid cannot be checked)', () => {
    const dir = tempDir();
    fs.writeFileSync(
      join(dir, LOCK_FILE),
      JSON.stringify({ pid: 1, host: 'elsewhere', started: 's', command: 'podsec apply', token: 't' }),
    );
    expect(() => lockJournal(dir, 'podsec apply')).toThrow(/pid 1 on elsewhere/);
  });
});
