// buildScanReport: verdicts, version pins, --level, namespace summaries; realworld verdicts.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { inventoryFromTexts } from '../../src/inventory/manifests.js';
import { buildScanReport, namespaceVersion } from '../../src/report/index.js';
import { REALWORLD_DIR } from '../helpers/corpora.js';

const fixture = (name: string) => ({
  file: name,
  text: readFileSync(new URL(`../fixtures/manifests/${name}`, import.meta.url), 'utf8'),
});

describe('buildScanReport', () => {
  const inv = inventoryFromTexts([fixture('shop.yaml'), fixture('list.json'), fixture('restricted.yaml')]);

  it('has the design.md shape with exact PSA reasons and details', () => {
    const r = buildScanReport(inv);
    expect(Object.keys(r)).toEqual(['kind', 'schemaVersion', 'workloads', 'namespaces', 'errors', 'summary']);
    const debug = r.workloads.find((w) => w.name === 'debug');
    expect(Object.keys(debug ?? {})).toEqual([
      'kind',
      'apiVersion',
      'namespace',
      'name',
      'source',
      'strictestLevel',
      'results',
    ]);
    expect(debug?.strictestLevel).toBe('privileged');
    expect(debug?.results.baseline).toEqual({
      version: 'v1.37',
      allowed: false,
      violations: [
        {
          check: 'privileged',
          reason: 'privileged',
          detail: 'container "shell" must not set securityContext.privileged=true',
        },
      ],
      message: 'privileged (container "shell" must not set securityContext.privileged=true)',
    });
    // hostNetwork on a template (not a Pod) gets no hostPort defaulting; the explicit hostPort fails.
    const agent = r.workloads.find((w) => w.name === 'agent');
    expect(agent?.results.baseline?.violations.map((v) => [v.check, v.detail])).toEqual([
      ['hostNamespaces', 'hostNetwork=true'],
      ['hostPorts', 'container "a" uses hostPort 9100'],
    ]);
    expect(r.workloads.find((w) => w.name === 'api')?.strictestLevel).toBe('restricted');
  });

  it('uses the namespace enforce-version pin unless --version is given', () => {
    // runAsUser=0 is only checked from v1.23: shop pins v1.22.
    const pinned = buildScanReport(inv).workloads.find((w) => w.name === 'vote');
    expect(pinned?.results.restricted).toMatchObject({ version: 'v1.22', allowed: true });
    const latest = buildScanReport(inv, { version: 'latest' }).workloads.find((w) => w.name === 'vote');
    expect(latest?.results.restricted?.version).toBe('v1.37');
    expect(latest?.results.restricted?.violations.map((v) => v.check)).toEqual(['runAsUser']);
    expect(latest?.strictestLevel).toBe('baseline');
  });

  it('prefers enforce-version, then warn-version, then audit-version', () => {
    const ns = (labels: Record<string, string>) =>
      inventoryFromTexts([
        { file: 'n.yaml', text: `kind: Namespace\nmetadata: {name: ns1, labels: ${JSON.stringify(labels)}}` },
      ]).namespaces[0];
    expect(
      namespaceVersion(
        ns({ 'pod-security.kubernetes.io/audit-version': 'v1.20', 'pod-security.kubernetes.io/warn-version': 'v1.25' }),
        undefined,
      ),
    ).toEqual({ version: 'v1.25', from: 'warn-version' });
    expect(
      namespaceVersion(
        ns({
          'pod-security.kubernetes.io/enforce-version': 'v1.24',
          'pod-security.kubernetes.io/warn-version': 'v1.25',
        }),
        undefined,
      ),
    ).toEqual({ version: 'v1.24', from: 'enforce-version' });
    expect(namespaceVersion(ns({ 'pod-security.kubernetes.io/enforce': 'baseline' }), undefined)).toEqual({
      version: 'latest',
      from: 'default',
    });
    expect(namespaceVersion(ns({ 'pod-security.kubernetes.io/enforce-version': 'v1.24' }), 'v1.30')).toEqual({
      version: 'v1.30',
      from: '--version',
    });
  });

  it('--level keeps only that level in results and judges the summary by it', () => {
    const r = buildScanReport(inv, { level: 'baseline' });
    for (const w of r.workloads) expect(Object.keys(w.results)).toEqual(['baseline']);
    expect(r.summary).toMatchObject({ target: 'baseline', failing: 2 });
    expect(r.workloads.find((w) => w.name === 'debug')?.strictestLevel).toBe('privileged');
    const rr = buildScanReport(inv, { level: 'restricted' });
    for (const w of rr.workloads) expect(Object.keys(w.results)).toEqual(['restricted']);
    expect(rr.workloads.find((w) => w.name === 'vote')?.strictestLevel).toBe('restricted');
  });

  it('summarises namespaces: enforcing today, strictest level, blockers for the next level', () => {
    const r = buildScanReport(inv);
    expect(r.namespaces.map((n) => n.name)).toEqual(['default', 'payments', 'shop', 'web']);
    const shop = r.namespaces.find((n) => n.name === 'shop');
    expect(shop).toMatchObject({
      labels: {
        'pod-security.kubernetes.io/enforce': 'baseline',
        'pod-security.kubernetes.io/enforce-version': 'v1.22',
      },
      enforcing: { level: 'baseline', version: 'v1.22' },
      strictestLevel: 'restricted',
      nextLevel: null,
      blocking: [],
      system: false,
      version: 'v1.22',
      versionFrom: 'enforce-version',
    });
    const web = r.namespaces.find((n) => n.name === 'web');
    expect(web).toMatchObject({
      strictestLevel: 'privileged',
      nextLevel: 'baseline',
      enforcing: { level: 'privileged' },
    });
    expect(web?.blocking).toEqual([
      {
        kind: 'DaemonSet',
        name: 'agent',
        checks: ['hostNamespaces', 'hostPorts'],
        reasons: 'host namespaces, hostPort',
      },
    ]);
    expect(r.summary).toEqual({
      workloads: 4,
      strictestLevel: { privileged: 2, baseline: 0, restricted: 2 },
      target: 'restricted',
      failing: 2,
      namespaces: 4,
      errors: 0,
      skipped: 3,
    });
  });
});

