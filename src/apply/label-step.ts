// Pure: applying and rolling back one namespace label step. Drift check against the plan's
// `before`, a server-side dry-run (for enforce changes: the violating pods, mapped to workloads),
// the intent in the journal, a merge patch with the resourceVersion read, read-back verification.

import type { PlanStep } from '../plan/plan-schema.js';
import {
  describeLabelDifferences,
  enforceGate,
  labelDifferences,
  psaMergePatch,
  psaOnly,
  sameLabels,
} from './checks.js';
import { changeBase, type JournalEntry } from './journal-model.js';
import type { LiveNamespace } from './ports.js';
import { outcome, proceedDespite, record, type Run, type StepOutcome } from './run.js';
import type { StepView } from './steps.js';
import { checkedWrite } from './write.js';

type LabelStep = Extract<PlanStep, { type: 'labels' }>;

const labelsState = (labels: Record<string, string>) => ({ type: 'labels' as const, labels: psaOnly(labels) });

function errorText(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Applies one label step; returns its outcome. Never writes when the live labels already match. */
export async function applyLabelStep(run: Run, view: StepView): Promise<StepOutcome> {
  const step = view.step as LabelStep;
  const { cluster } = run.ports;
  const live = await cluster.readNamespace(step.namespace);
  if (!live) return outcome(view, 'failed', `namespace ${step.namespace} does not exist`);

  if (view.state.state === 'inDoubt' || sameLabels(live.labels, step.after)) {
    // An interrupted run, or labels already as planned: record what is there, never write again.
    if (sameLabels(live.labels, step.after)) {
      if (run.opts.dryRun) return outcome(view, 'alreadyDone', 'labels are already as planned');
      const note = view.state.state === 'inDoubt' ? 'found applied after an interruption' : 'found as planned';
      const intent = view.state.state === 'inDoubt' ? view.state.last : undefined;
      await record(run, {
        view,
        action: 'apply',
        status: 'verified',
        before: intent?.before ?? labelsState(step.before),
        after: labelsState(live.labels),
        resourceVersionAfter: live.resourceVersion,
        message: note,
        observed: intent === undefined,
      });
      return outcome(view, 'alreadyDone', note);
    }
  }

  const drift = labelDifferences(step.before, live.labels);
  if (drift.length > 0) {
    const ok = await proceedDespite(
      run,
      `namespace ${step.namespace}: Pod Security labels changed since the plan was made; apply anyway?`,
      describeLabelDifferences(drift),
    );
    if (!ok)
      return outcome(
        view,
        'skipped',
        'labels changed since the plan was made (drift)',
        describeLabelDifferences(drift),
      );
  }

  const patch = psaMergePatch(live.labels, step.after);
  let warnings: string[];
  try {
    warnings = (await cluster.patchNamespaceLabels(step.namespace, patch, live.resourceVersion, true)).warnings;
  } catch (err) {
    return outcome(view, 'failed', `server-side dry-run failed: ${errorText(err)}`);
  }
  const details: string[] = [];
  if (step.gated) {
    const owners = new Map<string, string | null>();
    for (const pod of enforceGate(warnings).violators.map((v) => v.pod))
      owners.set(pod, await cluster.ownerOfPod(step.namespace, pod));
    const gate = enforceGate(warnings, (pod) => owners.get(pod) ?? null);
    details.push(...gate.summary);
    if (!gate.clean) {
      const ok = await proceedDespite(
        run,
        `namespace ${step.namespace}: existing pods would violate the new enforce level; enforce anyway?`,
        gate.summary,
      );
      if (!ok) return outcome(view, 'refused', 'existing pods violate the new enforce level', gate.summary);
    }
  }
  if (run.opts.dryRun) return outcome(view, 'wouldApply', `would set ${describePatch(patch)}`, details);

  // A re-apply over a change in place keeps the state the change started from, so a rollback
  // restores that and not an intermediate one.
  const base = changeBase(run.entries, view.id);
  const before = base?.type === 'labels' ? base : labelsState(live.labels);
  await record(run, {
    view,
    action: 'apply',
    status: 'intended',
    before,
    after: labelsState(step.after),
    resourceVersionBefore: live.resourceVersion,
  });
  const res = await writeLabels(run, step.namespace, patch, live, step.after, live.labels);
  if (res.kind !== 'written') {
    const message = res.kind === 'changed' ? res.message : `write failed: ${errorText(res.error)}`;
    await record(run, { view, action: 'apply', status: 'failed', before, after: null, message });
    return outcome(view, 'failed', message);
  }
  return verifyLabels(run, view, before, step.after, 'apply', res.note);
}

/** Patches labels; a lost response or conflict is settled by reading the namespace again. */
function writeLabels(
  run: Run,
  ns: string,
  patch: Record<string, string | null>,
  live: LiveNamespace,
  to: Record<string, string>,
  from: Record<string, string>,
) {
  return checkedWrite({
    resourceVersion: live.resourceVersion,
    write: async (rv) => (await run.ports.cluster.patchNamespaceLabels(ns, patch, rv, false)).value,
    standing: async () => {
      const now = await run.ports.cluster.readNamespace(ns);
      if (!now) return { standing: 'missing', resourceVersion: '', value: null };
      const standing = sameLabels(now.labels, to) ? 'after' : sameLabels(now.labels, from) ? 'before' : 'other';
      return { standing, resourceVersion: now.resourceVersion, value: now };
    },
  });
}

/** Reads the namespace back and records the result of a write. */
async function verifyLabels(
  run: Run,
  view: StepView,
  before: { type: 'labels'; labels: Record<string, string> },
  expected: Record<string, string>,
  action: 'apply' | 'rollback',
  note?: string,
): Promise<StepOutcome> {
  const back = await run.ports.cluster.readNamespace(view.step.namespace);
  const after = back ? labelsState(back.labels) : null;
  const rvAfter = back?.resourceVersion;
  if (!back || !sameLabels(back.labels, expected)) {
    // The labels were written (the write was settled by reading) and changed again since: record
    // what podsec wrote, never the intermediate state, so a rollback compares against it and
    // restores the state the change started from.
    const message = `read-back shows other labels than written${back ? `: ${describePatch(psaOnly(back.labels))}` : ''}`;
    await record(run, {
      view,
      action,
      status: 'failed',
      before,
      after: labelsState(expected),
      resourceVersionAfter: rvAfter,
      message,
    });
    return outcome(view, 'failed', message);
  }
  const status = action === 'apply' ? 'verified' : 'rolledBack';
  await record(run, {
    view,
    action,
    status,
    before,
    after,
    resourceVersionAfter: rvAfter,
    ...(note ? { message: note } : {}),
  });
  return outcome(
    view,
    action === 'apply' ? 'applied' : 'rolledBack',
    `${describePatch(psaOnly(back.labels))}${note ? ` (${note})` : ''}`,
  );
}

/** Restores the labels recorded before `applied`; refuses when someone changed them since. */
export async function rollbackLabelStep(run: Run, view: StepView, applied: JournalEntry): Promise<StepOutcome> {
  const step = view.step as LabelStep;
  const before = applied.before?.type === 'labels' ? applied.before.labels : step.before;
  const after = applied.after?.type === 'labels' ? applied.after.labels : step.after;
  const live = await run.ports.cluster.readNamespace(step.namespace);
  if (!live) return outcome(view, 'failed', `namespace ${step.namespace} does not exist`);
  if (sameLabels(live.labels, before)) {
    if (run.opts.dryRun) return outcome(view, 'alreadyDone', 'labels are already as before the phase');
    await record(run, {
      view,
      action: 'rollback',
      status: 'rolledBack',
      before: labelsState(live.labels),
      after: labelsState(live.labels),
      message: 'found as before',
      observed: true,
    });
    return outcome(view, 'alreadyDone', 'labels were already as before the phase');
  }
  const changed = labelDifferences(after, live.labels);
  if (changed.length > 0) {
    const ok = await proceedDespite(
      run,
      `namespace ${step.namespace}: labels were changed since podsec applied them; revert anyway?`,
      describeLabelDifferences(changed),
    );
    if (!ok)
      return outcome(
        view,
        'refused',
        'labels were changed by someone else since they were applied',
        describeLabelDifferences(changed),
      );
  }
  const patch = psaMergePatch(live.labels, before);
  try {
    await run.ports.cluster.patchNamespaceLabels(step.namespace, patch, live.resourceVersion, true);
  } catch (err) {
    return outcome(view, 'failed', `server-side dry-run failed: ${errorText(err)}`);
  }
  if (run.opts.dryRun) return outcome(view, 'wouldRollBack', `would set ${describePatch(patch)}`);
  await record(run, {
    view,
    action: 'rollback',
    status: 'intended',
    before: labelsState(live.labels),
    after: labelsState(before),
    resourceVersionBefore: live.resourceVersion,
  });
  const res = await writeLabels(run, step.namespace, patch, live, before, live.labels);
  if (res.kind !== 'written') {
    const message = res.kind === 'changed' ? res.message : `write failed: ${errorText(res.error)}`;
    await record(run, {
      view,
      action: 'rollback',
      status: 'failed',
      before: labelsState(live.labels),
      after: null,
      message,
    });
    return outcome(view, 'failed', message);
  }
  return verifyLabels(run, view, labelsState(live.labels), before, 'rollback', res.note);
}

/** `enforce=restricted, warn-version=v1.35, audit removed` (short label keys). */
export function describePatch(patch: Record<string, string | null>): string {
  const parts = Object.entries(patch).map(
    ([k, v]) => `${k.replace('pod-security.kubernetes.io/', '')}${v === null ? ' removed' : `=${v}`}`,
  );
  return parts.length > 0 ? parts.join(', ') : 'no Pod Security labels';
}
