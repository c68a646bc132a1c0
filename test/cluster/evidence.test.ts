// Evidence orchestration: which workloads and which pod are read, bounded reads and concurrency,
// note aggregation per namespace. The log answers come from a scripted server standing in for a
// kubelet (fault injection); the real API server path is test/integration/evidence.test.ts.
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import type { CommandContext } from '../../src/cli/context.js';
import { connect } from '../../src/cluster/connect.js';
import {
  collectEvidence,
  isUnhealthy,
  pickPod,
  selectForEvidence,
  summarizeProblems,
} from '../../src/cluster/evidence.js';
import { probeFailureNote } from '../../src/cluster/exec-probe.js';
import type { Workload } from '../../src/inventory/types.js';
import { kubeconfigYaml } from './fake-api.js';

type Status = NonNullable<NonNullable<Workload['live']>['podStatuses']>[number];
const w = (ns: string, name: string, pods: Status[], kind = 'Deployment'): Workload => ({
  kind,
  apiVersion: 'apps/v1',
  namespace: ns,
  name,
  source: { context: 'fake' },
  templatePath: ['spec', 'template'],
  template: { metadata: {}, spec: { containers: [{ name: 'app', image: 'x' }] } },
  object: {},
  managedBy: [],
  live: { pods: pods.length, injectedContainers: [], driftedPods: [], podStatuses: pods },
});
const ok = (name: string): Status => ({ name, phase: 'Running', restarts: 0 });

describe('which workloads and pods', () => {
  it('is unhealthy when a pod is not running, waits with a reason, or restarted; Completed jobs are fine', () => {
    expect(isUnhealthy(w('a', 'x', [ok('p')]))).toBe(false);
    expect(isUnhealthy(w('a', 'x', [ok('p'), { name: 'q', phase: 'Pending', restarts: 0 }]))).toBe(true);
    expect(isUnhealthy(w('a', 'x', [{ name: 'p', phase: 'Running', reason: 'CrashLoopBackOff', restarts: 3 }]))).toBe(
      true,
    );
    expect(isUnhealthy(w('a', 'x', [{ name: 'p', phase: 'Running', restarts: 1 }]))).toBe(true);
    expect(isUnhealthy(w('a', 'x', [{ name: 'p', phase: 'Succeeded', reason: 'Completed', restarts: 0 }]))).toBe(false);
    expect(isUnhealthy(w('a', 'x', []))).toBe(false);
  });

  it('selects failing or unhealthy workloads only', () => {
    const healthy = w('a', 'healthy', [ok('h')]);
    const failing = w('a', 'failing', [ok('f')]);
    const crashing = w('a', 'crashing', [{ name: 'c', phase: 'Running', reason: 'CrashLoopBackOff', restarts: 9 }]);
    expect(selectForEvidence([healthy, failing, crashing], (x) => x === failing).map((x) => x.name)).toEqual([
      'failing',
      'crashing',
    ]);
  });

  it('picks the crashing pod, then the most restarted, then by name; a bare Pod is its own pod', () => {
    expect(pickPod(w('a', 'x', [ok('b'), ok('a')]))?.name).toBe('a');
    expect(pickPod(w('a', 'x', [ok('a'), { name: 'z', phase: 'Running', restarts: 4 }]))?.name).toBe('z');
    expect(
      pickPod(
        w('a', 'x', [
          { name: 'r', phase: 'Running', restarts: 40 },
          { name: 's', phase: 'Running', reason: 'CrashLoopBackOff', restarts: 1 },
        ]),
      )?.name,
    ).toBe('s');
    expect(pickPod(w('a', 'x', []))).toBeUndefined();
    expect(pickPod({ ...w('a', 'solo', [], 'Pod'), live: undefined } as unknown as Workload)?.name).toBe('solo');
  });
});

describe('probeFailureNote', () => {
  // On the real node an exec into a crash-looping container fails the WebSocket upgrade with a
  // bare 500 (test/integration/node-incident.test.ts, 3): the note says what happened instead.
  it('a crash-looping container: not running, no exec possible, the evidence comes from its logs', () => {
    const pod: Status = { name: 'vote-1', phase: 'Running', reason: 'CrashLoopBackOff', restarts: 3 };
    const note = probeFailureNote('vote', pod, 'Unexpected server response: 500');
    expect(note).toBe(
      'container "vote" in pod vote-1 is not running (CrashLoopBackOff, 3 restarts): exec is not possible, so no probe; ' +
        "the evidence comes from its logs (--evidence reads the crashed instance's log)",
    );
    expect(note).not.toContain('500');
    // Pending pod, no reason: the phase says it.
    expect(probeFailureNote('app', { name: 'p', phase: 'Pending', restarts: 0 }, 'x')).toMatch(
      /^container "app" in pod p is not running \(Pending\): exec is not possible/,
    );
    // A running pod whose exec still got a 500: what the server said, and the same advice.
    expect(probeFailureNote('app', ok('p'), 'Unexpected server response: 500')).toMatch(
      /is not running \(exec answered: Unexpected server response: 500\)/,
    );
  });

  it('no shell: skipped; any other failure of a running container: probe failed with the reason', () => {
    expect(probeFailureNote('app', ok('p'), 'exec: "sh": executable file not found in $PATH')).toBe(
      'container "app" in pod p has no shell: probe skipped',
    );
    expect(probeFailureNote('app', ok('p'), 'pods "p" is forbidden: cannot create pods/exec')).toBe(
      'container "app" in pod p: probe failed (pods "p" is forbidden: cannot create pods/exec)',
    );
  });
});

