// Shell: the trial port on a live cluster. Creates the trial Pod, polls it (and its events) until
// the pure classifier decides or the time is up, reads its logs, and always deletes it: after a
// pass, a failure, an error or Ctrl-C (the delete uses its own client, not the cancelled one).
// Trial pods a crashed run left behind carry the podsec.dev/trial label and are removed by
// `removeLeftovers` at the start of the next run.

import type { KubeConfig } from '@kubernetes/client-node';
import { KubeClient } from './client.js';
import { ApiResponseError } from './errors.js';
import { readLog } from './pod-log.js';
import { classifyTrial } from '../trial/classify.js';
import { TRIAL_LABEL } from '../trial/pod.js';
import type { TrialPort } from '../trial/loop.js';
import type { ContainerObservation, TrialObservation, TrialRunResult } from '../trial/types.js';

type Obj = Record<string, unknown>;
const obj = (v: unknown): Obj => (typeof v === 'object' && v !== null && !Array.isArray(v) ? (v as Obj) : {});
const arr = (v: unknown): Obj[] => (Array.isArray(v) ? v.map(obj) : []);
const str = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);
const podsPath = (ns: string) => `/api/v1/namespaces/${encodeURIComponent(ns)}/pods`;
const sleep = (ms: number, signal?: AbortSignal) =>
  new Promise<void>((resolve) => {
    const t = setTimeout(resolve, ms);
    signal?.addEventListener(
      'abort',
      () => {
        clearTimeout(t);
        resolve();
      },
      { once: true },
    );
  });

function state(s: Obj): Pick<ContainerObservation, 'waiting' | 'terminated'> {
  const w = obj(s['waiting']);
  const t = obj(s['terminated']);
  const out: Pick<ContainerObservation, 'waiting' | 'terminated'> = {};
  if (str(w['reason']) !== undefined)
    out.waiting = { reason: str(w['reason'])!, ...(str(w['message']) ? { message: str(w['message'])! } : {}) };
  if (t['exitCode'] !== undefined)
    out.terminated = {
      reason: str(t['reason']) ?? 'Terminated',
      exitCode: Number(t['exitCode']),
      ...(str(t['message']) ? { message: str(t['message'])! } : {}),
    };
  return out;
}

/** The observation of a pod object (status) with its events; `readySince` tracks steady readiness. */
export function observe(pod: Obj, events: Obj[], elapsedMs: number, readyForMs: number): TrialObservation {
  const status = obj(pod['status']);
  const containers = [
    ...arr(status['initContainerStatuses']).map((c) => ({ c, init: true })),
    ...arr(status['containerStatuses']).map((c) => ({ c, init: false })),
  ].map(({ c, init }): ContainerObservation => {
    const now = state(obj(c['state']));
    const last = state(obj(c['lastState']));
    return {
      name: str(c['name']) ?? '',
      init,
      ready: c['ready'] === true,
      restartCount: Number(c['restartCount'] ?? 0),
      ...now,
      ...(last.terminated ? { lastTerminated: last.terminated } : {}),
    };
  });
  const conditions = arr(status['conditions']).map((c) => ({
    type: str(c['type']) ?? '',
    status: str(c['status']) ?? '',
    ...(str(c['reason']) ? { reason: str(c['reason'])! } : {}),
    ...(str(c['message']) ? { message: str(c['message'])! } : {}),
  }));
  return {
    phase: str(status['phase']) ?? 'Pending',
    ready: conditions.some((c) => c.type === 'Ready' && c.status === 'True'),
    readyForMs,
    elapsedMs,
    containers,
    conditions,
    events: events.map((e) => ({
      type: str(e['type']) ?? '',
      reason: str(e['reason']) ?? '',
      message: str(e['message']) ?? '',
    })),
  };
}

/** Deletes a pod (grace 0) and waits until it is gone, at most `waitMs`. True when gone. */
async function deletePod(client: KubeClient, ns: string, name: string, waitMs = 30_000): Promise<boolean> {
  try {
    await client.request(
      'DELETE',
      `${podsPath(ns)}/${encodeURIComponent(name)}`,
      {},
      { apiVersion: 'v1', kind: 'DeleteOptions', gracePeriodSeconds: 0 },
    );
  } catch (err) {
    if (!(err instanceof ApiResponseError && err.status === 404)) throw err;
  }
  const until = Date.now() + waitMs;
  while (Date.now() < until) {
    try {
      await client.get(`${podsPath(ns)}/${encodeURIComponent(name)}`);
    } catch (err) {
      if (err instanceof ApiResponseError && err.status === 404) return true;
      throw err;
    }
    await sleep(250);
  }
  return false;
}

