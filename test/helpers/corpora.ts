// Test corpora, all reachable from a fresh clone with nothing beside it:
// - the real-world manifests, copied into the repository (test/fixtures/realworld, see SOURCES.md);
// - the upstream PSA conformance fixtures (4,537 pods), which ship in the Go module
//   k8s.io/pod-security-admission: fetched through the Go module proxy into the module cache
//   (once per machine) at the version test/kube/go.mod pins, the same release as the kube binaries
//   and the oracle.
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';

export const REPO_ROOT = join(import.meta.dirname, '..', '..');
export const FIXTURES_DIR = join(REPO_ROOT, 'test', 'fixtures');
export const REALWORLD_DIR = join(FIXTURES_DIR, 'realworld');
export const KUBE_MODULE_DIR = join(REPO_ROOT, 'test', 'kube');

/** The Go toolchain the kube build uses (`GO`, else `go` on PATH, else /usr/local/go/bin/go). */
export function goBinary(): string {
  if (process.env['GO']) return process.env['GO'];
  const which = spawnSync('sh', ['-c', 'command -v go'], { encoding: 'utf8' });
  return which.status === 0 && which.stdout.trim() !== '' ? which.stdout.trim() : '/usr/local/go/bin/go';
}

let psaModule: { dir: string; version: string } | undefined;

/** k8s.io/pod-security-admission at the pinned version, downloaded (or found) in GOMODCACHE. */
export function psaModuleDir(): { dir: string; version: string } {
  if (psaModule) return psaModule;
  const go = goBinary();
  const r = spawnSync(go, ['mod', 'download', '-json', 'k8s.io/pod-security-admission'], {
    cwd: KUBE_MODULE_DIR,
    encoding: 'utf8',
    env: { ...process.env, GOTOOLCHAIN: 'local', GOFLAGS: '-mod=readonly' },
  });
  const info =
    r.status === 0 ? (JSON.parse(r.stdout) as { Dir?: string; Version?: string; Error?: string }) : undefined;
  if (!info?.Dir || !info.Version) {
    throw new Error(
      `cannot fetch the upstream PSA fixtures: \`${go} mod download -json k8s.io/pod-security-admission\` in test/kube failed ` +
        `(${r.error?.message ?? info?.Error ?? r.stderr.trim()}). It needs Go (see test/kube/BUILD.md) and the Go module proxy.`,
    );
  }
  psaModule = { dir: info.Dir, version: info.Version };
  return psaModule;
}

/** The upstream fixtures: `<dir>/{baseline,restricted}/v1.N/{pass,fail}/*.yaml`. */
export function psaFixturesDir(): string {
  const dir = join(psaModuleDir().dir, 'test', 'testdata');
  if (!existsSync(join(dir, 'restricted')))
    throw new Error(`no PSA fixtures in ${dir} (k8s.io/pod-security-admission layout changed?)`);
  return dir;
}
