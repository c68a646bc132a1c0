// `podsec plan --chart`: fixes where the workload is really defined. The charts are rendered by a
// real Helm (built from Go modules by test/helm/build.sh), the values podsec finds are checked by
// rendering the chart again with them and scanning the result, and a live release on the real
// control plane is upgraded with the values file and rescanned.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { inject } from 'vitest';

const ROOT = join(import.meta.dirname, '../..');
const CHARTS = join(ROOT, 'test/fixtures/charts');

let helm = process.env['PODSEC_HELM'] ?? '';
const dirs: string[] = [];
function tmp(prefix: string): string {
  const d = mkdtempSync(join(tmpdir(), prefix));
  dirs.push(d);
  return d;
}

beforeAll(() => {
  if (helm === '')
    helm = execFileSync('bash', [join(ROOT, 'test/helm/build.sh')], {
      encoding: 'utf8',
      stdio: ['ignore', 'pipe', 'inherit'],
    })
      .trim()
      .split('\n')
      .pop()!;
}, 1_800_000);
afterAll(() => {
  for (const d of dirs.splice(0)) rmSync(d, { recursive: true, force: true });
});

function env(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  return {
    ...process.env,
    NO_COLOR: '1',
    PODSEC_HELM: helm,
    PATH: `${inject('kubeBinDir')}:${process.env['PATH'] ?? ''}`,
    ...extra,
  };
}
function cli(cwd: string, args: string[], extra: Record<string, string> = {}) {
  return spawnSync('node', [join(ROOT, 'bin/podsec.js'), ...args], { cwd, encoding: 'utf8', env: env(extra) });
}
function helmRun(args: string[], cwd?: string): string {
  const r = spawnSync(helm, args, { encoding: 'utf8', env: env(), ...(cwd ? { cwd } : {}) });
  if (r.status !== 0) throw new Error(`helm ${args.join(' ')}: ${r.stderr}`);
  return r.stdout;
}

interface HelmSection {
  valuesFile: string;
  overrides: Record<string, unknown>;
  postRenderer: string | null;
  command: string;
  workloads: {
    key: string;
    keys: { path: string; field: string }[];
    unexpressible: string[];
    verified: boolean;
    passesTarget: boolean;
    postRenderPatch: string | null;
  }[];
  notIncluded: { key: string; reason: string }[];
}
function planChart(
  chart: string,
  args: string[] = [],
): { dir: string; out: string; helm: HelmSection; stdout: string } {
  const cwd = tmp('podsec-chart-');
  const r = cli(cwd, ['plan', '--chart', chart, ...args, '--out', 'p', '--non-interactive']);
  expect(r.status, r.stderr).toBe(0);
  const plan = JSON.parse(readFileSync(join(cwd, 'p/plan.json'), 'utf8')) as { sources: { helm: HelmSection } };
  return { dir: cwd, out: join(cwd, 'p'), helm: plan.sources.helm, stdout: r.stdout };
}

type Verdict = { namespace: string; kind: string; name: string; strictestLevel: string };
/** Scans manifests text with podsec (restricted verdicts by workload key). */
function scanText(text: string): Map<string, string> {
  const r = spawnSync('node', [join(ROOT, 'bin/podsec.js'), 'scan', '-f', '-', '-o', 'json'], {
    input: text,
    encoding: 'utf8',
    env: env(),
  });
  const report = JSON.parse(r.stdout) as { workloads: Verdict[] };
  return new Map(report.workloads.map((w) => [`${w.kind}/${w.name}`, w.strictestLevel]));
}

