// Shell: a small JSON client for the Kubernetes API on node:http(s) with the kubeconfig's TLS and
// credentials (tokens, client certs, exec plugins via client-node). Keep-alive connections,
// per-request timeouts, retries with backoff on 429 (honouring Retry-After), 5xx and dropped
// connections. Every failure leaves as ApiResponseError / RequestTimeoutError / a network error.

import { setMaxListeners } from 'node:events';
import * as http from 'node:http';
import * as https from 'node:https';
import type { KubeConfig } from '@kubernetes/client-node';
import { CancelledError } from '../errors.js';
import { ApiResponseError, RequestTimeoutError, isConnectionLoss, isRetryable, networkCode } from './errors.js';

export interface KubeClientOptions {
  /** Per-request timeout (default 30 s). */
  timeoutMs?: number;
  /** Retries after the first attempt for retryable failures (default 5). */
  retries?: number;
  /** First backoff delay (default 250 ms), doubled per attempt up to maxDelayMs (default 8 s). */
  baseDelayMs?: number;
  maxDelayMs?: number;
  /**
   * Once the server has answered at least once, how long a refused or lost connection (an API
   * server restarting) is retried with backoff before the request fails (default 60 s). Before
   * the first answer a refused connection fails at once: the address is likely wrong.
   */
  outageMs?: number;
  /** Parallel connections (default 8). */
  maxSockets?: number;
  signal?: AbortSignal;
  /** Called before each attempt with method and path (tests record the URLs). */
  onRequest?: (method: string, path: string) => void;
  /** Called when an attempt is retried. */
  onRetry?: (info: { method: string; path: string; attempt: number; delayMs: number; reason: string }) => void;
}

export interface KubeResponse<T> {
  status: number;
  headers: http.IncomingHttpHeaders;
  body: T;
}

export type Query = Record<string, string | number | boolean | undefined>;

const HEADER_TTL_MS = 60_000;

/** A JSON client bound to the current context of a loaded kubeconfig. */
export class KubeClient {
  private headers: Record<string, string> = {};
  private headersAt = -Infinity;
  private readonly timeoutMs: number;
  private readonly retries: number;
  private readonly baseDelayMs: number;
  private readonly maxDelayMs: number;
  private readonly outageMs: number;
  /** The server has answered (any status): a refused connection now means it is restarting. */
  private reached = false;

  private constructor(
    private readonly kc: KubeConfig,
    readonly server: string,
    private readonly agent: http.Agent,
    private readonly opts: KubeClientOptions,
  ) {
    this.timeoutMs = opts.timeoutMs ?? 30_000;
    this.retries = opts.retries ?? 5;
    this.baseDelayMs = opts.baseDelayMs ?? 250;
    this.maxDelayMs = opts.maxDelayMs ?? 8_000;
    this.outageMs = opts.outageMs ?? 60_000;
  }

  /** Builds the TLS agent once from the kubeconfig (CA, client cert, skip-verify, proxy). */
  static async create(kc: KubeConfig, opts: KubeClientOptions = {}): Promise<KubeClient> {
    const cluster = kc.getCurrentCluster();
    const server = (cluster?.server ?? '').replace(/\/+$/, '');
    const o: https.RequestOptions = { headers: {} };
    await kc.applyToHTTPSOptions(o);
    const maxSockets = opts.maxSockets ?? 8;
    let agent: http.Agent;
    if (cluster?.proxyUrl && o.agent instanceof http.Agent) agent = o.agent;
    else if (server.startsWith('http:')) agent = new http.Agent({ keepAlive: true, maxSockets });
    else {
      const tls: https.AgentOptions = { keepAlive: true, maxSockets };
      if (o.ca) tls.ca = o.ca;
      if (o.cert) tls.cert = o.cert;
      if (o.key) tls.key = o.key;
      if (o.rejectUnauthorized !== undefined) tls.rejectUnauthorized = o.rejectUnauthorized;
      if (o.servername) tls.servername = o.servername;
      agent = new https.Agent(tls);
    }
    // Every in-flight request listens for the abort signal.
    if (opts.signal) setMaxListeners(0, opts.signal);
    const client = new KubeClient(kc, server, agent, opts);
    client.setHeaders(o);
    return client;
  }

  /** Closes idle keep-alive sockets. */
  close(): void {
    this.agent.destroy();
  }

  get<T>(path: string, query: Query = {}): Promise<KubeResponse<T>> {
    return this.request<T>('GET', path, query);
  }

  post<T>(path: string, body: unknown, query: Query = {}): Promise<KubeResponse<T>> {
    return this.request<T>('POST', path, query, body, 'application/json');
  }

  /** A merge patch (`application/merge-patch+json`). */
  mergePatch<T>(path: string, body: unknown, query: Query = {}): Promise<KubeResponse<T>> {
    return this.request<T>('PATCH', path, query, body, 'application/merge-patch+json');
  }

