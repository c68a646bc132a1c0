import * as fs from 'node:fs';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { connect } from '../../src/cluster/connect.js';
import { loadKubeconfig } from '../../src/cluster/kubeconfig.js';
import { ClusterError, UserError } from '../../src/errors.js';
import { kubeconfigYaml, startFakeApi } from './fake-api.js';

const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podsec-kc-'));
afterAll(() => fs.rmSync(dir, { recursive: true, force: true }));
const write = (name: string, text: string) => {
  const f = path.join(dir, name);
  fs.writeFileSync(f, text);
  return f;
};

describe('loadKubeconfig', () => {
  it('merges KUBECONFIG files kubectl-style: first definition and first current-context win, missing files skipped', () => {
    const a = write('a', kubeconfigYaml('https://a.example:6443', 'ta', 'prod'));
    const b = write(
      'b',
      kubeconfigYaml('https://b.example:6443', 'tb', 'prod').replace('current-context: prod', 'current-context: prod') +
        '',
    );
    const c = write('c', kubeconfigYaml('https://c.example:6443', 'tc', 'dev'));
    const env = { KUBECONFIG: [path.join(dir, 'missing'), a, b, c].join(path.delimiter) };
    const loaded = loadKubeconfig({ env });
    expect(loaded.files).toEqual([a, b, c]);
    expect(loaded.context).toBe('prod');
    expect(loaded.server).toBe('https://a.example:6443');
    const dev = loadKubeconfig({ env, context: 'dev' });
    expect(dev.server).toBe('https://c.example:6443');
  });

  it('prefers --kubeconfig over KUBECONFIG', () => {
    const a = write('only', kubeconfigYaml('https://only.example', 't', 'x'));
    expect(loadKubeconfig({ kubeconfig: a, env: { KUBECONFIG: '/nope' } }).server).toBe('https://only.example');
  });

  it('names the known contexts when --context does not exist', () => {
    const a = write('ctx', kubeconfigYaml('https://a.example', 't', 'prod'));
    expect(() => loadKubeconfig({ kubeconfig: a, context: 'staging', env: {} })).toThrow(UserError);
    try {
      loadKubeconfig({ kubeconfig: a, context: 'staging', env: {} });
    } catch (e) {
      expect((e as UserError).message).toBe(`context "staging" not found in ${a}`);
      expect((e as UserError).hint).toBe('known contexts: prod');
    }
  });

  it('says what to do when there is no kubeconfig at all', () => {
    expect(() => loadKubeconfig({ env: { HOME: path.join(dir, 'nohome') } }, path.join(dir, 'no-sa'))).toThrow(
      /no kubeconfig found/,
    );
  });

  it('uses the in-cluster service account when no kubeconfig exists inside a pod', () => {
    const root = path.join(dir, 'pod');
    const sa = path.join(root, 'var/run/secrets/kubernetes.io/serviceaccount');
    fs.mkdirSync(sa, { recursive: true });
    fs.writeFileSync(path.join(sa, 'token'), 'sa-token');
    fs.writeFileSync(path.join(sa, 'ca.crt'), '');
    const prev = { host: process.env.KUBERNETES_SERVICE_HOST, port: process.env.KUBERNETES_SERVICE_PORT };
    process.env.KUBERNETES_SERVICE_HOST = '10.0.0.1';
    process.env.KUBERNETES_SERVICE_PORT = '443';
    try {
      const loaded = loadKubeconfig(
        { env: { HOME: path.join(dir, 'nohome'), KUBERNETES_SERVICE_HOST: '10.0.0.1' } },
        sa,
      );
      expect(loaded.server).toBe('https://10.0.0.1:443');
      expect(loaded.context).toBe('inClusterContext');
    } finally {
      if (prev.host === undefined) delete process.env.KUBERNETES_SERVICE_HOST;
      else process.env.KUBERNETES_SERVICE_HOST = prev.host;
      if (prev.port === undefined) delete process.env.KUBERNETES_SERVICE_PORT;
      else process.env.KUBERNETES_SERVICE_PORT = prev.port;
    }
  });

  it('reports an unreadable file in one line', () => {
    const bad = write('bad', 'clusters: [: nope');
    expect(() => loadKubeconfig({ kubeconfig: bad, env: {} })).toThrow(/^cannot read kubeconfig .*bad: /);
  });
});

