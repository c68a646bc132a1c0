// A tiny fake Kubernetes API server for fault injection (429, 5xx, 410, hangs, truncated
// warnings) and a kubeconfig pointing at it. Real behaviour is tested against the real control
// plane in test/integration; this only scripts failures the real server will not produce on demand.
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';

export interface FakeRequest {
  method: string;
  url: string;
  path: string;
  query: URLSearchParams;
  headers: http.IncomingHttpHeaders;
  body: string;
}

export interface FakeReply {
  status?: number;
  headers?: Record<string, string | string[]>;
  body?: unknown;
  /** Never answer (for timeouts). */
  hang?: boolean;
}

export type Handler = (req: FakeRequest) => FakeReply | undefined;

export interface FakeApi {
  url: string;
  requests: FakeRequest[];
  kubeconfig: string;
  close(): Promise<void>;
}

/** Starts a fake API; `handler` answers each request (undefined -> 404 Status). */
export async function startFakeApi(handler: Handler, token = 'test-token'): Promise<FakeApi> {
  const requests: FakeRequest[] = [];
  const sockets = new Set<import('node:net').Socket>();
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const u = new URL(req.url ?? '/', 'http://x');
      const r: FakeRequest = {
        method: req.method ?? 'GET',
        url: req.url ?? '/',
        path: u.pathname,
        query: u.searchParams,
        headers: req.headers,
        body: Buffer.concat(chunks).toString('utf8'),
      };
      requests.push(r);
      const reply = handler(r) ?? { status: 404, body: status(404, 'NotFound', `${r.path} not found`) };
      if (reply.hang) return;
      res.writeHead(reply.status ?? 200, { 'Content-Type': 'application/json', ...(reply.headers ?? {}) });
      res.end(reply.body === undefined ? '' : JSON.stringify(reply.body));
    });
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podsec-fake-'));
  const kubeconfig = path.join(dir, 'config');
  fs.writeFileSync(kubeconfig, kubeconfigYaml(url, token, 'fake'));
  return {
    url,
    requests,
    kubeconfig,
    close: async () => {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
      fs.rmSync(dir, { recursive: true, force: true });
    },
  };
}

export function kubeconfigYaml(server: string, token: string, name: string): string {
  return [
    'apiVersion: v1',
    'kind: Config',
    `current-context: ${name}`,
    'clusters:',
    `- name: ${name}`,
    '  cluster:',
    `    server: ${server}`,
    '    insecure-skip-tls-verify: true',
    'users:',
    `- name: ${name}-user`,
    '  user:',
    `    token: ${token}`,
    'contexts:',
    `- name: ${name}`,
    '  context:',
    `    cluster: ${name}`,
    `    user: ${name}-user`,
    '',
  ].join('\n');
}

export function status(code: number, reason: string, message: string): unknown {
  return { kind: 'Status', apiVersion: 'v1', status: 'Failure', message, reason, code };
}

export function list(items: unknown[], cont?: string): unknown {
  return {
    kind: 'List',
    apiVersion: 'v1',
    metadata: { resourceVersion: '1', ...(cont ? { continue: cont } : {}) },
    items,
  };
}
