// Output meant for scripts and the kubectl plugin route as README documents them: the plan
// summary's NOTE column is whole when stdout is a pipe; `npm install -g .` from a checkout puts
// kubectl-podsec on PATH, `kubectl plugin list` finds it and `kubectl podsec` runs the CLI.
import { spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';

const ROOT = join(import.meta.dirname, '../..');
const dirs: string[] = [];
const tmp = (p: string) => {
  const d = mkdtempSync(join(tmpdir(), p));
  dirs.push(d);
  return d;
};
afterEach(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

/** kubectl: the one built for the integration tests when present, else the machine's. */
function kubectl(): string {
  const built = process.env['PODSEC_KUBE_BIN'] ? join(process.env['PODSEC_KUBE_BIN'], 'kubectl') : '';
  if (built !== '' && existsSync(built)) return built;
  const which = spawnSync('sh', ['-c', 'command -v kubectl'], { encoding: 'utf8' });
  if (which.status !== 0) throw new Error('this test needs kubectl on PATH (or PODSEC_KUBE_BIN)');
  return which.stdout.trim();
}

describe('plan summary in a pipe', () => {
  it('keeps the NOTE column whole (the exemption reason is longer than 80 characters)', () => {
    const cwd = tmp('podsec-pipe-');
    const r = spawnSync(
      'node',
      [
        join(ROOT, 'bin/podsec.js'),
        'plan',
        '-f',
        join(ROOT, 'templates/demo/estate.yaml'),
        '--answers',
        join(ROOT, 'templates/demo/answers.yaml'),
        '--out',
        'p',
      ],
      { cwd, encoding: 'utf8', env: { ...process.env, NO_COLOR: '1' } },
    );
    expect(r.status, r.stderr).toBe(0);
    const answers = parse(readFileSync(join(ROOT, 'templates/demo/answers.yaml'), 'utf8')) as {
      exemptions: Record<string, string>;
    };
    const long = Object.values(answers.exemptions).find((x) => x.length > 80)!;
    expect(long).toBeDefined();
    expect(r.stdout).toContain(long);
  });
});

describe('kubectl plugin', () => {
  it('npm install -g . puts kubectl-podsec on PATH; kubectl plugin list finds it and kubectl podsec runs', () => {
    const prefix = tmp('podsec-npm-prefix-');
    const install = spawnSync(
      'npm',
      ['install', '-g', '--prefix', prefix, '--no-audit', '--no-fund', '--ignore-scripts', '.'],
      { cwd: ROOT, encoding: 'utf8' },
    );
    expect(install.status, install.stderr).toBe(0);
    const env = { ...process.env, PATH: `${join(prefix, 'bin')}:${process.env['PATH'] ?? ''}`, NO_COLOR: '1' };
    const list = spawnSync(kubectl(), ['plugin', 'list'], { encoding: 'utf8', env });
    expect(list.stdout).toContain(join(prefix, 'bin', 'kubectl-podsec'));
    const run = spawnSync(kubectl(), ['podsec', 'explain', 'runAsNonRoot'], { encoding: 'utf8', env });
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toMatch(/runAsNonRoot/);
  });
});
