// Differential test: podsec's policy engine against the real kube-apiserver's PodSecurity
// admission. For every fail fixture of the newest policy version among the upstream fixtures
// (from the Go module k8s.io/pod-security-admission, both levels) and every pod template of the
// test/fixtures/realworld manifests (both levels), the server's 403 message must equal
// `pods "<name>" is forbidden: violates PodSecurity "<level>:latest": <engine message>`
// byte for byte, and allowed/denied must agree.
//
// The engine is fed the pod as the server sees it: a server-side dry-run create in an
// unenforced namespace returns the pod after API defaulting and mutating admission, which
// is also what podsec reads from a live cluster. Pods the API server rejects in validation
// (before PodSecurity runs) are listed and skipped. Nothing is persisted (dryRun=All).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseAllDocuments, parse as parseYaml } from 'yaml';
import { ApiException, CoreV1Api, type KubeConfig, type V1Pod } from '@kubernetes/client-node';
import { evaluatePod } from '../../src/policy/index.js';
import { createTestNamespace, deleteNamespace, kubeConfigFor, psaLabels } from '../harness/env.js';
import { psaFixturesDir, REALWORLD_DIR } from '../helpers/corpora.js';

type Level = 'baseline' | 'restricted';

const fixturesDir = psaFixturesDir();
const realworldDir = REALWORLD_DIR;
const CONCURRENCY = 6;

interface Case {
  id: string;
  level: Level;
  /** Expected server verdict when known (fixtures in fail/ must be denied). */
  expectDenied?: boolean;
  pod: { metadata?: { annotations?: Record<string, string> }; spec: unknown };
}

function newestPolicyVersion(): string {
  const minors = fs
    .readdirSync(path.join(fixturesDir, 'restricted'))
    .map((d) => /^v1\.(\d+)$/.exec(d)?.[1])
    .filter((m): m is string => m !== undefined)
    .map(Number);
  return `v1.${Math.max(...minors)}`;
}

function fixtureCases(): Case[] {
  const version = newestPolicyVersion();
  const cases: Case[] = [];
  for (const level of ['baseline', 'restricted'] as const) {
    const dir = path.join(fixturesDir, level, version, 'fail');
    for (const file of fs
      .readdirSync(dir)
      .filter((f) => f.endsWith('.yaml'))
      .sort()) {
      const pod = parseYaml(fs.readFileSync(path.join(dir, file), 'utf8')) as Case['pod'];
      cases.push({ id: `${level}/${version}/fail/${file}`, level, expectDenied: true, pod });
    }
  }
  return cases;
}

interface K8sDoc {
  kind?: string;
  metadata?: { name?: string; annotations?: Record<string, string> };
  spec?: {
    template?: { metadata?: { annotations?: Record<string, string> }; spec?: unknown };
    jobTemplate?: { spec?: { template?: { metadata?: { annotations?: Record<string, string> }; spec?: unknown } } };
  } & Record<string, unknown>;
}

function podTemplates(doc: K8sDoc): Case['pod'] | undefined {
  switch (doc.kind) {
    case 'Pod':
      return { metadata: { annotations: doc.metadata?.annotations ?? {} }, spec: doc.spec };
    case 'StatefulSet': {
      // The StatefulSet controller adds one PVC volume per volumeClaimTemplate.
      const t = doc.spec?.template;
      if (!t?.spec) return undefined;
      const vcts = (doc.spec?.['volumeClaimTemplates'] ?? []) as Array<{ metadata?: { name?: string } }>;
      const spec = t.spec as { volumes?: unknown[] };
      const volumes = [
        ...(spec.volumes ?? []),
        ...vcts.map((v) => ({
          name: v.metadata?.name,
          persistentVolumeClaim: { claimName: `${v.metadata?.name}-${doc.metadata?.name}-0` },
        })),
      ];
      return { metadata: { annotations: t.metadata?.annotations ?? {} }, spec: { ...spec, volumes } };
    }
    case 'Deployment':
    case 'ReplicaSet':
    case 'DaemonSet':
    case 'Job':
    case 'ReplicationController': {
      const t = doc.spec?.template;
      return t?.spec ? { metadata: { annotations: t.metadata?.annotations ?? {} }, spec: t.spec } : undefined;
    }
    case 'CronJob': {
      const t = doc.spec?.jobTemplate?.spec?.template;
      return t?.spec ? { metadata: { annotations: t.metadata?.annotations ?? {} }, spec: t.spec } : undefined;
    }
    default:
      return undefined;
  }
}

function realworldCases(): Case[] {
  const cases: Case[] = [];
  for (const file of fs
    .readdirSync(realworldDir)
    .filter((f) => /\.ya?ml$/.test(f))
    .sort()) {
    const docs = parseAllDocuments(fs.readFileSync(path.join(realworldDir, file), 'utf8'));
    for (const d of docs) {
      const doc = d.toJS() as K8sDoc | null;
      const pod = doc ? podTemplates(doc) : undefined;
      if (!doc || !pod) continue;
      for (const level of ['baseline', 'restricted'] as const) {
        cases.push({ id: `realworld/${file} ${doc.kind}/${doc.metadata?.name ?? '?'} @${level}`, level, pod });
      }
    }
  }
  return cases;
}

function podName(i: number, id: string): string {
  const stem = id
    .toLowerCase()
    .replace(/\.ya?ml/g, '')
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return `p${i}-${stem}`.slice(0, 63).replace(/-+$/, '');
}

function statusMessage(err: ApiException<unknown>): string {
  const body = (typeof err.body === 'string' ? JSON.parse(err.body) : err.body) as { message?: string } | undefined;
  return body?.message ?? String(err.body);
}

