// Reading -f inputs: files in pieces (document numbers and lines as if parsed whole), a FIFO that
// waits for its writer, stdin that never ends, and Ctrl-C (the abort signal) stopping either at once.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { open } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PassThrough } from 'node:stream';
import { afterAll, describe, expect, it } from 'vitest';
import { CancelledError } from '../../src/errors.js';
import { NOTICE_AFTER_MS, readFileInventory } from '../../src/files/read-manifests.js';
import { parseManifests } from '../../src/inventory/manifests.js';

const dir = mkdtempSync(join(tmpdir(), 'podsec-manifests-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const pod = (i: number) =>
  `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p${i}\n  namespace: ns${i % 3}\nspec:\n  containers:\n  - name: c\n    image: nginx\n    securityContext: {privileged: ${i % 2 === 0 ? 'yes' : 'no'}}\n`;

describe('readFileInventory', () => {
  it('reads a multi-megabyte multi-document file in pieces with the same documents, lines and errors as a whole parse', async () => {
    const docs: string[] = [];
    for (let i = 0; i < 7000; i++) docs.push(i % 1000 === 7 ? 'kind: Pod\nmetadata: {name: [\n' : pod(i));
    const text = docs.join('---\n');
    expect(text.length).toBeGreaterThan(1 << 20); // more than one 1 MB piece
    writeFileSync(join(dir, 'big.yaml'), text);
    let inv;
    try {
      inv = await readFileInventory(['big.yaml'], { cwd: dir });
    } finally {
      rmSync(join(dir, 'big.yaml'));
    }
    const whole = parseManifests('big.yaml', text);
    expect(inv.workloads).toHaveLength(6993);
    expect(inv.workloads.map((w) => [w.name, w.source])).toEqual(whole.workloads.map((w) => [w.name, w.source]));
    expect(inv.errors).toEqual(whole.errors);
    expect(inv.errors.map((e) => e.document)).toEqual(Array.from({ length: 7 }, (_, k) => k * 1000 + 7));
    expect(inv.workloads.at(-1)?.source).toMatchObject({
      document: 6999,
      line: text.split('\n').lastIndexOf('apiVersion: v1') + 1,
    });
  });

  it('waits for a FIFO writer, says so, and reads what it writes', async () => {
    const fifo = join(dir, 'w.fifo');
    execFileSync('mkfifo', [fifo]);
    const notices: string[] = [];
    const reading = readFileInventory([fifo], { cwd: dir, notice: (m) => notices.push(m) });
    await new Promise((r) => setTimeout(r, NOTICE_AFTER_MS + 200));
    expect(notices).toEqual([`waiting for FIFO w.fifo (a writer must open it; Ctrl-C stops)`]);
    const w = await open(fifo, 'w');
    await w.write(pod(0));
    await w.close();
    const inv = await reading;
    expect(inv.workloads.map((x) => x.name)).toEqual(['p0']);
  });

  it('Ctrl-C stops a FIFO read with no writer at once', async () => {
    const fifo = join(dir, 'nowriter.fifo');
    execFileSync('mkfifo', [fifo]);
    const ac = new AbortController();
    const reading = readFileInventory([fifo], { cwd: dir, signal: ac.signal });
    await new Promise((r) => setTimeout(r, 100));
    const t0 = performance.now();
    ac.abort();
    await expect(reading).rejects.toBeInstanceOf(CancelledError);
    expect(performance.now() - t0).toBeLessThan(500);
  });

  it('stdin that never ends: a notice, then Ctrl-C stops it at once; stdin that ends is read', async () => {
    const stdin = new PassThrough();
    stdin.write(pod(1).slice(0, 20));
    const ac = new AbortController();
    const notices: string[] = [];
    const reading = readFileInventory(['-'], { cwd: dir, stdin, signal: ac.signal, notice: (m) => notices.push(m) });
    await new Promise((r) => setTimeout(r, 50));
    ac.abort();
    await expect(reading).rejects.toBeInstanceOf(CancelledError);
    expect(notices).toEqual([]); // something arrived before the notice was due

    const idle = new PassThrough();
    const ac2 = new AbortController();
    const reading2 = readFileInventory(['-'], {
      cwd: dir,
      stdin: idle,
      signal: ac2.signal,
      notice: (m) => notices.push(m),
    });
    await new Promise((r) => setTimeout(r, NOTICE_AFTER_MS + 200));
    expect(notices).toEqual(['reading stdin... (Ctrl-D ends it, Ctrl-C stops)']);
    ac2.abort();
    await expect(reading2).rejects.toBeInstanceOf(CancelledError);

    const ends = new PassThrough();
    ends.end(`${pod(2)}---\n${pod(3)}`);
    const inv = await readFileInventory(['-'], { cwd: dir, stdin: ends });
    expect(inv.workloads.map((w) => [w.name, w.source])).toEqual([
      ['p2', { file: '-', document: 0, line: 1 }],
      ['p3', { file: '-', document: 1, line: 12 }],
    ]);
  });

  it('a missing file is an input error and the rest is still read', async () => {
    writeFileSync(join(dir, 'ok.yaml'), pod(4));
    const inv = await readFileInventory(['missing.yaml', 'ok.yaml'], { cwd: dir });
    expect(inv.errors).toEqual([
      { file: 'missing.yaml', message: 'cannot read missing.yaml: no such file or directory' },
    ]);
    expect(inv.workloads.map((w) => w.name)).toEqual(['p4']);
  });
});