describe('summarizeProblems', () => {
  it('gives one line per namespace and kind of problem, counted, sorted', () => {
    const lines = summarizeProblems([
      { namespace: 'b', problem: { kind: 'forbidden', detail: 'x' } },
      { namespace: 'a', problem: { kind: 'unavailable', detail: 'HTTP 502: bad gateway' } },
      { namespace: 'b', problem: { kind: 'forbidden', detail: 'y' } },
      { namespace: 'a', problem: { kind: 'unavailable', detail: 'HTTP 500: other' } },
      { namespace: 'a' },
      { namespace: 'a', problem: { kind: 'notStarted', detail: 'pod p is Pending' } },
    ]);
    expect(lines).toEqual([
      'namespace a: logs of 1 workload(s) have no container logs yet (pods not started)',
      'namespace a: logs of 2 workload(s) could not be read (HTTP 502: bad gateway)',
      'namespace b: logs of 2 workload(s) could not be read: forbidden (grant get pods/log, templates/rbac/podsec-evidence.yaml)',
    ]);
  });
});

// ---- collectEvidence against scripted log answers ----

let server: http.Server | undefined;
afterEach(async () => {
  server?.closeAllConnections();
  await new Promise<void>((r) => (server ? server.close(() => r()) : r()));
  server = undefined;
});

async function session(onLog: (ns: string, pod: string, q: URLSearchParams, res: http.ServerResponse) => void) {
  server = http.createServer((req, res) => {
    const u = new URL(req.url ?? '/', 'http://x');
    if (u.pathname === '/version') {
      res.writeHead(200, { 'Content-Type': 'application/json' });
      return res.end('{"gitVersion":"v1.36.0"}');
    }
    const m = /^\/api\/v1\/namespaces\/([^/]+)\/pods\/([^/]+)\/log$/.exec(u.pathname);
    if (!m) {
      res.writeHead(404);
      return res.end();
    }
    onLog(m[1] ?? '', m[2] ?? '', u.searchParams, res);
  });
  await new Promise<void>((r) => server?.listen(0, '127.0.0.1', r));
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podsec-ev-'));
  const kubeconfig = path.join(dir, 'config');
  fs.writeFileSync(
    kubeconfig,
    kubeconfigYaml(`http://127.0.0.1:${(server?.address() as AddressInfo).port}`, 't', 'fake'),
  );
  const ctx = { env: {}, signal: new AbortController().signal } as unknown as CommandContext;
  return connect({ kubeconfig, newestPolicyMinor: 37 }, ctx);
}

describe('collectEvidence', () => {
  it('reads at most `concurrency` workloads at once, with bounded tail and bytes, and keeps evidence per workload', async () => {
    let inFlight = 0;
    let peak = 0;
    const queries: URLSearchParams[] = [];
    const s = await session((_ns, pod, q, res) => {
      queries.push(q);
      inFlight++;
      peak = Math.max(peak, inFlight);
      setTimeout(() => {
        inFlight--;
        res.writeHead(200, { 'Content-Type': 'text/plain' });
        res.end(
          pod === 'p3' && q.get('previous') === 'true'
            ? "OSError: [Errno 30] Read-only file system: '/var/cache/app/x.db'\n"
            : 'hello\n',
        );
      }, 30);
    });
    const crash = (n: string): Status => ({ name: n, phase: 'Running', reason: 'CrashLoopBackOff', restarts: 2 });
    const ws = Array.from({ length: 7 }, (_, i) => w('ns', `w${i}`, [crash(`p${i}`)]));
    const got = await collectEvidence(s, ws, { probe: false, concurrency: 2, tailLines: 50, limitBytes: 1000 });
    s.client.close();
    // Two logs (current, previous) per workload in parallel, two workloads at a time.
    expect(peak).toBeLessThanOrEqual(4);
    expect(peak).toBeGreaterThan(2);
    expect(queries).toHaveLength(14);
    expect(new Set(queries.map((q) => `${q.get('tailLines')}/${q.get('limitBytes')}/${q.get('container')}`))).toEqual(
      new Set(['50/1000/app']),
    );
    expect(got.gathered).toEqual(ws.map((x) => `ns/Deployment/${x.name}`));
    expect(got.notes).toEqual([]);
    expect(got.evidenceFor(ws[3]!)?.containers['app']?.writablePaths).toEqual(['/var/cache/app']);
    expect(got.evidenceFor(ws[0]!)?.containers['app']?.findings).toEqual([]);
    expect(got.evidenceFor(w('ns', 'unknown', []))).toBeUndefined();
  });

  it('never reads more than the byte limit even when the server sends more', async () => {
    const s = await session((_ns, _pod, _q, res) => {
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end(`${'x'.repeat(2_000_000)}\nNo usable temporary directory found in ['/tmp']\n`);
    });
    const got = await collectEvidence(s, [w('ns', 'big', [{ name: 'p', phase: 'Running', restarts: 1 }])], {
      probe: false,
      limitBytes: 10_000,
    });
    s.client.close();
    // The matching line lies beyond the limit, so it is never seen.
    expect(got.evidenceFor(w('ns', 'big', []))?.containers['app']?.findings).toEqual([]);
  });

  it('a 403, a failing kubelet and a missing previous container: notes, never an exception', async () => {
    const s = await session((ns, _pod, q, res) => {
      const status = (code: number, message: string) => {
        res.writeHead(code, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ kind: 'Status', status: 'Failure', code, message }));
      };
      if (ns === 'locked') return status(403, 'pods "p" is forbidden: cannot get resource "pods/log"');
      if (ns === 'broken')
        return status(
          500,
          'Get "https://10.0.0.1:10250/containerLogs/broken/p/app": dial tcp 10.0.0.1:10250: connect: connection refused\nmore',
        );
      if (q.get('previous') === 'true') return status(400, 'previous terminated container "app" in pod "p" not found');
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end('fine\n');
    });
    const failing = () => true;
    const got = await collectEvidence(
      s,
      [w('locked', 'a', [ok('p')]), w('broken', 'b', [ok('p')]), w('fine', 'c', [ok('p')]), w('empty', 'd', [])],
      { probe: false, failsTarget: failing },
    );
    s.client.close();
    expect(got.notes).toEqual([
      'namespace broken: logs of 1 workload(s) could not be read (HTTP 500: Get "https://10.0.0.1:10250/containerLogs/broken/p/app": dial tcp 10.0.0.1:10250: connect: connection refused)',
      'namespace empty: logs of 1 workload(s) have no pods to read',
      'namespace locked: logs of 1 workload(s) could not be read: forbidden (grant get pods/log, templates/rbac/podsec-evidence.yaml)',
    ]);
    expect(got.evidenceFor(w('fine', 'c', []))?.notes).toEqual([]);
  });
});

