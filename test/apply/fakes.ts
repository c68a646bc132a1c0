// Test doubles for the apply ports: an in-memory namespace store that behaves like the API
// server for labels (resourceVersion preconditions, 409 on mismatch) with fault injection, and an
// in-memory journal. Workload writes are not modelled here (integration tests cover them).
import { ClusterError } from '../../src/errors.js';
import type { JournalEntry } from '../../src/apply/journal-model.js';
import type { ApplyCluster, ApplyPorts, LiveNamespace } from '../../src/apply/ports.js';
import type { Plan, PlanPhase } from '../../src/plan/plan-schema.js';

const P = 'pod-security.kubernetes.io/';

export type Fault = 'lostResponse' | 'conflictBeforeWrite' | 'serverErrorBeforeWrite' | 'fakeSuccess';

export class FakeCluster implements ApplyCluster {
  rv = 1;
  readonly namespaces = new Map<string, LiveNamespace>();
  /** Real (non-dry-run) writes that changed something. */
  writes: string[] = [];
  dryRuns: string[] = [];
  faults: Fault[] = [];
  /** Called after each real write (tests change the object behind podsec's back). */
  afterWrite?: (name: string) => void;
  /** Warnings the next enforce dry-run returns, per namespace. */
  warnings = new Map<string, string[]>();

  addNamespace(name: string, labels: Record<string, string> = {}): void {
    this.namespaces.set(name, { labels, resourceVersion: String(this.rv++) });
  }
  async readNamespace(name: string) {
    const ns = this.namespaces.get(name);
    return ns ? { labels: { ...ns.labels }, resourceVersion: ns.resourceVersion } : null;
  }
  async patchNamespaceLabels(
    name: string,
    patch: Record<string, string | null>,
    resourceVersion: string,
    dryRun: boolean,
  ) {
    const ns = this.namespaces.get(name);
    if (!ns) throw new ClusterError('notFound', `namespace ${name} not found`);
    if (dryRun) {
      this.dryRuns.push(name);
      return { value: { ...ns }, warnings: this.warnings.get(name) ?? [] };
    }
    const fault = this.faults.shift();
    if (fault === 'conflictBeforeWrite') {
      ns.resourceVersion = String(this.rv++); // someone touched another label
      throw new ClusterError('conflict', 'the object has been modified');
    }
    if (fault === 'serverErrorBeforeWrite') throw new ClusterError('server', 'internal error');
    if (ns.resourceVersion !== resourceVersion) throw new ClusterError('conflict', 'the object has been modified');
    const before = ns.labels;
    const labels = { ...ns.labels };
    for (const [k, v] of Object.entries(patch)) {
      if (v === null) delete labels[k];
      else labels[k] = v;
    }
    ns.labels = labels;
    ns.resourceVersion = String(this.rv++);
    this.writes.push(name);
    this.afterWrite?.(name);
    if (fault === 'lostResponse') throw new ClusterError('unreachable', 'connection reset');
    if (fault === 'fakeSuccess') {
      // A 200 that never reached the server: undo the write.
      ns.labels = before;
      this.writes.pop();
      return { value: { labels: { ...labels }, resourceVersion: ns.resourceVersion }, warnings: [] };
    }
    return { value: { labels: { ...labels }, resourceVersion: ns.resourceVersion }, warnings: [] };
  }
  async readWorkload() {
    return null;
  }
  async patchWorkload(): Promise<never> {
    throw new Error('not modelled');
  }
  async replaceTemplate(): Promise<never> {
    throw new Error('not modelled');
  }
  async ownerOfPod(namespace: string, pod: string) {
    return `${namespace}/Deployment/${pod.split('-')[0] ?? pod}`;
  }
  async followRollout() {
    return { status: 'notFollowed' as const, message: '', failures: [] };
  }
}

export class MemoryJournal {
  entries: JournalEntry[] = [];
  async read() {
    return this.entries.map((e) => structuredClone(e));
  }
  async append(e: JournalEntry) {
    this.entries.push(structuredClone(e));
  }
}

export function ports(cluster: FakeCluster, journal: MemoryJournal, run = 'run-1'): ApplyPorts {
  return {
    cluster,
    journal,
    readPlanFile: async () => ({}),
    fingerprint: () => 'fp',
    now: () => new Date('2026-01-01T00:00:00Z'),
    user: 'tester',
    runId: run,
  };
}

export const observe = (level = 'restricted'): Record<string, string> => ({
  [`${P}audit`]: level,
  [`${P}audit-version`]: 'v1.35',
  [`${P}warn`]: level,
  [`${P}warn-version`]: 'v1.35',
});
export const enforce = (level: string): Record<string, string> => ({
  ...observe(),
  [`${P}enforce`]: level,
  [`${P}enforce-version`]: 'v1.35',
});

function labelPhase(
  id: PlanPhase['id'],
  steps: { ns: string; before: Record<string, string>; after: Record<string, string>; gated: boolean }[],
): PlanPhase {
  return {
    id,
    dir: id,
    title: id,
    description: '',
    namespaces: steps.map((s) => s.ns),
    steps: steps.map((s) => ({
      type: 'labels' as const,
      namespace: s.ns,
      file: `${id}/${s.ns}/namespace.yaml`,
      rollbackFile: `${id}/${s.ns}/rollback/namespace.yaml`,
      before: s.before,
      after: s.after,
      gated: s.gated,
    })),
    exitCriteria: [],
    apply: `${id}/apply.sh`,
    rollback: `${id}/rollback.sh`,
  };
}

/** A label-only plan: observe, enforce-baseline and enforce-restricted for each namespace. */
export function labelPlan(namespaces: string[]): Plan {
  const per = (fn: (ns: string) => { before: Record<string, string>; after: Record<string, string> }, gated: boolean) =>
    namespaces.map((ns) => ({ ns, gated, ...fn(ns) }));
  return {
    apiVersion: 'podsec.dev/v1alpha1',
    kind: 'Plan',
    schemaVersion: 1,
    createdAt: '2026-01-01T00:00:00Z',
    target: 'restricted',
    policyVersion: 'v1.35',
    origin: 'cluster',
    cluster: { context: 'test', server: 'https://127.0.0.1:1', serverVersion: 'v1.35.0' },
    soak: '1 week',
    decisions: { exempt: [], harden: false, answers: {} as Plan['decisions']['answers'] },
    phases: [
      labelPhase(
        '1-observe',
        per(() => ({ before: {}, after: observe() }), false),
      ),
      labelPhase(
        '3-enforce-baseline',
        per(() => ({ before: observe(), after: enforce('baseline') }), true),
      ),
      labelPhase(
        '4-enforce-restricted',
        per(() => ({ before: enforce('baseline'), after: enforce('restricted') }), true),
      ),
    ],
    namespaces: namespaces.map((name) => ({
      name,
      dir: name,
      system: false,
      current: 'privileged',
      currentLabels: {},
      target: 'restricted',
      reachable: 'restricted',
      planned: 'restricted',
      exemption: null,
      blockers: [],
      phases: [],
    })),
    workloads: [],
    summary: {},
  };
}
