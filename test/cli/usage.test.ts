// Usage mistakes get a message that says what was meant (built CLI, headless): a mistyped command
// suggests the closest one, files after one -f say to repeat -f or pass a directory (exit 2); a
// gate over an empty path fails (exit 3); a --version newer than known says how it is evaluated.
import { spawnSync } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { closest } from '../../src/cli/suggest.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const cwd = mkdtempSync(join(tmpdir(), 'podsec-usage-'));
const cli = (args: string[]) =>
  spawnSync('node', [join(ROOT, 'bin/podsec.js'), ...args], {
    cwd,
    encoding: 'utf8',
    env: { ...process.env, NO_COLOR: '1', CI: '' },
    timeout: 30_000,
  });

describe('usage mistakes', () => {
  it('an unknown command suggests the closest one (not "too many arguments")', () => {
    const r = cli(['scna']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('unknown command "scna" (did you mean scan?)');
    expect(r.stderr).not.toContain('too many arguments');
    const b = cli(['bogus']);
    expect(b.status).toBe(2);
    expect(b.stderr).toContain('unknown command "bogus"');
    expect(b.stderr).not.toContain('did you mean');
  });

  it('a second file after -f says to repeat -f or pass a directory', () => {
    const r = cli(['scan', '-f', 'a.yaml', 'b.yaml']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('unexpected argument "b.yaml" for podsec scan');
    expect(r.stderr).toContain('repeat -f for each file (-f a.yaml -f b.yaml), or pass a directory');
  });

  it('a gate pointed at a path with no workloads fails (exit 3), it does not pass with "0 workloads"', () => {
    const empty = mkdtempSync(join(tmpdir(), 'podsec-empty-'));
    const r = cli(['scan', '-f', empty, '--exit-code']);
    expect(r.status).toBe(3);
    expect(r.stderr).toContain(`no workloads found in ${empty}`);
    // Without --exit-code it is said, and the scan itself succeeds.
    const plain = cli(['scan', '-f', empty]);
    expect(plain.status).toBe(0);
    expect(plain.stderr).toContain('no workloads found');
  });

  it('--version above the newest known says it is evaluated as the newest', () => {
    const r = cli(['scan', '-f', join(ROOT, 'templates/demo/estate.yaml'), '--version', 'v1.99', '-o', 'json']);
    expect(r.stderr).toMatch(/--version v1\.99 is newer than this podsec knows: evaluated as v1\.\d+ \(latest\)/);
    expect(
      cli(['scan', '-f', join(ROOT, 'templates/demo/estate.yaml'), '--version', 'v1.30', '-o', 'json']).stderr,
    ).not.toContain('newer than');
  });

  it('closest() only suggests near words', () => {
    const commands = ['demo', 'scan', 'plan', 'apply', 'rollback', 'explain'];
    expect(closest('scna', commands)).toBe('scan');
    expect(closest('aply', commands)).toBe('apply');
    expect(closest('rolback', commands)).toBe('rollback');
    expect(closest('bogus', commands)).toBeNull();
    expect(closest('x', commands)).toBeNull();
  });
});