describe('plan --chart (a real helm)', () => {
  it('voting chart (Bitnami-style per-component keys): values found, verified by rendering, the hard-coded container listed and post-rendered', () => {
    const chart = join(CHARTS, 'voting');
    // The operator answers the UIDs of the two images the catalogue does not know.
    const answers = join(tmp('podsec-answers-'), 'answers.yaml');
    writeFileSync(answers, 'uids:\n  shop/Deployment/vote: 10001\n  shop/Deployment/worker: 1000\n');
    const { out, helm: h } = planChart(chart, ['-n', 'shop', '--release', 'shop', '--answers', answers]);
    const byKey = new Map(h.workloads.map((w) => [w.key, w]));
    for (const name of ['vote', 'result', 'worker']) {
      const w = byKey.get(`shop/Deployment/${name}`)!;
      expect(w, name).toBeDefined();
      expect(w.keys.map((k) => k.path).sort()).toEqual([
        `${name}.containerSecurityContext`,
        `${name}.podSecurityContext`,
      ]);
      expect(w.unexpressible, name).toEqual([]);
      expect(w.verified && w.passesTarget, name).toBe(true);
    }
    // redis: the chart hard-codes its container, so the container's securityContext has no key.
    const redis = byKey.get('shop/Deployment/redis')!;
    expect(redis.keys.map((k) => k.path)).toEqual(['redis.podSecurityContext']);
    expect(redis.unexpressible).toEqual(['chart exposes no key for the securityContext of container redis']);
    expect(redis.verified).toBe(false);
    expect(redis.postRenderPatch).toMatch(/^helm-post-renderer\/patches\//);
    expect(h.postRenderer).toBe('helm-post-renderer/');
    // Bitnami-style keys are switched on.
    expect((h.overrides['vote'] as { podSecurityContext: { enabled: boolean } }).podSecurityContext.enabled).toBe(true);

    // Independently: the chart rendered with values-podsec.yaml passes restricted except redis...
    const rendered = helmRun(['template', 'shop', chart, '--namespace', 'shop', '--values', join(out, h.valuesFile)]);
    const verdicts = scanText(rendered);
    for (const name of ['vote', 'result', 'worker'])
      expect(verdicts.get(`Deployment/${name}`), name).toBe('restricted');
    expect(verdicts.get('Deployment/redis')).not.toBe('restricted');
    // ...and through the post-renderer (kubectl kustomize) everything does.
    const post = spawnSync('sh', [join(out, 'helm-post-renderer/post-render.sh')], {
      input: rendered,
      encoding: 'utf8',
      env: env(),
    });
    expect(post.status, post.stderr).toBe(0);
    const after = scanText(post.stdout);
    for (const name of ['vote', 'result', 'worker', 'redis'])
      expect(after.get(`Deployment/${name}`), name).toBe('restricted');
    // The rendered values file is what plan.json says, with comments naming the workloads.
    const valuesText = readFileSync(join(out, h.valuesFile), 'utf8');
    expect(parse(valuesText)).toEqual(h.overrides);
    expect(valuesText).toMatch(
      /# vote\.containerSecurityContext: shop\/Deployment\/vote securityContext of container vote/,
    );
    const md = readFileSync(join(out, 'PLAN.md'), 'utf8');
    expect(md).toContain('## Helm values (commit these instead of live patches)');
    expect(md).toContain('chart exposes no key for the securityContext of container redis');
  });

  it('a chart made by helm create: podSecurityContext and securityContext found and verified', () => {
    const { helm: h } = planChart(join(CHARTS, 'scaffold'), ['-n', 'web', '--release', 'web']);
    const w = h.workloads.find((x) => x.key === 'web/Deployment/web-scaffold')!;
    expect(w).toBeDefined();
    const paths = w.keys.map((k) => k.path).sort();
    expect(paths).toContain('podSecurityContext');
    expect(paths).toContain('securityContext');
    expect(w.unexpressible).toEqual([]);
    expect(w.verified && w.passesTarget).toBe(true);
  });

  it('a chart that exposes nothing: every field listed, a post-renderer offered, still restricted after it', () => {
    const { out, helm: h } = planChart(join(CHARTS, 'opaque'), ['-n', 'web', '--release', 'site']);
    const w = h.workloads.find((x) => x.key === 'web/Deployment/site-web')!;
    expect(w.keys).toEqual([]);
    expect(w.unexpressible).toEqual(
      expect.arrayContaining([
        'chart exposes no key for the pod securityContext',
        'chart exposes no key for the securityContext of container web',
      ]),
    );
    expect(h.overrides).toEqual({});
    expect(w.passesTarget).toBe(true);
    const rendered = helmRun(['template', 'site', join(CHARTS, 'opaque'), '--namespace', 'web']);
    const post = spawnSync('sh', [join(out, 'helm-post-renderer/post-render.sh')], {
      input: rendered,
      encoding: 'utf8',
      env: env(),
    });
    expect(post.status, post.stderr).toBe(0);
    expect(scanText(post.stdout).get('Deployment/site-web')).toBe('restricted');
  });

  it('a live release: detected as Helm-managed, planned with --chart, upgraded with the values file, rescanned compliant', () => {
    const kubeconfig = inject('kubeconfig');
    const ns = `helm-${Date.now().toString(36)}`;
    const chart = join(CHARTS, 'scaffold');
    helmRun([
      'install',
      'web',
      chart,
      '--namespace',
      ns,
      '--create-namespace',
      '--kubeconfig',
      kubeconfig,
      '--wait=false',
    ]);
    try {
      // The live plan sees the release as the workload's manager and says where the change belongs.
      const live = tmp('podsec-live-');
      const lp = cli(live, ['plan', '--kubeconfig', kubeconfig, '-n', ns, '--out', 'p', '--non-interactive']);
      expect(lp.status, lp.stderr).toBe(0);
      const livePlan = JSON.parse(readFileSync(join(live, 'p/plan.json'), 'utf8')) as {
        workloads: { name: string; managedBy: { tool: string; name: string }[] }[];
      };
      expect(livePlan.workloads.find((w) => w.name === 'web-scaffold')?.managedBy).toEqual(
        expect.arrayContaining([expect.objectContaining({ tool: 'helm', name: 'web' })]),
      );
      const before = cli(live, [
        'scan',
        '--kubeconfig',
        kubeconfig,
        '-n',
        ns,
        '--level',
        'restricted',
        '--exit-code',
        '--no-verify',
      ]);
      expect(before.status).toBe(1);

      const { out, helm: h } = planChart(chart, ['-n', ns, '--release', 'web']);
      expect(h.command).toContain(`helm upgrade --install web ${chart} --namespace ${ns} --values values-podsec.yaml`);
      helmRun([
        'upgrade',
        'web',
        chart,
        '--namespace',
        ns,
        '--kubeconfig',
        kubeconfig,
        '--values',
        join(out, h.valuesFile),
        '--wait=false',
      ]);
      const after = cli(live, [
        'scan',
        '--kubeconfig',
        kubeconfig,
        '-n',
        ns,
        '--level',
        'restricted',
        '--exit-code',
        '--no-verify',
      ]);
      expect(after.status, after.stdout + after.stderr).toBe(0);
    } finally {
      spawnSync(helm, ['uninstall', 'web', '--namespace', ns, '--kubeconfig', kubeconfig], { env: env() });
      spawnSync(join(inject('kubeBinDir'), 'kubectl'), [
        '--kubeconfig',
        kubeconfig,
        'delete',
        'namespace',
        ns,
        '--wait=false',
      ]);
    }
  });
});

describe('helm fixtures', () => {
  it('the scaffold chart is what helm create makes (regenerate with: helm create scaffold)', () => {
    const d = tmp('podsec-helm-create-');
    helmRun(['create', 'scaffold'], d);
    for (const f of ['values.yaml', 'templates/deployment.yaml']) {
      expect(existsSync(join(CHARTS, 'scaffold', f)), f).toBe(true);
      expect(readFileSync(join(CHARTS, 'scaffold', f), 'utf8'), f).toBe(readFileSync(join(d, 'scaffold', f), 'utf8'));
    }
  });
});
