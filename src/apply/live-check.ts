// Pure: checks the live object of a step the journal calls done before trusting the journal, and
// the access a phase needs before its first write. A verified change that was reverted outside
// podsec (by hand, or by a rollback whose response was lost) is applied again, not skipped.

import { UserError } from '../errors.js';
import { sameLabels } from './checks.js';
import { changeBase, stepState } from './journal-model.js';
import type { AccessTarget } from './ports.js';
import { record, sameJson, type Run } from './run.js';
import type { StepView } from './steps.js';
import { refOf, templateOf } from './workload-step.js';

/** How the live object compares with a change the journal records as in place. */
export type LiveVsJournal = 'inPlace' | 'reverted' | 'changed' | 'missing';

/** Reads the step's object: is the recorded change still there, reverted to its start, or neither? */
export async function liveVsJournal(run: Run, view: StepView): Promise<LiveVsJournal> {
  const s = view.step;
  const last = view.state.last;
  const base = changeBase(run.entries, view.id) ?? last?.before ?? null;
  if (s.type === 'labels') {
    const live = await run.ports.cluster.readNamespace(s.namespace);
    if (!live) return 'missing';
    if (sameLabels(live.labels, s.after)) return 'inPlace';
    const from = base?.type === 'labels' ? base.labels : s.before;
    return sameLabels(live.labels, from) ? 'reverted' : 'changed';
  }
  const live = await run.ports.cluster.readWorkload(refOf(s));
  const t = live ? templateOf(live.object) : null;
  if (!live || !t) return 'missing';
  const after = last?.after?.type === 'template' ? last.after.template : undefined;
  if (after !== undefined && sameJson(t.raw, after)) return 'inPlace';
  return base?.type === 'template' && sameJson(t.raw, base.template) ? 'reverted' : 'changed';
}

/**
 * Records that a change the journal holds as verified was found reverted (an observation: no
 * write) and returns the view as pending, ready to be applied again.
 */
export async function recordReverted(run: Run, view: StepView): Promise<StepView> {
  if (run.opts.dryRun) return { ...view, state: { state: 'pending' } };
  const last = view.state.last ?? null;
  const base = changeBase(run.entries, view.id) ?? last?.before ?? null;
  await record(run, {
    view,
    action: 'rollback',
    status: 'rolledBack',
    before: last?.after ?? null,
    after: base,
    message: 'found reverted outside podsec: the live object is as before the change',
    observed: true,
  });
  return { ...view, state: stepState(run.entries, view.id) };
}

/** The object a step writes. */
export function accessTarget(view: StepView): AccessTarget {
  const s = view.step;
  return s.type === 'labels' ? { kind: 'Namespace', name: s.namespace } : refOf(s);
}

/** Asks once, before the first write, whether the user may make the phase's writes; throws naming what is missing. */
export async function checkAccess(run: Run, views: readonly StepView[], verb: string): Promise<void> {
  const ask = run.ports.cluster.missingAccess;
  if (!ask || views.length === 0) return;
  const missing = await ask.call(run.ports.cluster, views.map(accessTarget));
  if (missing.length === 0) return;
  throw new UserError(
    `not allowed to ${verb}: ${missing.join('; ')} (checked before any write; nothing was changed)`,
    'bind the applier role together with the reader role: kubectl apply -f templates/rbac/podsec-reader.yaml -f templates/rbac/podsec-applier.yaml, then kubectl create clusterrolebinding podsec-applier --clusterrole=podsec-applier --user=<you> (and the same for podsec-reader)',
  );
}
