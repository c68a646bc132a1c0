// Two objects with the same namespace/Kind/name from different files (issue 12 item 5) are two
// workloads in the wizard: each has its own proposal, decision and key (the source is part of the
// key where the name is not unique); nothing of one shows on the other.
import { describe, expect, it } from 'vitest';
import { EMPTY_ANSWERS, proposeFixes } from '../../src/fix/index.js';
import { inventoryFromTexts } from '../../src/inventory/manifests.js';
import { namespaceText } from '../../src/line/text.js';
import { overview } from '../../src/wizard/flow.js';
import { selectedKey } from '../../src/wizard/namespace-flow.js';
import { answerKey, proposalFor, sessionKey, workloadFor, type Session } from '../../src/wizard/session.js';
import { run, VERSION } from './fixture.js';

const dep = (image: string, sc: string) => `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: app}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
${sc}      containers: [{name: web, image: "${image}"}]
`;
const compliant =
  '      securityContext: {runAsNonRoot: true, runAsUser: 1000, seccompProfile: {type: RuntimeDefault}}\n';
const inventory = inventoryFromTexts([
  { file: 'base/web.yaml', text: dep('example.com/web:1', '') },
  {
    file: 'overlay/web.yaml',
    text: `apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: app}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
${compliant}      containers: [{name: web, image: "example.com/web:2", securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}}]
`,
  },
  { file: 'other.yaml', text: dep('example.com/other:1', '').replace(/\bweb\b/g, 'api') },
]);
const session: Session = {
  inventory,
  proposals: proposeFixes(inventory, { target: 'restricted', version: VERSION, answers: EMPTY_ANSWERS }),
  target: 'restricted',
  version: VERSION,
  answers: EMPTY_ANSWERS,
  decisions: {},
  evidence: [],
  outDir: 'plans/test',
  dirty: false,
};
const [base, overlay, api] = inventory.workloads;

describe('wizard keys with duplicate objects', () => {
  it('keys a duplicate by its source too, a unique object by namespace/Kind/name', () => {
    expect(sessionKey(inventory, base!)).toBe('app/Deployment/web@base/web.yaml document 1 (line 1)');
    expect(sessionKey(inventory, overlay!)).toBe('app/Deployment/web@overlay/web.yaml document 1 (line 1)');
    expect(sessionKey(inventory, api!)).toBe('app/Deployment/api');
    expect(workloadFor(inventory, sessionKey(inventory, overlay!))).toBe(overlay);
    expect(answerKey(inventory, sessionKey(inventory, overlay!))).toBe('app/Deployment/web');
  });

  it('gives each copy its own proposal', () => {
    expect(proposalFor(session, sessionKey(inventory, base!))?.status).toBe('review');
    expect(proposalFor(session, sessionKey(inventory, overlay!))?.status).toBe('compliant');
    expect(proposalFor(session, 'app/Deployment/web')).toBeUndefined();
    const text = namespaceText(session, 'app');
    const webs = text.split('\n\n').filter((b) => b.startsWith('Deployment web:'));
    expect(webs).toHaveLength(2);
    // Each copy shows its own image and verdicts: the compliant overlay fails nothing.
    expect(webs.find((b) => b.includes('example.com/web:1'))).toContain('fails Run as non-root');
    const second = webs.find((b) => !b.includes('example.com/web:1'))!;
    expect(second).not.toContain('fails');
    expect(second).not.toContain('example.com/web:1');
  });

  it('records a decision for the copy under the cursor only', () => {
    const ns = run(overview(session), [{ type: 'select' }]).state;
    expect(ns.step).toBe('namespace');
    if (ns.step !== 'namespace') return;
    const keys = [0, 1, 2].map((i) => selectedKey({ ...ns, cursor: i }));
    expect(keys).toContain('app/Deployment/web@overlay/web.yaml document 1 (line 1)');
    const at = keys.indexOf('app/Deployment/web@overlay/web.yaml document 1 (line 1)');
    const after = run({ ...ns, cursor: at }, [{ type: 'accept' }]).state;
    expect(after.step === 'namespace' && after.session.decisions).toEqual({
      'app/Deployment/web@overlay/web.yaml document 1 (line 1)': 'accepted',
    });
  });
});
