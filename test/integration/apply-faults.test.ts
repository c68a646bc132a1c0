// `podsec apply` and `podsec rollback` through a proxy that injects 429, 500, dropped
// connections (before and after the server applied a write) and 409 conflicts: the end state is
// as planned, every step has exactly one intent and one result in the journal, nothing is lost.
// The faults are the connection's and the behaviour under test is the journal's and the live
// objects', not the pods': rollouts are followed until the new pods are admitted
// (`--wait admitted`) on the plain control plane, whose pods never start. (The proxy stays a
// fake: a real API server does not answer 429, 500 or drop a connection on demand.) The rollout
// gate on real pods is tested on the real node: apply-rollout.test.ts, apply-migration.test.ts.
import { AppsV1Api, CoreV1Api } from '@kubernetes/client-node';
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, inject, it } from 'vitest';
import { journalProblems, stepState, type JournalEntry } from '../../src/apply/journal-model.js';
import { deleteNamespace, kubeConfigFor, kubeTokens } from '../harness/env.js';
import { podsec, seedCopy, type Estate } from '../helpers/apply-estate.js';
import { startFaultProxy, type FaultProxy } from '../helpers/fault-proxy.js';

const P = 'pod-security.kubernetes.io/';
const kc = kubeConfigFor();
const tmp = mkdtempSync(join(tmpdir(), 'podsec-faults-it-'));
const dir = join(tmp, 'plan');
let estate: Estate;
let proxy: FaultProxy;
let proxyConfig = '';

const journal = (): JournalEntry[] =>
  readFileSync(join(dir, 'journal.jsonl'), 'utf8')
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as JournalEntry);
const write = (path: string) => new RegExp(`^${path.replace(/[/.]/g, '\\$&')}\\?fieldManager=podsec$`);

describe('podsec apply through a faulty connection', () => {
  beforeAll(async () => {
    estate = await seedCopy(kc, ['shop', 'web']);
    proxy = await startFaultProxy(inject('kubeServer'), inject('kubeCaFile'));
    proxyConfig = proxy.kubeconfig(join(tmp, 'kubeconfig'), kubeTokens().admin);
    const r = await podsec(['plan', ...estate.all.flatMap((n) => ['-n', n]), '--out', dir], proxyConfig);
    expect(r.code, r.stderr).toBe(0);
  });
  afterAll(async () => {
    await proxy?.close();
    for (const n of estate?.all ?? []) await deleteNamespace(kc, n);
  });

  it('label writes survive 429, 500, a dropped request and a response lost after the write', async () => {
    const shop = `/api/v1/namespaces/${estate.ns['shop']}`;
    const web = `/api/v1/namespaces/${estate.ns['web']}`;
    proxy.addRule({ method: 'PATCH', path: write(shop), fault: 'dropAfterForward' });
    proxy.addRule({ method: 'PATCH', path: write(web), fault: '429' });
    proxy.addRule({ method: 'PATCH', path: write(web), fault: '500' });
    proxy.addRule({ method: 'PATCH', path: write(web), fault: 'drop' });
    const r = await podsec(['apply', dir, '--yes'], proxyConfig);
    expect(r.code, r.stdout + r.stderr).toBe(0);
    expect(
      proxy.log
        .filter((l) => l.action !== 'forward')
        .map((l) => l.action)
        .sort(),
    ).toEqual(['429', '500', 'drop', 'dropAfterForward']);
    for (const ns of estate.all)
      expect((await kc.makeApiClient(CoreV1Api).readNamespace({ name: ns })).metadata?.labels?.[`${P}warn`]).toBe(
        'restricted',
      );
    expect(journal().find((e) => e.namespace === estate.ns['shop'] && e.status === 'verified')?.message).toMatch(
      /found in place/,
    );
  });

  it('workload patches survive a 409 conflict and a response lost after the write', async () => {
    const deploys = `/apis/apps/v1/namespaces/${estate.ns['shop']}/deployments`;
    proxy.addRule({ method: 'PATCH', path: write(`${deploys}/result`), fault: '409' });
    proxy.addRule({ method: 'PATCH', path: write(`${deploys}/redis`), fault: 'dropAfterForward' });
    const r = await podsec(
      ['apply', dir, '--yes', '--phase', '2-fix', '--wait', 'admitted', '--timeout', '60'],
      proxyConfig,
    );
    expect(r.code, r.stdout + r.stderr).toBe(0);
    const injected = (f: string) => proxy.log.filter((l) => l.action === f).length;
    expect([injected('409'), injected('dropAfterForward')]).toEqual([1, 2]);
    const apps = kc.makeApiClient(AppsV1Api);
    for (const name of ['result', 'redis']) {
      const d = await apps.readNamespacedDeployment({ name, namespace: estate.ns['shop']! });
      expect(d.spec?.template.spec?.securityContext?.seccompProfile?.type, name).toBe('RuntimeDefault');
      expect(d.metadata?.annotations?.['deployment.kubernetes.io/revision'], name).toBe('2');
    }
  });

  it('rollback through the same faults restores the labels; the journal is consistent', async () => {
    proxy.addRule({ method: 'PATCH', path: /\/deployments\/result\?fieldManager=podsec$/, fault: '500' });
    proxy.addRule({
      method: 'PATCH',
      path: write(`/api/v1/namespaces/${estate.ns['web']}`),
      fault: 'dropAfterForward',
    });
    for (const phase of ['2-fix', '1-observe']) {
      const r = await podsec(['rollback', dir, '--phase', phase, '--yes', '--wait', 'admitted'], proxyConfig);
      expect(r.code, `${phase}: ${r.stdout}${r.stderr}`).toBe(0);
    }
    expect(proxy.log.filter((l) => l.action === '500' || l.action === 'dropAfterForward')).toHaveLength(5);
    for (const ns of estate.all)
      expect(
        (await kc.makeApiClient(CoreV1Api).readNamespace({ name: ns })).metadata?.labels?.[`${P}warn`],
      ).toBeUndefined();
    const entries = journal();
    expect(journalProblems(entries)).toEqual([]);
    for (const step of new Set(entries.map((e) => e.step))) {
      const mine = entries.filter((e) => e.step === step);
      expect(
        mine.filter((e) => e.action === 'apply' && e.status === 'intended'),
        step,
      ).toHaveLength(1);
      expect(
        mine.filter((e) => e.action === 'rollback' && e.status === 'intended'),
        step,
      ).toHaveLength(1);
      expect(stepState(entries, step).state, step).toBe('pending');
    }
  });
});
