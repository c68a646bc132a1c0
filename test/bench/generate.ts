// Manifest generator for `npm run bench`: varied kinds (Deployment, StatefulSet, CronJob, Pod),
// levels (restricted, privileged, hostPort, added capability, plain baseline) and 50 namespaces,
// some pinned with enforce-version labels.
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';

const indent = (text: string, n: number) => text.replace(/^(?=.)/gm, ' '.repeat(n));

function podSpec(i: number, name: string): string {
  const variant = Math.floor(i / 4) % 5;
  const sidecarSc =
    variant === 0 ? '    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}\n' : '';
  const podSc =
    variant === 0
      ? 'securityContext: {runAsNonRoot: true, runAsUser: 1000, seccompProfile: {type: RuntimeDefault}}\n'
      : '';
  const ctrSc =
    variant === 0
      ? '    securityContext: {allowPrivilegeEscalation: false, capabilities: {drop: [ALL]}}\n'
      : variant === 1
        ? '    securityContext: {privileged: true}\n'
        : variant === 2
          ? '    ports: [{containerPort: 8080, hostPort: 8080}]\n'
          : variant === 3
            ? '    securityContext: {capabilities: {add: [NET_ADMIN]}}\n'
            : '    env: [{name: MODE, value: prod}]\n';
  return `${podSc}containers:\n  - name: main\n    image: registry.example/${name}:1.${i % 9}\n${ctrSc}    resources: {limits: {cpu: 100m, memory: 128Mi}}\n  - name: sidecar\n    image: envoy:1.30\n${sidecarSc}`;
}

function workload(i: number): string {
  const ns = `team-${i % 50}`;
  const name = `app-${i}`;
  const template = `metadata:\n  labels: {app: ${name}, tier: backend}\nspec:\n${indent(podSpec(i, name), 2)}`;
  switch (i % 4) {
    case 0:
      return `apiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: ${name}\n  namespace: ${ns}\n  labels: {app: ${name}}\nspec:\n  replicas: 2\n  selector: {matchLabels: {app: ${name}}}\n  template:\n${indent(template, 4)}`;
    case 1:
      return `apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: ${name}, namespace: ${ns}}\nspec:\n  serviceName: ${name}\n  selector: {matchLabels: {app: ${name}}}\n  template:\n${indent(template, 4)}`;
    case 2:
      return `apiVersion: batch/v1\nkind: CronJob\nmetadata: {name: ${name}, namespace: ${ns}}\nspec:\n  schedule: "*/5 * * * *"\n  jobTemplate:\n    spec:\n      template:\n${indent(template, 8)}`;
    default:
      return `apiVersion: v1\nkind: Pod\nmetadata:\n  name: ${name}\n  namespace: ${ns}\nspec:\n${indent(podSpec(i, name), 2)}`;
  }
}

/** Writes `files` files of `docs` workloads each (plus 50 pinned Namespaces); returns the workload count. */
export function generateManifests(dir: string, files: number, docs: number): number {
  let n = 0;
  for (let f = 0; f < files; f++) {
    const sub = join(dir, `d${String(f % 10)}`);
    if (!existsSync(sub)) mkdirSync(sub, { recursive: true });
    const texts: string[] = [];
    if (f < 50)
      texts.push(
        `apiVersion: v1\nkind: Namespace\nmetadata:\n  name: team-${f}\n  labels: {pod-security.kubernetes.io/enforce: baseline, pod-security.kubernetes.io/enforce-version: v1.${22 + (f % 15)}}\n`,
      );
    for (let d = 0; d < docs; d++) texts.push(workload(n++));
    writeFileSync(join(sub, `f${f}.yaml`), texts.join('---\n'));
  }
  return n;
}