describe('the previous log of a container the kubelet just removed (seen on the real node)', () => {
  const gone = (res: http.ServerResponse) => {
    res.writeHead(500, { 'Content-Type': 'application/json' });
    res.end(
      JSON.stringify({
        kind: 'Status',
        status: 'Failure',
        code: 500,
        message: 'unable to retrieve container logs for containerd://66fbb754',
      }),
    );
  };
  const crash: Status = { name: 'p', phase: 'Running', reason: 'CrashLoopBackOff', restarts: 3 };
  const tmpError =
    "FileNotFoundError: [Errno 2] No usable temporary directory found in ['/tmp', '/var/tmp', '/usr/tmp', '/app']\n";

  it('asks again until the pod status has moved on, and uses the log it then gets', async () => {
    let previousAsked = 0;
    const s = await session((_ns, _pod, q, res) => {
      if (q.get('previous') === 'true' && ++previousAsked < 3) return gone(res);
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end(q.get('previous') === 'true' ? tmpError : 'starting\n');
    });
    const got = await collectEvidence(s, [w('ns', 'vote', [crash])], { probe: false, retryDelaysMs: [10, 10, 10] });
    s.client.close();
    expect(previousAsked).toBe(3);
    expect(got.notes).toEqual([]);
    expect(got.evidenceFor(w('ns', 'vote', []))?.containers['app']?.writablePaths).toEqual(['/tmp', '/var/tmp']);
  });

  it('still gone: the current log (the last crash) is used and no problem is reported', async () => {
    const s = await session((_ns, _pod, q, res) => {
      if (q.get('previous') === 'true') return gone(res);
      res.writeHead(200, { 'Content-Type': 'text/plain' });
      res.end(tmpError);
    });
    const got = await collectEvidence(s, [w('ns', 'vote', [crash])], { probe: false, retryDelaysMs: [5] });
    s.client.close();
    expect(got.notes).toEqual([]);
    expect(got.evidenceFor(w('ns', 'vote', []))?.containers['app']?.writablePaths).toEqual(['/tmp', '/var/tmp']);
  });
});

describe('templates/rbac for evidence', () => {
  type Rule = { apiGroups: string[]; resources: string[]; verbs: string[] };
  const rules = (f: string): Rule[] =>
    (parse(fs.readFileSync(`templates/rbac/${f}`, 'utf8')) as { rules: Rule[] }).rules;
  it('the evidence role stays read-only (get pods/log); exec lives only in the separate probe role', () => {
    expect(rules('podsec-evidence.yaml')).toEqual([{ apiGroups: [''], resources: ['pods/log'], verbs: ['get'] }]);
    expect(rules('podsec-probe.yaml')).toEqual([
      { apiGroups: [''], resources: ['pods/exec'], verbs: ['create', 'get'] },
    ]);
    for (const f of ['podsec-reader.yaml', 'podsec-applier.yaml', 'podsec-evidence.yaml']) {
      expect(rules(f).flatMap((r) => r.resources)).not.toContain('pods/exec');
    }
  });
});
