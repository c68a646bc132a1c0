import { describe, expect, it } from 'vitest';
import { addLiveFields, unreadableErrors } from '../../src/cluster/live-report.js';
import type { LiveScan } from '../../src/cluster/live-scan.js';
import type { Inventory, Workload } from '../../src/inventory/types.js';

const vote: Workload = {
  kind: 'Deployment',
  apiVersion: 'apps/v1',
  namespace: 'shop',
  name: 'vote',
  source: { context: 'prod' },
  templatePath: ['spec', 'template'],
  template: { metadata: {}, spec: {} },
  object: {},
  managedBy: [{ tool: 'helm', name: 'shop' }],
  live: { pods: 2, injectedContainers: ['istio-proxy'], driftedPods: [] },
};
const inventory: Inventory = {
  origin: 'cluster',
  context: 'prod',
  server: 'https://k:6443',
  serverVersion: 'v1.36.2',
  namespaces: [
    { name: 'shop', labels: {}, psa: { invalid: [] }, system: false },
    {
      name: 'hidden',
      labels: {},
      psa: { invalid: [] },
      system: false,
      unreadable: [{ kinds: ['Pod'], permission: 'list pods in namespace "hidden"', message: '' }],
    },
  ],
  workloads: [vote],
  errors: [],
  skipped: 0,
};
const live: LiveScan = {
  inventory,
  policyMinor: 35,
  verification: new Map([['shop', { status: 'agrees', levels: [] }]]),
  notes: ['n'],
};

describe('addLiveFields', () => {
  it('adds verification, live state, managers and the cluster summary without touching other fields', () => {
    const report = {
      kind: 'ScanReport',
      namespaces: [{ name: 'shop', strictestLevel: 'baseline' }, { name: 'hidden' }],
      workloads: [
        { kind: 'Deployment', apiVersion: 'apps/v1', namespace: 'shop', name: 'vote', strictestLevel: 'baseline' },
      ],
      errors: [],
    };
    const out = addLiveFields(report, live);
    expect(out.kind).toBe('ScanReport');
    expect(out.namespaces[0]).toEqual({
      name: 'shop',
      strictestLevel: 'baseline',
      verification: { status: 'agrees', levels: [] },
    });
    expect(out.namespaces[1]).toEqual({ name: 'hidden' });
    expect(out.workloads[0]).toMatchObject({ strictestLevel: 'baseline', live: vote.live, managedBy: vote.managedBy });
    expect(out.cluster).toEqual({
      context: 'prod',
      server: 'https://k:6443',
      serverVersion: 'v1.36.2',
      latestPolicy: 'v1.35',
    });
    expect(out.notes).toEqual(['n']);
    expect(report.namespaces[0]).toEqual({ name: 'shop', strictestLevel: 'baseline' });
  });

  it('turns unreadable namespaces into error entries', () => {
    expect(unreadableErrors(inventory)).toEqual([
      { namespace: 'hidden', message: 'not allowed to list pods in namespace "hidden"' },
    ]);
  });
});

describe('renderVerification', () => {
  it('prints one line per namespace and the notes', async () => {
    const { renderVerification } = await import('../../src/cluster/live-report.js');
    const v: LiveScan = {
      ...live,
      verification: new Map([
        [
          'shop',
          {
            status: 'agrees',
            levels: [
              {
                level: 'baseline',
                version: 'latest',
                policy: 'baseline:latest',
                status: 'agrees',
                warnings: [],
                violators: [],
                onlyServer: [],
                onlyEngine: [],
                truncated: false,
              },
              {
                level: 'restricted',
                version: 'latest',
                policy: 'restricted:latest',
                status: 'agrees',
                warnings: [],
                violators: [
                  {
                    pod: 'vote-1',
                    others: 2,
                    reasons: 'seccompProfile',
                    workloads: ['shop/Deployment/vote', 'shop/Deployment/worker'],
                  },
                ],
                onlyServer: [],
                onlyEngine: [],
                truncated: false,
              },
            ],
          },
        ],
      ]),
      notes: ['verification skipped for 1 namespace'],
    };
    expect(renderVerification(v, 'table')).toBe(
      '\nServer-side verification (dry-run, nothing changed)\n' +
        '  shop  agrees          baseline:latest clean; restricted:latest 3 violating pod(s) in 2 workload(s), as podsec predicts\n' +
        'note: verification skipped for 1 namespace\n',
    );
    expect(renderVerification({ ...live, verification: new Map(), notes: [] }, 'table')).toBe('');
  });
});
