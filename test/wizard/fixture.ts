// A small inventory for wizard, UI and line-mode tests: namespace `app` (a fixable web Deployment
// and a privileged node agent), `ok` (already restricted), `kube-system`. Real fix engine, no mocks.
import { EMPTY_ANSWERS, proposeFixes, type Answers } from '../../src/fix/index.js';
import { inventoryFromTexts } from '../../src/inventory/manifests.js';
import type { Inventory } from '../../src/inventory/types.js';
import type { Session } from '../../src/wizard/session.js';

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