  /** One request with retries; rejects with ApiResponseError for a final non-2xx status. */
  async request<T>(
    method: string,
    path: string,
    query: Query = {},
    body?: unknown,
    contentType?: string,
  ): Promise<KubeResponse<T>> {
    const qs = Object.entries(query)
      .filter(([, v]) => v !== undefined && v !== '')
      .map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(String(v))}`)
      .join('&');
    const fullPath = qs ? `${path}?${qs}` : path;
    const payload = body === undefined ? undefined : JSON.stringify(body);
    let refreshedAuth = false;
    let lostSince: number | undefined;
    for (let attempt = 0; ; attempt++) {
      this.throwIfAborted();
      try {
        await this.refreshHeaders(false);
        this.opts.onRequest?.(method, fullPath);
        return await this.once<T>(method, fullPath, payload, contentType);
      } catch (err) {
        if (err instanceof ApiResponseError && err.status === 401 && !refreshedAuth) {
          refreshedAuth = true; // an expired exec/OIDC token: fetch a new one once
          await this.refreshHeaders(true);
          continue;
        }
        if (this.reached && isConnectionLoss(err)) {
          // The server answered before: it is restarting or a proxy lost it. Bounded by time.
          lostSince ??= Date.now();
          if (Date.now() - lostSince >= this.outageMs) throw err;
        } else if (!isRetryable(err) || attempt >= this.retries) throw err;
        const retryAfter = err instanceof ApiResponseError ? err.retryAfterSeconds : undefined;
        const backoff = Math.min(this.baseDelayMs * 2 ** attempt, this.maxDelayMs);
        const delayMs =
          retryAfter !== undefined
            ? Math.min(retryAfter * 1000, this.maxDelayMs * 4)
            : backoff * (0.5 + Math.random() / 2);
        const reason =
          err instanceof ApiResponseError
            ? String(err.status)
            : (networkCode(err) ?? (err instanceof Error ? err.name : 'error'));
        this.opts.onRetry?.({ method, path: fullPath, attempt: attempt + 1, delayMs, reason });
        await this.sleep(delayMs);
      }
    }
  }

  private throwIfAborted(): void {
    if (this.opts.signal?.aborted) throw new CancelledError();
  }

  private sleep(ms: number): Promise<void> {
    return new Promise((resolve, reject) => {
      const onAbort = () => {
        clearTimeout(t);
        reject(new CancelledError());
      };
      const t = setTimeout(() => {
        this.opts.signal?.removeEventListener('abort', onAbort);
        resolve();
      }, ms);
      this.opts.signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private setHeaders(o: https.RequestOptions): void {
    const h: Record<string, string> = {};
    for (const [k, v] of Object.entries(o.headers ?? {}))
      if (typeof v === 'string' || typeof v === 'number') h[k] = String(v);
    if (o.auth) h.Authorization = `Basic ${Buffer.from(o.auth).toString('base64')}`;
    this.headers = h;
    this.headersAt = Date.now();
  }

  private async refreshHeaders(force: boolean): Promise<void> {
    if (!force && Date.now() - this.headersAt < HEADER_TTL_MS) return;
    const o: https.RequestOptions = { headers: {} };
    await this.kc.applyToHTTPSOptions(o);
    this.setHeaders(o);
  }

  private once<T>(
    method: string,
    path: string,
    payload: string | undefined,
    contentType: string | undefined,
  ): Promise<KubeResponse<T>> {
    const url = new URL(this.server + path);
    const mod = url.protocol === 'http:' ? http : https;
    const headers: Record<string, string> = { ...this.headers, Accept: 'application/json', 'User-Agent': 'podsec' };
    if (payload !== undefined) {
      headers['Content-Type'] = contentType ?? 'application/json';
      headers['Content-Length'] = String(Buffer.byteLength(payload));
    }
    return new Promise<KubeResponse<T>>((resolve, reject) => {
      const req = mod.request(url, { method, headers, agent: this.agent }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          this.reached = true;
          const status = res.statusCode ?? 0;
          const text = Buffer.concat(chunks).toString('utf8');
          if (status >= 200 && status < 300) {
            try {
              resolve({ status, headers: res.headers, body: (text ? JSON.parse(text) : {}) as T });
            } catch {
              reject(new ApiResponseError(status, 'BadResponse', 'the response was not JSON', method, path));
            }
            return;
          }
          reject(responseError(status, text, res.headers, method, path));
        });
      });
      req.setTimeout(this.timeoutMs, () => req.destroy(new RequestTimeoutError(`${method} ${path} timed out`)));
      const onAbort = () => req.destroy(new CancelledError());
      this.opts.signal?.addEventListener('abort', onAbort, { once: true });
      req.on('close', () => this.opts.signal?.removeEventListener('abort', onAbort));
      req.on('error', reject);
      if (payload !== undefined) req.write(payload);
      req.end();
    });
  }
}

function responseError(
  status: number,
  text: string,
  headers: http.IncomingHttpHeaders,
  method: string,
  path: string,
): ApiResponseError {
  let reason = '';
  let message = text.slice(0, 500);
  try {
    const s = JSON.parse(text) as { reason?: string; message?: string };
    reason = s.reason ?? '';
    message = s.message ?? '';
  } catch {
    // not a Status object: keep the start of the text
  }
  const ra = headers['retry-after'];
  const seconds = typeof ra === 'string' && /^\d+$/.test(ra.trim()) ? Number(ra) : undefined;
  return new ApiResponseError(status, reason, message, method, path, seconds);
}
