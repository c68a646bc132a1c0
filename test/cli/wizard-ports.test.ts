// The wizard's live ports honour the request's AbortSignal: quitting during a live scan stops the
// scan at once (the fake API hangs on the namespace list, a fault the real server will not produce
// on demand). The scan progress is structured (kinds and counts as data).
import { afterEach, describe, expect, it } from 'vitest';
import type { CommandContext } from '../../src/cli/context.js';
import { livePorts } from '../../src/cli/wizard-ports.js';
import { EMPTY_ANSWERS } from '../../src/fix/index.js';
import type { ScanProgress } from '../../src/wizard/ports.js';
import { list, startFakeApi, type FakeApi } from '../cluster/fake-api.js';

let api: FakeApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

function context(): CommandContext {
  return {
    io: {
      out: () => {},
      err: () => {},
      stdoutIsTTY: false,
      stdinIsTTY: false,
      stderrIsTTY: false,
      color: false,
      columns: 100,
    },
    env: {},
    cwd: process.cwd(),
    templatesDir: 'templates',
    now: () => new Date(),
    version: 'test',
    globals: { nonInteractive: true, line: false, color: false },
    signal: new AbortController().signal,
  };
}

describe('livePorts.scan', () => {
  it('stops as soon as its signal aborts (a hanging list does not keep the session)', async () => {
    api = await startFakeApi((r) =>
      r.path === '/version' ? { body: { gitVersion: 'v1.36.2', major: '1', minor: '36' } } : { hang: true },
    );
    const ports = livePorts(context(), {
      answers: EMPTY_ANSWERS,
      force: false,
      source: { file: [], kubeconfig: api.kubeconfig, namespace: [], allNamespaces: true },
    });
    const ac = new AbortController();
    const scan = ports.scan('fake', () => {}, ac.signal);
    // Abort once the scan is waiting on the hanging list.
    for (let i = 0; i < 500 && !api.requests.some((r) => r.path === '/api/v1/namespaces'); i++)
      await new Promise((r) => setTimeout(r, 10));
    expect(api.requests.some((r) => r.path === '/api/v1/namespaces')).toBe(true);
    const aborted = Date.now();
    ac.abort();
    await expect(scan).rejects.toThrow();
    expect(Date.now() - aborted).toBeLessThan(1000);
  });

  it('reports progress as data: namespaces, kinds listed, workloads read', async () => {
    const ns = { metadata: { name: 'shop' } };
    const deploy = {
      apiVersion: 'apps/v1',
      kind: 'Deployment',
      metadata: { name: 'web', namespace: 'shop', uid: 'u1' },
      spec: { template: { spec: { containers: [{ name: 'c', image: 'i' }] } } },
    };
    api = await startFakeApi((r) => {
      if (r.path === '/version') return { body: { gitVersion: 'v1.36.2', major: '1', minor: '36' } };
      if (r.path === '/api/v1/namespaces') return { body: list([ns]) };
      if (r.path === '/apis/apps/v1/deployments') return { body: list([deploy]) };
      if (r.path.startsWith('/api') && !r.path.includes('/namespaces/')) return { body: list([]) };
      return undefined;
    });
    const ports = livePorts(context(), {
      answers: EMPTY_ANSWERS,
      force: false,
      source: { file: [], kubeconfig: api.kubeconfig, namespace: [], allNamespaces: true },
    });
    const seen: ScanProgress[] = [];
    const result = await ports.scan('fake', (p) => seen.push(p), new AbortController().signal);
    expect(result.inventory.workloads.map((w) => w.name)).toEqual(['web']);
    expect(seen.some((p) => p.namespaces.includes('shop') && p.workloads === 0)).toBe(true);
    expect(seen.some((p) => p.kinds.includes('Deployment') && p.workloads === 1)).toBe(true);
    expect(seen.at(-1)).toMatchObject({ workloads: 1, serverVersion: 'v1.36.2' });
  });
});