describe('connect errors', () => {
  const signal = new AbortController().signal;
  const freePort = async () => {
    const s = net.createServer();
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', r));
    const port = (s.address() as net.AddressInfo).port;
    await new Promise<void>((r) => s.close(() => r()));
    return port;
  };

  it('unreachable server', async () => {
    const port = await freePort();
    const kc = write('down', kubeconfigYaml(`https://127.0.0.1:${port}`, 't', 'down'));
    const err = await connect(
      { kubeconfig: kc, client: { retries: 0 }, newestPolicyMinor: 37 },
      { env: {}, signal },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(ClusterError);
    expect((err as ClusterError).kind).toBe('unreachable');
    expect((err as ClusterError).message).toBe(
      `cannot reach the API server at https://127.0.0.1:${port} (ECONNREFUSED)`,
    );
  });

  it('TLS failure (https client against a plain HTTP server)', async () => {
    const api = await startFakeApi(() => ({ body: { gitVersion: 'v1.36.0' } }));
    const kc = write(
      'tls',
      kubeconfigYaml(api.url.replace('http:', 'https:'), 't', 'tls').replace(
        '    insecure-skip-tls-verify: true\n',
        '',
      ),
    );
    const err = await connect(
      { kubeconfig: kc, client: { retries: 0 }, newestPolicyMinor: 37 },
      { env: {}, signal },
    ).catch((e: unknown) => e);
    await api.close();
    expect((err as ClusterError).kind).toBe('tls');
  });

  it('unauthorized token', async () => {
    const api = await startFakeApi(() => ({
      status: 401,
      body: { kind: 'Status', code: 401, reason: 'Unauthorized', message: 'Unauthorized' },
    }));
    const err = await connect(
      { kubeconfig: api.kubeconfig, client: { retries: 0 }, newestPolicyMinor: 37 },
      { env: {}, signal },
    ).catch((e: unknown) => e);
    await api.close();
    expect((err as ClusterError).kind).toBe('unauthorized');
    expect((err as ClusterError).hint).toMatch(/log in again/);
  });
});

describe('credentials', () => {
  const signal = new AbortController().signal;

  it('runs an exec credential plugin and sends its token', async () => {
    const plugin = write(
      'plugin.mjs',
      `process.stdout.write(JSON.stringify({ apiVersion: 'client.authentication.k8s.io/v1', kind: 'ExecCredential', status: { token: 'from-exec' } }));`,
    );
    const api = await startFakeApi((r) => (r.path === '/version' ? { body: { gitVersion: 'v1.35.1' } } : undefined));
    const kcText = kubeconfigYaml(api.url, 'unused', 'exec').replace(
      '    token: unused\n',
      [
        '    exec:',
        '      apiVersion: client.authentication.k8s.io/v1',
        `      command: ${process.execPath}`,
        `      args: ["${plugin}"]`,
        '      interactiveMode: Never',
        '',
      ].join('\n'),
    );
    const file = write('exec-config', kcText);
    const session = await connect({ kubeconfig: file, newestPolicyMinor: 37 }, { env: {}, signal });
    session.client.close();
    await api.close();
    expect(api.requests[0]?.headers.authorization).toBe('Bearer from-exec');
    expect(session.serverVersion).toBe('v1.35.1');
    expect(session.policyMinor).toBe(35);
  });
});

describe('credential failures', () => {
  it('names the context and what to do when the exec plugin fails', async () => {
    const file = write(
      'exec-broken',
      kubeconfigYaml('https://127.0.0.1:1', 'unused', 'cloud').replace(
        '    token: unused\n',
        [
          '    exec:',
          '      apiVersion: client.authentication.k8s.io/v1',
          '      command: /nonexistent/cloud-cli',
          '      interactiveMode: Never',
          '',
        ].join('\n'),
      ),
    );
    const err = await connect(
      { kubeconfig: file, newestPolicyMinor: 37 },
      { env: {}, signal: new AbortController().signal },
    ).catch((e: unknown) => e);
    expect(err).toBeInstanceOf(UserError);
    expect((err as UserError).message).toMatch(/^could not load the credentials of context "cloud": /);
    expect((err as UserError).message).not.toMatch(/\n/);
  });
});
