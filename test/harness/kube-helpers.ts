/**
 * Kubernetes helpers for tests and the harness, free of vitest so tsx scripts
 * (npm run cluster, seed) can use them too. Tests import them through ./env.js.
 */
import { ApiException, CoreV1Api, KubeConfig, PatchStrategy, setHeaderOptions } from '@kubernetes/client-node';
import { randomBytes } from 'node:crypto';
import { parseWarningHeader } from '../../src/inventory/psa-warnings.js';

export function loadKubeConfig(file: string): KubeConfig {
  const kc = new KubeConfig();
  kc.loadFromFile(file);
  return kc;
}

export function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Poll `fn` until it returns a non-undefined value; throw with `what` after the timeout. */
export async function pollUntil<T>(
  what: string,
  fn: () => Promise<T | undefined>,
  timeoutMs = 30_000,
  intervalMs = 200,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let lastErr: unknown;
  for (;;) {
    try {
      const v = await fn();
      if (v !== undefined) return v;
    } catch (err) {
      lastErr = err;
    }
    if (Date.now() > deadline) {
      const detail = lastErr instanceof Error ? `: ${lastErr.message}` : '';
      throw new Error(`timed out after ${timeoutMs}ms waiting for ${what}${detail}`);
    }
    await sleep(intervalMs);
  }
}

/** A DNS-1123 name `<prefix>-<random>` (at most 63 chars). */
export function uniqueName(prefix = 't'): string {
  return `${prefix
    .toLowerCase()
    .replace(/[^a-z0-9-]/g, '-')
    .slice(0, 50)}-${randomBytes(4).toString('hex')}`;
}

export async function waitForDefaultServiceAccount(
  kc: KubeConfig,
  namespace: string,
  timeoutMs = 30_000,
): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  await pollUntil(
    `serviceaccount ${namespace}/default`,
    async () => {
      try {
        await core.readNamespacedServiceAccount({ name: 'default', namespace });
        return true;
      } catch (err) {
        if (err instanceof ApiException && err.code === 404) return undefined;
        throw err;
      }
    },
    timeoutMs,
  );
}

/**
 * Create a uniquely named namespace (optionally labelled) and wait for its default
 * ServiceAccount, without which pod creation is refused. Returns the name.
 */
export async function createTestNamespace(
  kc: KubeConfig,
  opts: { prefix?: string; labels?: Record<string, string> } = {},
): Promise<string> {
  const core = kc.makeApiClient(CoreV1Api);
  const name = uniqueName(opts.prefix ?? 'podsec');
  await core.createNamespace({ body: { metadata: { name, labels: opts.labels ?? {} } } });
  await waitForDefaultServiceAccount(kc, name);
  return name;
}

/** Delete a namespace without waiting for it to finish terminating. */
export async function deleteNamespace(kc: KubeConfig, name: string): Promise<void> {
  const core = kc.makeApiClient(CoreV1Api);
  try {
    await core.deleteNamespace({ name });
  } catch (err) {
    if (!(err instanceof ApiException && err.code === 404)) throw err;
  }
}

/** Pod Security namespace labels, e.g. psaLabels({ enforce: 'restricted', 'enforce-version': 'v1.22' }). */
export function psaLabels(
  modes: Partial<Record<'enforce' | 'audit' | 'warn' | 'enforce-version' | 'audit-version' | 'warn-version', string>>,
): Record<string, string> {
  return Object.fromEntries(Object.entries(modes).map(([k, v]) => [`pod-security.kubernetes.io/${k}`, v as string]));
}

/** Dry-run merge patch of namespace labels (null removes a label); returns the warnings. */
export async function dryRunRelabel(
  kc: KubeConfig,
  namespace: string,
  labels: Record<string, string | null>,
): Promise<string[]> {
  return (await dryRunRelabelRaw(kc, namespace, labels)).warnings;
}

/** Like dryRunRelabel, plus the raw (joined) Warning header value as received. */
export async function dryRunRelabelRaw(
  kc: KubeConfig,
  namespace: string,
  labels: Record<string, string | null>,
): Promise<{ warnings: string[]; rawHeader: string | undefined }> {
  const core = kc.makeApiClient(CoreV1Api);
  const res = await core.patchNamespaceWithHttpInfo(
    { name: namespace, body: { metadata: { labels } }, dryRun: 'All', fieldManager: 'podsec-test' },
    setHeaderOptions('Content-Type', PatchStrategy.MergePatch),
  );
  const rawHeader = res.headers['warning'];
  return { warnings: parseWarningHeader(rawHeader), rawHeader };
}

/**
 * Repeat a dry-run relabel until `done(warnings)` holds. PodSecurity evaluates existing pods
 * from an informer cache, so pods created a moment ago may not be seen yet.
 */
export async function pollDryRunRelabel(
  kc: KubeConfig,
  namespace: string,
  labels: Record<string, string | null>,
  done: (warnings: string[]) => boolean,
  timeoutMs = 30_000,
): Promise<string[]> {
  let last: string[] = [];
  try {
    return await pollUntil(
      `dry-run relabel warnings on ${namespace}`,
      async () => {
        last = await dryRunRelabel(kc, namespace, labels);
        return done(last) ? last : undefined;
      },
      timeoutMs,
      300,
    );
  } catch (err) {
    throw new Error(`${(err as Error).message}; last warnings: ${JSON.stringify(last)}`, { cause: err });
  }
}
