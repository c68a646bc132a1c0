// A small inventory for wizard, UI and line-mode tests: namespace `app` (a fixable web Deployment
// and a privileged node agent), `ok` (already restricted), `kube-system`. Real fix engine, no mocks.
import { EMPTY_ANSWERS, proposeFixes, type Answers } from '../../src/fix/index.js';
import { inventoryFromTexts } from '../../src/inventory/manifests.js';
import type { Inventory } from '../../src/inventory/types.js';
import type { WizardEffect } from '../../src/wizard/effects.js';
import type { WizardEvent } from '../../src/wizard/events.js';
import type { ApplyOverview, PhaseRun } from '../../src/wizard/ports.js';
import type { Session } from '../../src/wizard/session.js';
import type { WizardState } from '../../src/wizard/state.js';
import { transition } from '../../src/wizard/transition.js';

export const FIXTURE_YAML = `
apiVersion: v1
kind: Namespace
metadata: {name: app}
---
apiVersion: v1
kind: Namespace
metadata:
  name: ok
  labels: {pod-security.kubernetes.io/enforce: restricted}
---
apiVersion: v1
kind: Namespace
metadata: {name: kube-system}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: web, namespace: app}
spec:
  selector: {matchLabels: {app: web}}
  template:
    metadata: {labels: {app: web}}
    spec:
      containers:
      - name: web
        image: example.com/web:1.0
        ports: [{containerPort: 8080}]
---
apiVersion: apps/v1
kind: DaemonSet
metadata: {name: agent, namespace: app}
spec:
  selector: {matchLabels: {app: agent}}
  template:
    metadata: {labels: {app: agent}}
    spec:
      hostNetwork: true
      containers:
      - name: agent
        image: example.com/agent:1.0
        securityContext: {privileged: true}
---
apiVersion: apps/v1
kind: Deployment
metadata: {name: api, namespace: ok}
spec:
  selector: {matchLabels: {app: api}}
  template:
    metadata: {labels: {app: api}}
    spec:
      securityContext: {runAsNonRoot: true, runAsUser: 1000, seccompProfile: {type: RuntimeDefault}}
      containers:
      - name: api
        image: example.com/api:1.0
        securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}
`;

export const VERSION = 'v1.37';

export function fixtureInventory(): Inventory {
  return inventoryFromTexts([{ file: 'fixture.yaml', text: FIXTURE_YAML }]);
}

export function fixtureSession(answers: Answers = EMPTY_ANSWERS): Session {
  const inventory = fixtureInventory();
  return {
    inventory,
    proposals: proposeFixes(inventory, { target: 'restricted', version: VERSION, answers }),
    target: 'restricted',
    version: VERSION,
    answers,
    decisions: {},
    evidence: [],
    outDir: 'plans/test',
    dirty: false,
  };
}

/** Runs events from a state; returns the final state and every effect emitted. */
export function run(start: WizardState, events: WizardEvent[]): { state: WizardState; effects: WizardEffect[] } {
  let state = start;
  const effects: WizardEffect[] = [];
  for (const e of events) {
    const t = transition(state, e);
    state = t.state;
    effects.push(...t.effects);
  }
  return { state, effects };
}

/** An applied plan's phases as the Apply step sees them: 1 done, 2 interrupted (next), 3 untouched. */
export const overview: ApplyOverview = {
  dir: '/tmp/plan',
  phases: [
    { id: '1-observe', title: 'Observe', namespaces: ['a', 'b'], done: true, journalEntries: 4 },
    { id: '2-fix', title: 'Fix', namespaces: ['a', 'b', 'c'], done: false, journalEntries: 2 },
    { id: '3-enforce', title: 'Enforce', namespaces: ['a'], done: false, journalEntries: 0 },
  ],
  next: '2-fix',
};
/** The dry run of phase 2-fix: one patch that would be applied, with a warning. */
export const dry: PhaseRun = {
  phase: '2-fix',
  dryRun: true,
  outcomes: [
    {
      step: 's1',
      namespace: 'a',
      target: 'Deployment a/web',
      outcome: 'wouldApply',
      message: 'patch',
      details: ['1 warning'],
    },
  ],
  stoppedAt: null,
};
