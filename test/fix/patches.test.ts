// The three output formats agree: strategic-merge patch (our applier and `kubectl patch --local`)
// and the RFC 6902 patch (fast-json-patch) all turn the workload into the patched object.
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import jsonpatch from 'fast-json-patch';
import { describe, expect, it } from 'vitest';
import { patchedObject } from '../../src/fix/patches.js';
import { proposeFix } from '../../src/fix/propose.js';
import { applyStrategicMerge } from '../../src/fix/strategic-merge.js';
import type { Workload } from '../../src/inventory/types.js';
import { deployment, loadCatalogue, REALWORLD, workloadsFromFile } from './helpers.js';

const catalogue = loadCatalogue();
const realworld = readdirSync(REALWORLD)
  .filter((f) => f.endsWith('.yaml'))
  .flatMap((f) => workloadsFromFile(join(REALWORLD, f)));

function kubectlPatch(object: Record<string, unknown>, patch: Record<string, unknown>): unknown {
  const dir = mkdtempSync(join(tmpdir(), 'podsec-smp-'));
  writeFileSync(join(dir, 'obj.json'), JSON.stringify(object));
  writeFileSync(join(dir, 'patch.json'), JSON.stringify(patch));
  const out = execFileSync(
    'kubectl',
    [
      'patch',
      '--local',
      '-f',
      join(dir, 'obj.json'),
      '--type',
      'strategic',
      '--patch-file',
      join(dir, 'patch.json'),
      '-o',
      'json',
    ],
    {
      encoding: 'utf8',
    },
  );
  return JSON.parse(out);
}

const synthetic: Workload[] = [
  deployment('hostports', {
    hostNetwork: true,
    containers: [
      {
        name: 'web',
        image: 'nginx:1.27',
        ports: [
          { containerPort: 80, hostPort: 80 },
          { containerPort: 443, hostPort: 443 },
        ],
      },
    ],
    volumes: [{ name: 'data', hostPath: { path: '/srv/data' } }],
  }),
  deployment('caps', {
    initContainers: [{ name: 'init', image: 'busybox', securityContext: { runAsUser: 0 } }],
    containers: [
      {
        name: 'app',
        image: 'bitnami/redis:7',
        securityContext: { capabilities: { add: ['NET_ADMIN', 'NET_BIND_SERVICE'], drop: ['MKNOD'] } },
      },
    ],
    securityContext: {
      sysctls: [
        { name: 'kernel.msgmax', value: '65536' },
        { name: 'net.ipv4.tcp_syncookies', value: '1' },
      ],
    },
  }),
  deployment(
    'apparmor',
    { containers: [{ name: 'app', image: 'gcr.io/distroless/static:nonroot' }] },
    { 'container.apparmor.security.beta.kubernetes.io/app': 'unconfined', keep: 'me' },
  ),
];

describe('patch formats', () => {
  const cases = [...realworld, ...synthetic].map(
    (w) =>
      [`${w.kind}/${w.name} (${w.source && 'file' in w.source ? w.source.file.split('/').pop() : ''})`, w] as const,
  );

  it.each(cases)('SMP and JSON patch both produce the patched object: %s', (_, w) => {
    const p = proposeFix(w, { target: 'restricted', version: 'latest', catalogue, harden: true });
    const expected = patchedObject(w, p.patchedTemplate);
    const viaJson = jsonpatch.applyPatch(
      structuredClone(w.object),
      jsonpatch.deepClone(p.jsonPatch) as jsonpatch.Operation[],
      true,
      false,
    ).newDocument;
    expect(viaJson).toEqual(expected);
    if (p.strategicPatch === null) {
      expect(expected).toEqual(w.object);
      return;
    }
    expect(applyStrategicMerge(w.object, p.strategicPatch)).toEqual(expected);
  });

  it('kubectl patch --local agrees with our strategic-merge applier', () => {
    let checked = 0;
    for (const w of [...realworld, ...synthetic]) {
      const p = proposeFix(w, { target: 'restricted', version: 'latest', catalogue, harden: true });
      if (p.strategicPatch === null) continue;
      expect(kubectlPatch(w.object, p.strategicPatch), `${w.kind}/${w.name}`).toEqual(
        applyStrategicMerge(w.object, p.strategicPatch),
      );
      checked++;
    }
    expect(checked).toBeGreaterThan(8);
  }, 120_000);

  it('removes hostPorts through the containerPort merge key', () => {
    const p = proposeFix(synthetic[0]!, { target: 'baseline', version: 'latest', catalogue });
    expect(p.status).toBe('review');
    const spec = (p.strategicPatch as { spec: { template: { spec: Record<string, unknown> } } }).spec.template.spec;
    expect(spec['hostNetwork']).toBeNull();
    expect(spec['containers']).toEqual([
      {
        name: 'web',
        ports: [
          { containerPort: 80, hostPort: null },
          { containerPort: 443, hostPort: null },
        ],
      },
    ]);
    expect(spec['volumes']).toEqual([{ name: 'data', hostPath: null, emptyDir: {} }]);
  });
});
