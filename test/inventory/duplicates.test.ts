// Issue 12 item 5: the same kind/namespace/name in two files is detected and reported in scan and
// plan; each copy keeps its own verdicts and its own patch (never merged).
import { createHash } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { answersSchema } from '../../src/fix/answers.js';
import { findDuplicates } from '../../src/inventory/duplicates.js';
import { inventoryFromTexts } from '../../src/inventory/manifests.js';
import { buildPlan } from '../../src/plan/build-plan.js';
import { renderPlanMarkdown } from '../../src/plan/render-markdown.js';
import { formatMarkdown } from '../../src/report/format-markdown.js';
import { formatTable } from '../../src/report/format-table.js';
import { buildScanReport } from '../../src/report/scan-report.js';
import { loadCatalogue } from '../fix/helpers.js';
import { loadPlanTemplates } from '../../src/files/templates.js';
import { TEMPLATES } from '../plan/helpers.js';

const dep = (sc: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: shop}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
${sc}      containers: [{name: api, image: "example.com/api:1"${sc === '' ? ', securityContext: {privileged: true}' : ''}}]
`;
const compliant =
  '      securityContext: {runAsNonRoot: true, runAsUser: 1000, seccompProfile: {type: RuntimeDefault}}\n';
const inv = () =>
  inventoryFromTexts([
    {
      file: 'a.yaml',
      text: dep(compliant).replace(
        'image: "example.com/api:1"',
        'image: "example.com/api:1", securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}',
      ),
    },
    { file: 'b.yaml', text: dep('') },
  ]);

describe('duplicate objects', () => {
  it('are found with every source', () => {
    expect(findDuplicates(inv().workloads)).toEqual([
      {
        key: 'shop/Deployment/api',
        sources: [expect.objectContaining({ file: 'a.yaml' }), expect.objectContaining({ file: 'b.yaml' })],
      },
    ]);
  });

  it('are reported by scan, each copy with its own verdict', () => {
    const report = buildScanReport(inv());
    expect(report.duplicates).toHaveLength(1);
    expect(report.workloads.map((w) => ['file' in w.source ? w.source.file : '', w.strictestLevel])).toEqual([
      ['a.yaml', 'restricted'],
      ['b.yaml', 'privileged'],
    ]);
    expect(formatTable(report, { color: false, columns: 200 })).toMatch(
      /Duplicates \(1\)[\s\S]*shop\/Deployment\/api is defined 2 times \(a\.yaml document 1 \(line 1\); b\.yaml document 1 \(line 1\)\)/,
    );
    expect(formatMarkdown(report)).toContain('## Objects defined more than once');
  });

  it('are recorded by plan, each copy with its own status and patch', async () => {
    const b = buildPlan(inv(), {
      target: 'restricted',
      policyVersion: 'v1.37',
      answers: answersSchema.parse({ uids: { 'shop/Deployment/api': 1000 } }),
      exempt: [],
      harden: false,
      catalogue: loadCatalogue(),
      createdAt: 'T',
      hash: (t) => createHash('sha256').update(t).digest('hex'),
    });
    expect(b.plan.duplicates).toEqual([
      {
        key: 'shop/Deployment/api',
        sources: [expect.objectContaining({ file: 'a.yaml' }), expect.objectContaining({ file: 'b.yaml' })],
      },
    ]);
    expect(b.plan.workloads.map((w) => [w.status, w.patch])).toEqual([
      ['compliant', null],
      ['review', '2-fix/shop/deployment-api-2.yaml'],
    ]);
    expect(renderPlanMarkdown(b.plan, await loadPlanTemplates(TEMPLATES))).toContain(
      'Defined more than once: shop/Deployment/api is defined 2 times',
    );
  });
});
