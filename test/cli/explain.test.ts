// `podsec explain` through the built CLI (run `npm run build` first; test/run.mjs CI builds).
import { spawnSync } from 'node:child_process';
import { describe, expect, it } from 'vitest';
import { CHECK_IDS } from '../../src/policy/index.js';
import { EXPLANATIONS } from '../../src/policy/explain.js';

const cli = (...args: string[]) =>
  spawnSync('node', ['bin/podsec.js', ...args], { encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } });

describe('podsec explain', () => {
  it('documents every check the engine has, exactly once', () => {
    expect(EXPLANATIONS.map((e) => e.id).sort()).toEqual([...CHECK_IDS].sort());
  });

  it('explains a check by its ID in any case, with fields, versions and a fix', () => {
    const r = cli('explain', 'RUNASNONROOT');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^runAsNonRoot \(restricted\)/);
    expect(r.stdout).toContain('spec.securityContext.runAsNonRoot');
    expect(r.stdout).toContain('v1.35');
    expect(r.stdout).toContain('How to fix:');
    expect(r.stdout).toContain('    spec:\n      securityContext:\n        runAsNonRoot: true');
  });

  it('accepts the lower-case fixture stem form', () => {
    const r = cli('explain', 'seccompprofile_restricted');
    expect(r.status).toBe(0);
    expect(r.stdout).toMatch(/^seccompProfile_restricted \(restricted\): /);
  });

  it('wraps to 80 columns when stdout is not a terminal', () => {
    for (const id of ['sysctls', 'appArmorProfile', 'hostProbesAndHostLifecycle']) {
      const lines = cli('explain', id).stdout.split('\n');
      expect(lines.filter((l) => l.length > 80)).toEqual([]);
      expect(Math.max(...lines.map((l) => l.length))).toBeGreaterThan(60);
    }
  });

  it('lists all checks without an argument', () => {
    const r = cli('explain');
    expect(r.status).toBe(0);
    for (const id of CHECK_IDS) expect(r.stdout).toContain(id);
  });

  it('exits 2 and lists the valid IDs for an unknown check', () => {
    const r = cli('explain', 'nope');
    expect(r.status).toBe(2);
    expect(r.stderr).toContain('unknown check "nope"');
    expect(r.stderr).toContain('seccompProfile_restricted');
  });

  it('ends quietly when its output pipe closes early', () => {
    const r = spawnSync('bash', ['-c', 'node bin/podsec.js explain | head -1'], { encoding: 'utf8' });
    expect(r.stderr).not.toContain('EPIPE');
  });
});
