// The bundled demo estate: every workload parses, has live state and evidence, and the vote
// service's CrashLoopBackOff log line becomes a temp-dir finding the fix engine can use.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAnswersText } from '../../src/files/answers-file.js';
import { describe, expect, it } from 'vitest';
import { loadDemoEstate } from '../../src/files/demo.js';
import { parseDemoEvidence } from '../../src/files/demo-evidence.js';
import { workloadKey } from '../../src/inventory/types.js';

const TEMPLATES = join(import.meta.dirname, '../../templates');

describe('demo estate', () => {
  it('holds the namespaces and workloads the demo story needs', async () => {
    const { inventory } = await loadDemoEstate(TEMPLATES);
    expect(inventory.origin).toBe('demo');
    expect(inventory.namespaces.map((n) => n.name)).toEqual([
      'batch',
      'legacy',
      'monitoring',
      'payments',
      'shop',
      'web',
    ]);
    expect(inventory.namespaces.find((n) => n.name === 'legacy')?.psa.enforce).toEqual({
      level: 'baseline',
      version: 'v1.23',
    });
    const keys = inventory.workloads.map(workloadKey);
    for (const k of [
      'shop/Deployment/vote',
      'shop/StatefulSet/db',
      'web/Deployment/nginx',
      'batch/CronJob/nightly-report',
      'monitoring/DaemonSet/node-agent',
    ])
      expect(keys).toContain(k);
    expect(inventory.workloads.find((w) => w.name === 'maintenance-page')?.replicas).toBe(0);
  });

  it('gives every workload live state and evidence', async () => {
    const { inventory, evidenceFor } = await loadDemoEstate(TEMPLATES);
    for (const w of inventory.workloads) {
      expect(w.live, workloadKey(w)).toBeDefined();
      expect(evidenceFor(w), workloadKey(w)).toBeDefined();
    }
    const vote = inventory.workloads.find((w) => w.name === 'vote')!;
    expect(vote.live?.podStatuses?.[0]).toMatchObject({ reason: 'CrashLoopBackOff' });
    const ev = evidenceFor(vote)!.containers['vote']!;
    expect(ev.findings.map((f) => f.kind)).toContain('noTempDir');
    expect(ev.writablePaths).toEqual(['/tmp', '/var/tmp']);
    expect(ev.uid).toBe(0);
  });

  it('ships answers that the answers schema accepts', () => {
    const answers = parseAnswersText(readFileSync(join(TEMPLATES, 'demo/answers.yaml'), 'utf8'), 'answers.yaml');
    expect(answers.uids['shop/Deployment/vote']).toBe(10001);
    expect(answers.exemptions['monitoring']).toMatch(/node-exporter/);
  });

  it('rejects evidence that does not follow the documented shape', () => {
    expect(() => parseDemoEvidence('workloads: {a/Deployment/b: {pods: [{name: x}]}}')).toThrow();
    expect(() => parseDemoEvidence('extra: 1\nworkloads: {}')).toThrow();
  });
});
