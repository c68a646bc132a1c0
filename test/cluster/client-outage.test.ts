// A refused connection is retried once the server has answered before (an API server
// restarting), within a time budget; before the first answer it fails at once.
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { KubeClient } from '../../src/cluster/client.js';
import { networkCode } from '../../src/cluster/errors.js';
import { loadKubeconfig } from '../../src/cluster/kubeconfig.js';

const servers: http.Server[] = [];
afterEach(async () => {
  for (const s of servers.splice(0)) await new Promise<void>((r) => (s.closeAllConnections(), s.close(() => r())));
});

function serve(port = 0): Promise<http.Server> {
  const s = http.createServer((_req, res) =>
    res.writeHead(200, { 'Content-Type': 'application/json' }).end('{"ok":true}'),
  );
  servers.push(s);
  return new Promise((resolve) => s.listen(port, '127.0.0.1', () => resolve(s)));
}
const stop = (s: http.Server) => new Promise<void>((r) => (s.closeAllConnections(), s.close(() => r())));

async function clientAt(port: number, outageMs: number) {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'client-outage-'));
  const file = path.join(dir, 'kubeconfig');
  fs.writeFileSync(
    file,
    `apiVersion: v1\nkind: Config\nclusters: [{name: c, cluster: {server: "http://127.0.0.1:${port}", insecure-skip-tls-verify: true}}]\nusers: [{name: u, user: {token: t}}]\ncontexts: [{name: x, context: {cluster: c, user: u}}]\ncurrent-context: x\n`,
  );
  const { kc } = loadKubeconfig({ kubeconfig: file, env: {} });
  const retries: string[] = [];
  const c = await KubeClient.create(kc, {
    baseDelayMs: 20,
    maxDelayMs: 100,
    outageMs,
    onRetry: (r) => retries.push(r.reason),
  });
  return { c, retries };
}

describe('KubeClient during an API server restart', () => {
  it('retries refused connections after the server answered once, and succeeds when it is back', async () => {
    const first = await serve();
    const port = (first.address() as AddressInfo).port;
    const { c, retries } = await clientAt(port, 10_000);
    await c.get('/version');
    await stop(first);
    setTimeout(() => void serve(port), 600);
    const t0 = Date.now();
    await expect(c.get('/version')).resolves.toMatchObject({ body: { ok: true } });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(500);
    expect(retries.length).toBeGreaterThan(1);
    // A kept-alive socket may first report the reset, then new connections are refused.
    expect(retries).toContain('ECONNREFUSED');
    expect(retries.every((r) => r === 'ECONNREFUSED' || r === 'ECONNRESET')).toBe(true);
    c.close();
  });

  it('gives up once the outage budget is spent', async () => {
    const first = await serve();
    const port = (first.address() as AddressInfo).port;
    const { c } = await clientAt(port, 400);
    await c.get('/version');
    await stop(first);
    const t0 = Date.now();
    const err = await c.get('/version').catch((e: unknown) => e);
    expect(networkCode(err)).toBe('ECONNREFUSED');
    expect(Date.now() - t0).toBeGreaterThanOrEqual(400);
    expect(Date.now() - t0).toBeLessThan(3000);
    c.close();
  });

  it('fails at once when the server never answered (a wrong address)', async () => {
    const s = await serve();
    const port = (s.address() as AddressInfo).port;
    await stop(s);
    const { c, retries } = await clientAt(port, 10_000);
    const t0 = Date.now();
    expect(networkCode(await c.get('/version').catch((e: unknown) => e))).toBe('ECONNREFUSED');
    expect(Date.now() - t0).toBeLessThan(500);
    expect(retries).toEqual([]);
    c.close();
  });
});
