// scanLive: progress on stderr for people, silence for piped machine output, --no-verify.
import { afterEach, describe, expect, it } from 'vitest';
import { progressEnabled, scanLive } from '../../src/cluster/live-scan.js';
import type { CommandContext } from '../../src/cli/context.js';
import { list, startFakeApi, type FakeApi } from './fake-api.js';

let api: FakeApi | undefined;
afterEach(async () => {
  await api?.close();
  api = undefined;
});

function ctxWith(stderrIsTTY: boolean, err: string[]): CommandContext {
  let t = 0;
  return {
    env: {},
    signal: new AbortController().signal,
    now: () => new Date((t += 100)),
    io: {
      err: (s: string) => err.push(s),
      out: () => {},
      stderrIsTTY,
      stdoutIsTTY: false,
      stdinIsTTY: false,
      color: false,
      columns: 100,
    },
  } as unknown as CommandContext;
}

describe('progressEnabled', () => {
  it('is on for terminals and human formats, off for piped machine output', () => {
    expect(progressEnabled(ctxWith(false, []), 'json')).toBe(false);
    expect(progressEnabled(ctxWith(false, []), 'sarif')).toBe(false);
    expect(progressEnabled(ctxWith(true, []), 'json')).toBe(true);
    expect(progressEnabled(ctxWith(false, []), 'table')).toBe(true);
  });
});

describe('scanLive', () => {
  it('writes what is listed, counts and elapsed time to stderr, and skips verification with --no-verify', async () => {
    api = await startFakeApi((r) => {
      if (r.path === '/version') return { body: { gitVersion: 'v1.37.0' } };
      if (r.path === '/api/v1/namespaces') return { body: list([{ metadata: { name: 'shop' } }]) };
      if (r.path.startsWith('/api') && r.method === 'GET') return { body: list([]) };
      return undefined;
    });
    const err: string[] = [];
    const res = await scanLive(
      { kubeconfig: api.kubeconfig, file: [], namespace: [], allNamespaces: true, verify: false, output: 'table' },
      ctxWith(false, err),
    );
    expect(res.notes).toEqual(['verification skipped (--no-verify)']);
    expect(res.policyMinor).toBe(37);
    expect(err.some((l) => /^podsec: listing deployments\.apps in all namespaces \(\d+\.\ds\)\n$/.test(l))).toBe(true);
    expect(err.at(-1)).toMatch(/^podsec: scan finished in \d+\.\ds\n$/);
    expect(api.requests.some((r) => r.method !== 'GET')).toBe(false);
  });

  it('stays silent with -o json when stderr is not a terminal', async () => {
    api = await startFakeApi((r) => (r.path === '/version' ? { body: { gitVersion: 'v1.37.0' } } : { body: list([]) }));
    const err: string[] = [];
    await scanLive(
      { kubeconfig: api.kubeconfig, file: [], namespace: [], allNamespaces: true, verify: false, output: 'json' },
      ctxWith(false, err),
    );
    expect(err).toEqual([]);
  });
});