async function dryRunCreate(
  kc: KubeConfig,
  namespace: string,
  body: V1Pod,
): Promise<{ pod?: V1Pod; code?: number; message?: string }> {
  try {
    const pod = await kc.makeApiClient(CoreV1Api).createNamespacedPod({ namespace, body, dryRun: 'All' });
    return { pod };
  } catch (err) {
    if (!(err instanceof ApiException)) throw err;
    return { code: err.code, message: statusMessage(err) };
  }
}

async function mapLimit<T>(items: T[], limit: number, fn: (item: T, i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(limit, items.length) }, async () => {
      while (next < items.length) {
        const i = next++;
        await fn(items[i]!, i);
      }
    }),
  );
}

describe('differential: podsec engine vs kube-apiserver PodSecurity', () => {
  const kc = (): KubeConfig => kubeConfigFor('admin');
  let plainNs = '';
  const enforceNs: Record<Level, string> = { baseline: '', restricted: '' };

  const cases = [...fixtureCases(), ...realworldCases()];

  beforeAll(async () => {
    plainNs = await createTestNamespace(kc(), { prefix: 'diff-plain' });
    enforceNs.baseline = await createTestNamespace(kc(), {
      prefix: 'diff-baseline',
      labels: psaLabels({ enforce: 'baseline' }),
    });
    enforceNs.restricted = await createTestNamespace(kc(), {
      prefix: 'diff-restricted',
      labels: psaLabels({ enforce: 'restricted' }),
    });
    // The ServiceAccount admission plugin refuses pods naming a missing ServiceAccount.
    const accounts = new Set<string>();
    for (const c of cases) {
      const spec = c.pod.spec as { serviceAccountName?: string; serviceAccount?: string } | undefined;
      const sa = spec?.serviceAccountName ?? spec?.serviceAccount;
      if (sa && sa !== 'default') accounts.add(sa);
    }
    const core = kc().makeApiClient(CoreV1Api);
    for (const namespace of [plainNs, enforceNs.baseline, enforceNs.restricted]) {
      await Promise.all(
        [...accounts].map((name) => core.createNamespacedServiceAccount({ namespace, body: { metadata: { name } } })),
      );
    }
  });
  afterAll(async () => {
    await Promise.all(
      [plainNs, enforceNs.baseline, enforceNs.restricted].filter(Boolean).map((n) => deleteNamespace(kc(), n)),
    );
  });

  it('agrees byte for byte on every fail fixture of the newest version and every real-world pod template', async () => {
    expect(cases.length).toBeGreaterThan(100);
    const mismatches: string[] = [];
    const skipped: string[] = [];
    let compared = 0;
    let denied = 0;

    await mapLimit(cases, CONCURRENCY, async (c, i) => {
      const name = podName(i, c.id);
      const body: V1Pod = {
        apiVersion: 'v1',
        kind: 'Pod',
        metadata: { name, annotations: c.pod.metadata?.annotations ?? {} },
        spec: c.pod.spec as NonNullable<V1Pod['spec']>,
      };
      // 1. The pod as the server stores it (defaults + mutating admission), or a validation error.
      const plain = await dryRunCreate(kc(), plainNs, body);
      if (!plain.pod) {
        skipped.push(`${c.id}: rejected before PodSecurity (${plain.code}): ${plain.message?.slice(0, 160)}`);
        return;
      }
      // 2. The server's PodSecurity verdict.
      const server = await dryRunCreate(kc(), enforceNs[c.level], body);
      if (server.code !== undefined && server.code !== 403) {
        mismatches.push(`${c.id}: unexpected HTTP ${server.code}: ${server.message}`);
        return;
      }
      // 3. The engine's verdict on the same pod.
      const defaulted = plain.pod;
      const result = evaluatePod(
        { metadata: { annotations: defaulted.metadata?.annotations ?? {} }, spec: defaulted.spec },
        c.level,
        'latest',
        { isPod: true },
      );
      compared++;
      const serverDenied = server.code === 403;
      if (serverDenied) denied++;
      if (c.expectDenied && !serverDenied) mismatches.push(`${c.id}: fail fixture admitted by the server`);
      if (serverDenied !== !result.allowed) {
        mismatches.push(
          `${c.id}: server ${serverDenied ? 'denied' : 'allowed'}, engine ${result.allowed ? 'allowed' : 'denied'}\n  server: ${server.message ?? ''}\n  engine: ${result.message}`,
        );
        return;
      }
      if (serverDenied) {
        const expected = `pods "${name}" is forbidden: violates PodSecurity "${c.level}:latest": ${result.message}`;
        if (server.message !== expected)
          mismatches.push(`${c.id}:\n  server: ${server.message}\n  engine: ${expected}`);
      }
    });

    console.log(
      `differential: compared ${compared} pods with the kube-apiserver (${denied} denied, ${compared - denied} allowed); ` +
        `${skipped.length} skipped (rejected by API validation before PodSecurity), ${mismatches.length} mismatches`,
    );
    if (skipped.length) console.log(`skipped:\n  ${skipped.join('\n  ')}`);
    expect(mismatches).toEqual([]);
    expect(compared).toBeGreaterThan(100);
    // Only the procMount fixtures are expected to fail API validation (Unmasked needs
    // hostUsers: false); anything else is a harness problem.
    expect(skipped.filter((s) => !/\/fail\/procmount\d+\.yaml: rejected before PodSecurity \(422\)/.test(s))).toEqual(
      [],
    );
  });
});