describe('real-world manifests', () => {
  const dir = REALWORLD_DIR;
  const files = readdirSync(dir)
    .filter((f) => /\.(ya?ml|json)$/.test(f))
    .sort();
  const r = buildScanReport(
    inventoryFromTexts(files.map((f) => ({ file: f, text: readFileSync(join(dir, f), 'utf8') }))),
  );
  const level = (file: string, name: string) =>
    r.workloads.find((w) => 'file' in w.source && w.source.file === file && w.name === name);

  it('all scan without errors', () => {
    expect(r.errors).toEqual([]);
    expect(r.workloads.length).toBeGreaterThan(20);
  });

  it('privileged node agents are privileged', () => {
    expect(level('calico__calico-etcd.yaml', 'calico-node')?.strictestLevel).toBe('privileged');
    expect(level('k8s-examples__newrelic-infra-daemonset.yaml', 'newrelic-infra-agent')?.strictestLevel).toBe(
      'privileged',
    );
    const proxy = level('sig-windows-tools__kube-proxy-hostprocess.yaml', 'kube-proxy-windows');
    expect(proxy?.strictestLevel).toBe('privileged');
    expect(proxy?.results.baseline?.violations.map((v) => v.check)).toContain('windowsHostProcess');
  });

  it('ingress-nginx: the cloud controller is restricted, the kind controller fails baseline on hostPort', () => {
    expect(level('ingress-nginx__cloud-deploy.yaml', 'ingress-nginx-controller')?.strictestLevel).toBe('restricted');
    const kind = level('ingress-nginx__kind-deploy.yaml', 'ingress-nginx-controller');
    expect(kind?.strictestLevel).toBe('privileged');
    expect(kind?.results.baseline?.violations.map((v) => v.check)).toEqual(['hostPorts']);
  });

  it('the guestbook frontend is baseline (no securityContext at all)', () => {
    const fe = level('k8s-examples__guestbook-all-in-one.yaml', 'frontend');
    expect(fe?.strictestLevel).toBe('baseline');
    expect(fe?.results.restricted?.violations.map((v) => v.check)).toEqual([
      'allowPrivilegeEscalation',
      'capabilities_restricted',
      'runAsNonRoot',
      'seccompProfile_restricted',
    ]);
  });
});
