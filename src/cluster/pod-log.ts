// Shell, read-only: one container log (current or previous) read through the API server, bounded in
// lines, bytes and time. Never throws: a failed read is `{ status, message }`.

import * as http from 'node:http';
import * as https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { pathSegment } from '../inventory/object-names.js';

export interface LogReadOptions {
  /** Log lines read per container and log (default 200). */
  tailLines?: number;
  /** Bytes read at most per container and log (default 256 KiB). */
  limitBytes?: number;
  /** Timeout per log read (default 15 s). */
  timeoutMs?: number;
  /** Waits before asking again for a previous log whose container the kubelet just removed (default 1, 2, 3 s). */
  retryDelaysMs?: readonly number[];
}

export type LogResult = { text: string } | { status: number; message: string };

/**
 * GET of a text endpoint (pods/log) with the kubeconfig's TLS and credentials. Raw, because an
 * empty log (a pod that never started) comes back as 200 with no Content-Type, which the
 * generated client rejects. Reads at most `limitBytes` (+ a little) whatever the server sends.
 */
async function getText(kc: KubeConfig, path: string, timeoutMs: number, limitBytes: number): Promise<LogResult> {
  const server = (kc.getCurrentCluster()?.server ?? '').replace(/\/+$/, '');
  const o: https.RequestOptions = { headers: {} };
  try {
    await kc.applyToHTTPSOptions(o);
  } catch (e) {
    return { status: 0, message: firstLine(e instanceof Error ? e.message : String(e)) };
  }
  const url = new URL(server + path);
  const mod = url.protocol === 'http:' ? http : https;
  return new Promise((resolve) => {
    const req = mod.request(
      url,
      {
        ...o,
        method: 'GET',
        headers: { ...o.headers, Accept: 'text/plain, application/json', 'User-Agent': 'podsec' },
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        const finish = (): void => {
          const text = Buffer.concat(chunks).subarray(0, limitBytes).toString('utf8');
          const status = res.statusCode ?? 0;
          if (status >= 200 && status < 300) return resolve({ text });
          let message = text.trim();
          try {
            const st = JSON.parse(text) as { message?: unknown };
            if (typeof st.message === 'string') message = st.message;
          } catch {
            // not a Status object: keep the text
          }
          resolve({ status, message: `HTTP ${status}${message !== '' ? `: ${firstLine(message)}` : ''}` });
        };
        res.on('data', (c: Buffer) => {
          chunks.push(c);
          size += c.length;
          if (size >= limitBytes) {
            // A server that ignores limitBytes: stop reading, keep the first limitBytes.
            res.removeAllListeners('data');
            req.destroy();
            finish();
          }
        });
        res.on('error', (e) => resolve({ status: 0, message: firstLine(e.message) }));
        res.on('end', finish);
      },
    );
    req.setTimeout(timeoutMs, () => req.destroy(new Error(`timed out after ${Math.round(timeoutMs / 1000)}s`)));
    req.on('error', (e) => resolve({ status: 0, message: firstLine(e.message) }));
    req.end();
  });
}

export const firstLine = (t: string): string => (t.split('\n')[0] ?? '').slice(0, 200);

/**
 * The kubelet's answer when the container a log request names is gone. Seen on a real node for
 * `previous` of a crash-looping container: just after a new instance dies, the pod status still
 * names the instance before it as the last terminated one, which the kubelet has already removed
 * (it keeps one dead instance per container). The status catches up within a status sync.
 */
export const GONE_CONTAINER_RE = /unable to retrieve container logs for/i;

/** One container log (current or previous), bounded; a failed read is `{ status, message }`. */
export async function readLog(
  kc: KubeConfig,
  ns: string,
  pod: string,
  container: string,
  previous: boolean,
  opts: LogReadOptions,
): Promise<LogResult> {
  const limitBytes = opts.limitBytes ?? 256 * 1024;
  const q = new URLSearchParams({
    container,
    previous: String(previous),
    tailLines: String(opts.tailLines ?? 200),
    limitBytes: String(limitBytes),
  });
  const path = `/api/v1/namespaces/${pathSegment('Namespace', ns)}/pods/${pathSegment('Pod', pod)}/log?${q.toString()}`;
  const first = await getText(kc, path, opts.timeoutMs ?? 15_000, limitBytes);
  if (!previous || !('status' in first) || !GONE_CONTAINER_RE.test(first.message)) return first;
  // The previous instance was removed under a stale pod status: ask again once the status has moved on.
  for (const delayMs of opts.retryDelaysMs ?? [1000, 2000, 3000]) {
    await new Promise((r) => setTimeout(r, delayMs));
    const again = await getText(kc, path, opts.timeoutMs ?? 15_000, limitBytes);
    if (!('status' in again) || !GONE_CONTAINER_RE.test(again.message)) return again;
  }
  return first;
}