/**
 * Creates the trial pod with a server-side dry run (`dryRun=All`: admission runs, nothing is
 * stored): null when the API server would accept it, else its refusal, and whether the reason is
 * a missing namespace. Other failures (unreachable, timeouts) are thrown.
 */
export async function dryRunTrialPod(
  client: KubeClient,
  pod: Obj,
): Promise<{ message: string; namespaceMissing: boolean } | null> {
  const ns = str(obj(pod['metadata'])['namespace']) ?? 'default';
  try {
    await client.request('POST', podsPath(ns), { dryRun: 'All' }, pod);
    return null;
  } catch (err) {
    if (!(err instanceof ApiResponseError) || err.status < 400 || err.status >= 500 || err.status === 429) throw err;
    return {
      message: err.apiMessage || `${err.status} ${err.reason}`,
      namespaceMissing: err.status === 404 && /namespaces? "[^"]*" not found/.test(err.apiMessage),
    };
  }
}

/** Removes trial pods left behind by an earlier run (crash, kill -9) in the namespaces; returns their names. */
export async function removeLeftovers(kc: KubeConfig, namespaces: readonly string[]): Promise<string[]> {
  const client = await KubeClient.create(kc, {});
  try {
    const removed: string[] = [];
    for (const ns of namespaces) {
      const list = await client.get<{ items?: Obj[] }>(podsPath(ns), { labelSelector: TRIAL_LABEL });
      for (const p of list.body.items ?? []) {
        const name = str(obj(p['metadata'])['name']) ?? '';
        await deletePod(client, ns, name);
        removed.push(`${ns}/${name}`);
      }
    }
    return removed;
  } finally {
    client.close();
  }
}

/** The trial port on a cluster: `client` follows Ctrl-C; deletes use a client of their own. */
export async function clusterTrialPort(
  kc: KubeConfig,
  client: KubeClient,
  opts: { pollMs?: number; settleMs?: number } = {},
): Promise<TrialPort & { close(): void }> {
  const cleaner = await KubeClient.create(kc, {});
  return {
    close: () => cleaner.close(),
    async run(pod, { timeoutMs, signal }): Promise<TrialRunResult> {
      const meta = obj(pod['metadata']);
      const ns = str(meta['namespace']) ?? 'default';
      const name = str(meta['name']) ?? '';
      const started = Date.now();
      let observation: ReturnType<typeof observe>;
      let classification: ReturnType<typeof classifyTrial>;
      const logs: Record<string, string> = {};
      let created = false;
      let deleted = true;
      try {
        await client.post(podsPath(ns), pod);
        created = true;
        let readySince: number | undefined;
        for (;;) {
          const elapsed = Date.now() - started;
          const timedOut = elapsed >= timeoutMs || signal.aborted;
          const live = (await cleaner.get<Obj>(`${podsPath(ns)}/${encodeURIComponent(name)}`)).body;
          const events =
            (
              await cleaner.get<{ items?: Obj[] }>(`/api/v1/namespaces/${encodeURIComponent(ns)}/events`, {
                fieldSelector: `involvedObject.name=${name}`,
              })
            ).body.items ?? [];
          const ready = arr(obj(live['status'])['conditions']).some(
            (c) => c['type'] === 'Ready' && c['status'] === 'True',
          );
          readySince = ready ? (readySince ?? Date.now()) : undefined;
          observation = observe(live, events, elapsed, readySince === undefined ? 0 : Date.now() - readySince);
          classification = classifyTrial(observation, {
            timedOut,
            timeoutMs,
            ...(opts.settleMs !== undefined ? { settleMs: opts.settleMs } : {}),
          });
          if (signal.aborted)
            classification = { verdict: 'fail', reason: 'Cancelled', message: 'cancelled before the trial ended' };
          if (classification.verdict !== 'running') break;
          await sleep(opts.pollMs ?? 1000, signal);
        }
        for (const c of observation.containers) {
          const parts = await Promise.all(
            [true, false].map((previous) =>
              readLog(kc, ns, name, c.name, previous, { tailLines: 200, timeoutMs: 10_000 }),
            ),
          );
          logs[c.name] = parts.map((r) => ('text' in r ? r.text : '')).join('\n');
        }
      } finally {
        // Always: also after an error or Ctrl-C (cleaner is not bound to the cancelled signal).
        if (created) deleted = await deletePod(cleaner, ns, name).catch(() => false);
      }
      return { pod: `${ns}/${name}`, observation, classification, logs, deleted };
    },
  };
}
