/**
 * A small fault-injection proxy for tests: a plain-HTTP server on loopback that forwards every
 * request to the real API server (HTTPS, with its CA) and, for requests matching a rule, injects
 * a fault instead: 429 (Retry-After: 0 or `retryAfter`), 500, 503, 409 Conflict, a connection
 * dropped before the request reaches the server (`drop`), or one dropped after the server
 * applied it and before the client saw the answer (`dropAfterForward`), a request held for
 * `delayMs` before it is forwarded (`delay`: the client times out and resends while the first
 * copy is still on its way), a response held for `delayMs` after the server applied it
 * (`slowResponse`), or a 200 that never reached the server (`fake200`). `kubeconfig(file, token)`
 * points a client at it.
 */
import { readFileSync, writeFileSync } from 'node:fs';
import * as http from 'node:http';
import * as https from 'node:https';
import type { AddressInfo } from 'node:net';

export type Fault = '429' | '500' | '503' | '409' | 'drop' | 'dropAfterForward' | 'delay' | 'slowResponse' | 'fake200';

export interface FaultRule {
  method?: string;
  /** Matched against the request path (with query). */
  path: RegExp;
  fault: Fault;
  /** How many matching requests get the fault (default 1). */
  times?: number;
  /** Retry-After of a 429 in seconds (default 0). */
  retryAfter?: number;
  /** How long `delay` and `slowResponse` hold the request or response (default 3 s). */
  delayMs?: number;
}

export interface FaultProxy {
  url: string;
  /** Requests seen: method, path and what was done. */
  log: { method: string; path: string; action: Fault | 'forward' }[];
  addRule(rule: FaultRule): void;
  /** Resolves once no request is on its way to the server (a `delay`ed copy has landed). */
  idle(): Promise<void>;
  /** Writes a kubeconfig for the proxy with this bearer token; returns its path. */
  kubeconfig(file: string, token: string): string;
  close(): Promise<void>;
}

const statusBody = (code: number, reason: string, message: string) =>
  JSON.stringify({ kind: 'Status', apiVersion: 'v1', status: 'Failure', message, reason, code });

/** Starts a proxy in front of `target` (https://127.0.0.1:port) trusting `caFile`. */
export async function startFaultProxy(target: string, caFile: string): Promise<FaultProxy> {
  const rules: (FaultRule & { left: number })[] = [];
  const log: FaultProxy['log'] = [];
  let inFlight = 0;
  const upstream = new URL(target);
  const agent = new https.Agent({ ca: readFileSync(caFile), keepAlive: true });

  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const method = req.method ?? 'GET';
      const path = req.url ?? '/';
      const rule = rules.find((r) => r.left > 0 && (!r.method || r.method === method) && r.path.test(path));
      if (rule) rule.left--;
      const action: Fault | 'forward' = rule?.fault ?? 'forward';
      log.push({ method, path, action });
      const held = rule?.delayMs ?? 3000;
      switch (action) {
        case '429':
          res
            .writeHead(429, { 'Content-Type': 'application/json', 'Retry-After': String(rule?.retryAfter ?? 0) })
            .end(statusBody(429, 'TooManyRequests', 'injected: too many requests'));
          return;
        case '500':
          res
            .writeHead(500, { 'Content-Type': 'application/json' })
            .end(statusBody(500, 'InternalError', 'injected: internal error'));
          return;
        case '503':
          res
            .writeHead(503, { 'Content-Type': 'application/json' })
            .end(statusBody(503, 'ServiceUnavailable', 'injected: service unavailable'));
          return;
        case 'fake200':
          res.writeHead(200, { 'Content-Type': 'application/json' }).end('{}');
          return;
        case '409':
          res
            .writeHead(409, { 'Content-Type': 'application/json' })
            .end(
              statusBody(
                409,
                'Conflict',
                'injected: the object has been modified; please apply your changes to the latest version and try again',
              ),
            );
          return;
        case 'drop':
          req.socket.destroy();
          return;
        default:
          break;
      }
      const headers = { ...req.headers, host: upstream.host };
      inFlight++;
      const forward = () => {
        const up = https.request(
          { hostname: upstream.hostname, port: upstream.port, path, method, headers, agent },
          (upRes) => {
            const body: Buffer[] = [];
            upRes.on('data', (c: Buffer) => body.push(c));
            upRes.on('end', () => {
              inFlight--;
              if (action === 'dropAfterForward') {
                req.socket.destroy();
                return;
              }
              const answer = () => {
                if (!res.destroyed && !req.socket.destroyed)
                  res.writeHead(upRes.statusCode ?? 502, upRes.headers).end(Buffer.concat(body));
              };
              if (action === 'slowResponse') setTimeout(answer, held);
              else answer();
            });
          },
        );
        up.on('error', () => {
          inFlight--;
          req.socket.destroy();
        });
        up.end(Buffer.concat(chunks));
      };
      if (action === 'delay') setTimeout(forward, held);
      else forward();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  return {
    url,
    log,
    addRule: (rule) => rules.push({ ...rule, left: rule.times ?? 1 }),
    async idle() {
      while (inFlight > 0) await new Promise((r) => setTimeout(r, 50));
    },
    kubeconfig(file, token) {
      const text = [
        'apiVersion: v1',
        'kind: Config',
        // client-node only accepts an http:// server with skip-verify set (there is no TLS to verify).
        'clusters: [{name: proxy, cluster: {server: "' + url + '", insecure-skip-tls-verify: true}}]',
        'users: [{name: proxy, user: {token: "' + token + '"}}]',
        'contexts: [{name: proxy, context: {cluster: proxy, user: proxy}}]',
        'current-context: proxy',
        '',
      ].join('\n');
      writeFileSync(file, text);
      return file;
    },
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        agent.destroy();
        server.close(() => resolve());
      }),
  };
}
