// TLS through our own keep-alive agent: the kubeconfig's certificate-authority verifies the server
// and its client certificate is presented (client-cert users), both from files and inline data.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as os from 'node:os';
import * as path from 'node:path';
import type { AddressInfo } from 'node:net';
import type { TLSSocket } from 'node:tls';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/cluster/connect.js';
import { ClusterError } from '../../src/errors.js';

const hasOpenssl = spawnSync('openssl', ['version']).status === 0;
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podsec-tls-'));
const f = (n: string) => path.join(dir, n);
let server: https.Server;
let url = '';
const seen: string[] = [];

function openssl(...args: string[]): void {
  const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(r.stderr);
}

beforeAll(async () => {
  if (!hasOpenssl) return;
  openssl(
    'req',
    '-x509',
    '-newkey',
    'rsa:2048',
    '-nodes',
    '-keyout',
    'ca.key',
    '-out',
    'ca.crt',
    '-days',
    '1',
    '-subj',
    '/CN=test-ca',
  );
  for (const [name, subj, ext] of [
    ['server', '/CN=127.0.0.1', 'subjectAltName=IP:127.0.0.1'],
    ['client', '/O=system:masters/CN=alice', 'extendedKeyUsage=clientAuth'],
  ] as const) {
    openssl('req', '-newkey', 'rsa:2048', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', subj);
    fs.writeFileSync(f(`${name}.ext`), `${ext}\n`);
    openssl(
      'x509',
      '-req',
      '-in',
      `${name}.csr`,
      '-CA',
      'ca.crt',
      '-CAkey',
      'ca.key',
      '-CAcreateserial',
      '-out',
      `${name}.crt`,
      '-days',
      '1',
      '-extfile',
      `${name}.ext`,
    );
  }
  server = https.createServer(
    {
      key: fs.readFileSync(f('server.key')),
      cert: fs.readFileSync(f('server.crt')),
      ca: fs.readFileSync(f('ca.crt')),
      requestCert: true,
      rejectUnauthorized: false,
    },
    (req, res) => {
      const peer = (req.socket as TLSSocket).getPeerCertificate();
      seen.push(String(peer?.subject?.CN ?? ''));
      res.writeHead(200, { 'Content-Type': 'application/json' });
      res.end(JSON.stringify({ gitVersion: 'v1.34.1' }));
    },
  );
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  url = `https://127.0.0.1:${(server.address() as AddressInfo).port}`;
});

afterAll(async () => {
  if (server) await new Promise<void>((r) => server.close(() => r()));
  fs.rmSync(dir, { recursive: true, force: true });
});

const kubeconfig = (name: string, cluster: string[], user: string[]) => {
  const file = f(name);
  fs.writeFileSync(
    file,
    [
      'apiVersion: v1',
      'kind: Config',
      'current-context: c',
      'clusters:',
      '- name: c',
      '  cluster:',
      `    server: ${url}`,
      ...cluster.map((l) => `    ${l}`),
      'users:',
      '- name: u',
      '  user:',
      ...user.map((l) => `    ${l}`),
      'contexts:',
      '- name: c',
      '  context: {cluster: c, user: u}',
      '',
    ].join('\n'),
  );
  return file;
};
const signal = new AbortController().signal;

describe.skipIf(!hasOpenssl)('TLS and client certificates', () => {
  it('verifies the server with the CA file and presents the client certificate files', async () => {
    const kc = kubeconfig(
      'files',
      [`certificate-authority: ${f('ca.crt')}`],
      [`client-certificate: ${f('client.crt')}`, `client-key: ${f('client.key')}`],
    );
    const s = await connect({ kubeconfig: kc, newestPolicyMinor: 37 }, { env: {}, signal });
    s.client.close();
    expect(s.serverVersion).toBe('v1.34.1');
    expect(s.policyMinor).toBe(34);
    expect(seen.at(-1)).toBe('alice');
  });

  it('accepts inline certificate data', async () => {
    const b64 = (n: string) => fs.readFileSync(f(n)).toString('base64');
    const kc = kubeconfig(
      'inline',
      [`certificate-authority-data: ${b64('ca.crt')}`],
      [`client-certificate-data: ${b64('client.crt')}`, `client-key-data: ${b64('client.key')}`],
    );
    const s = await connect({ kubeconfig: kc, newestPolicyMinor: 37 }, { env: {}, signal });
    s.client.close();
    expect(seen.at(-1)).toBe('alice');
  });

  it('refuses a server its CA did not sign, with a TLS error line', async () => {
    const kc = kubeconfig('noca', [], ['token: t']);
    const err = await connect(
      { kubeconfig: kc, newestPolicyMinor: 37, client: { retries: 0 } },
      { env: {}, signal },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClusterError);
    expect((err as ClusterError).kind).toBe('tls');
    expect((err as ClusterError).message).toMatch(
      /^TLS verification of https:\/\/127\.0\.0\.1:\d+ failed \([A-Z_]+\)$/,
    );
  });
});
