import { appendFileSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import type { JournalEntry } from '../../src/apply/journal-model.js';
import { fileJournal, parseJournal } from '../../src/files/journal.js';
import { UserError } from '../../src/errors.js';

const dirs: string[] = [];
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function entry(seq: number): JournalEntry {
  return {
    v: 1,
    seq,
    run: 'r',
    step: `1-observe/labels/ns${seq}`,
    phase: '1-observe',
    action: 'apply',
    status: 'intended',
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

describe('file journal', () => {
  it('appends one JSON line per entry and reads them back', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'journal-'));
    dirs.push(dir);
    const j = fileJournal(dir);
    expect(await j.read()).toEqual([]);
    await j.append(entry(1));
    await j.append(entry(2));
    expect(readFileSync(j.path, 'utf8').split('\n')).toHaveLength(3);
    expect((await j.read()).map((e) => e.seq)).toEqual([1, 2]);
  });

  it('ignores a torn last line (a crash mid-append) and starts the next entry on a fresh line', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'journal-'));
    dirs.push(dir);
    const j = fileJournal(dir);
    await j.append(entry(1));
    appendFileSync(j.path, '{"v":1,"seq":2,"ru');
    expect((await j.read()).map((e) => e.seq)).toEqual([1]);
    await j.append(entry(3));
    expect((await j.read()).map((e) => e.seq)).toEqual([1, 3]);
  });

  it('refuses a journal damaged in the middle', () => {
    expect(() => parseJournal(`${JSON.stringify(entry(1))}\nnot json\n${JSON.stringify(entry(2))}\n`)).toThrow(
      UserError,
    );
  });

  it('says what to do when the plan directory is not writable', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'journal-'));
    dirs.push(dir);
    writeFileSync(join(dir, 'x'), '');
    const j = fileJournal(join(dir, 'x'));
    await expect(j.append(entry(1))).rejects.toThrow(/cannot write the journal/);
  });
});
