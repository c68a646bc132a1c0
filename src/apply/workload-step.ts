// Pure: applying and rolling back one workload patch step. Drift check (template fingerprint),
// server-side dry-run that must draw no PodSecurity warning at the namespace's target (and pass
// the engine), the intent in the journal, the strategic-merge patch with the resourceVersion
// read, then the rollout is followed; a failed rollout is recorded as `failed` (written).

import { compareLevels, evaluatePod, extractPodTemplate, type Level } from '../policy/index.js';
import type { PlanStep, PlanWorkload } from '../plan/plan-schema.js';
import { podSecurityWarnings } from './checks.js';
import { changeBase, type JournalEntry, type ObjectState } from './journal-model.js';
import type { LiveObject, RolloutResult, WorkloadRef } from './ports.js';
import { outcome, proceedDespite, record, sameJson, valueAt, type Run, type StepOutcome } from './run.js';
import type { StepView } from './steps.js';
import { checkedWrite } from './write.js';

type PatchStep = Extract<PlanStep, { type: 'patch' }>;

const errorText = (err: unknown) => (err instanceof Error ? err.message : String(err));
const templateState = (template: unknown): ObjectState => ({ type: 'template', template: template ?? null });

export function refOf(step: PatchStep): WorkloadRef {
  return { kind: step.kind, apiVersion: step.apiVersion, namespace: step.namespace, name: step.name };
}

/** The raw pod template of an object and where it sits. */
export function templateOf(object: unknown): { path: string[]; raw: unknown } | null {
  const ex = extractPodTemplate(object);
  return ex ? { path: ex.templatePath, raw: valueAt(object, ex.templatePath) } : null;
}

/** The level a patch must pass: baseline while a temporary root init container is in, else the namespace's planned level. */
export function gateLevel(run: Run, step: PatchStep, workload: PlanWorkload | undefined): Level {
  const planned = run.plan.namespaces.find((n) => n.name === step.namespace)?.planned ?? run.plan.target;
  if (step.purpose === 'fix' && workload?.ownershipInit)
    return compareLevels(planned, 'baseline') < 0 ? planned : 'baseline';
  return planned;
}

/** Problems with the dry-run result: PodSecurity warnings at or below `level`, or an engine failure. */
export function patchProblems(
  run: Run,
  step: PatchStep,
  dry: LiveObject,
  warnings: readonly string[],
  level: Level,
): string[] {
  const out: string[] = [];
  for (const w of podSecurityWarnings(warnings)) {
    const m = /PodSecurity "(privileged|baseline|restricted):/.exec(w);
    const wl = (m?.[1] ?? 'restricted') as Level;
    if (compareLevels(wl, level) <= 0) out.push(`API server: ${w}`);
  }
  const ex = extractPodTemplate(dry.object);
  if (level !== 'privileged' && ex) {
    const e = evaluatePod(ex.template, level, run.plan.policyVersion, { isPod: step.kind === 'Pod' });
    if (!e.allowed) out.push(`fails ${level}:${run.plan.policyVersion}: ${e.message}`);
  }
  return out;
}

/**
 * Applies one patch step (or resumes it: an applied step only has its rollout followed again).
 * `patch` is the step's patch file, read and checked before the phase wrote anything.
 */
export async function applyWorkloadStep(
  run: Run,
  view: StepView,
  patch: Record<string, unknown>,
): Promise<{ outcome: StepOutcome; rolloutFailed: boolean }> {
  const step = view.step as PatchStep;
  const ref = refOf(step);
  const done = (o: StepOutcome, rolloutFailed = false) => ({ outcome: o, rolloutFailed });
  const live = await run.ports.cluster.readWorkload(ref);
  if (!live) return done(outcome(view, 'failed', `${step.kind} ${step.namespace}/${step.name} does not exist`));
  const t = templateOf(live.object);
  if (!t) return done(outcome(view, 'failed', 'the object has no pod template'));

  const st = view.state;
  if (st.state === 'applied' || st.state === 'inDoubt' || (st.state === 'failed' && st.written)) {
    const expected = st.last.after?.type === 'template' ? st.last.after.template : undefined;
    if (expected !== undefined && sameJson(t.raw, expected)) {
      if (run.opts.dryRun) return done(outcome(view, 'alreadyDone', 'patched; the rollout would be followed again'));
      if (st.state === 'inDoubt') {
        await record(run, {
          view,
          action: 'apply',
          status: 'applied',
          before: st.last.before,
          after: templateState(t.raw),
          resourceVersionAfter: live.resourceVersion,
          message: 'found applied after an interruption',
        });
      }
      return follow(run, view, st.last.before, live, 'resumed');
    }
    if (st.state !== 'inDoubt') {
      const ok = await proceedDespite(
        run,
        `${step.kind} ${step.namespace}/${step.name}: the pod template was changed after podsec patched it; patch again?`,
        ['the live template differs from the one recorded after the patch'],
      );
      if (!ok)
        return done(
          outcome(
            view,
            'skipped',
            'the pod template was changed after podsec patched it (roll the phase back, or --force)',
          ),
        );
    }
  }

  const workload = run.plan.workloads.find(
    (w) => w.namespace === step.namespace && w.kind === step.kind && w.name === step.name,
  );
  const ex = extractPodTemplate(live.object);
  if (workload && ex && run.plan.origin === 'cluster' && step.purpose === 'fix') {
    const fp = run.ports.fingerprint(ex.template);
    if (fp === workload.fingerprintAfter) {
      return done(
        outcome(
          view,
          'skipped',
          'the template already matches the patched template of the plan (patched outside podsec?)',
        ),
      );
    }
    if (fp !== workload.fingerprint) {
      const ok = await proceedDespite(
        run,
        `${step.kind} ${step.namespace}/${step.name}: the pod template changed since the plan was made; patch anyway?`,
        [`fingerprint in plan ${workload.fingerprint}, live ${fp}`],
      );
      if (!ok) return done(outcome(view, 'skipped', 'pod template changed since the plan was made (drift)'));
    }
  }

  let dry: { value: LiveObject; warnings: string[] };
  try {
    dry = await run.ports.cluster.patchWorkload(ref, patch, live.resourceVersion, true);
  } catch (err) {
    return done(outcome(view, 'failed', `server-side dry-run failed: ${errorText(err)}`));
  }
  const level = gateLevel(run, step, workload);
  const problems = patchProblems(run, step, dry.value, dry.warnings, level);
  if (problems.length > 0) {
    const ok = await proceedDespite(
      run,
      `${step.kind} ${step.namespace}/${step.name}: the patched template does not pass ${level}; patch anyway?`,
      problems,
    );
    if (!ok) return done(outcome(view, 'refused', `the patched template does not pass ${level}`, problems));
  }
  const expected = templateOf(dry.value.object)?.raw;
  if (run.opts.dryRun)
    return done(
      outcome(
        view,
        'wouldApply',
        `would patch (${step.file}); the server-side dry-run drew no PodSecurity warning at ${level}`,
      ),
    );

  // A re-apply over a change in place keeps the template the change started from.
  const base = changeBase(run.entries, view.id);
  const before = base?.type === 'template' ? base : templateState(t.raw);
  await record(run, {
    view,
    action: 'apply',
    status: 'intended',
    before,
    after: templateState(expected),
    resourceVersionBefore: live.resourceVersion,
  });
  const res = await checkedWrite({
    resourceVersion: live.resourceVersion,
    write: (rv) => run.ports.cluster.patchWorkload(ref, patch, rv, false),
    standing: () => standing(run, ref, expected, t.raw),
  });
  if (res.kind !== 'written') {
    const message = res.kind === 'changed' ? res.message : `write failed: ${errorText(res.error)}`;
    await record(run, { view, action: 'apply', status: 'failed', before, after: null, message });
    return done(outcome(view, 'failed', message));
  }
  // The object as read back after the write (never the response body, which may be lost or wrong).
  const written = res.value;
  const after = templateOf(written.object)?.raw;
  await record(run, {
    view,
    action: 'apply',
    status: 'applied',
    before,
    after: templateState(after),
    resourceVersionBefore: live.resourceVersion,
    resourceVersionAfter: written.resourceVersion,
    ...(res.note ? { message: res.note } : {}),
  });
  return follow(run, view, before, written, res.note);
}

/** Where the live workload stands between the template `before` a write and the one `after` it. */
export async function standing(run: Run, ref: WorkloadRef, after: unknown, before: unknown) {
  const now = await run.ports.cluster.readWorkload(ref);
  if (!now) return { standing: 'missing' as const, resourceVersion: '', value: null };
  const raw = templateOf(now.object)?.raw;
  return {
    standing: sameJson(raw, after)
      ? ('after' as const)
      : sameJson(raw, before)
        ? ('before' as const)
        : ('other' as const),
    resourceVersion: now.resourceVersion,
    value: now,
  };
}

/** Follows the rollout and records verified or failed. */
async function follow(
  run: Run,
  view: StepView,
  before: ObjectState | null,
  written: LiveObject,
  note?: string,
): Promise<{ outcome: StepOutcome; rolloutFailed: boolean }> {
  const step = view.step as PatchStep;
  const r: RolloutResult = await run.ports.cluster.followRollout(refOf(step), written, run.opts.progress);
  const after = templateState(templateOf(written.object)?.raw);
  const details = r.failures.flatMap((f) => [
    `pod ${f.pod}: ${f.reason}`,
    ...f.events.map((e) => `  event: ${e}`),
    ...f.logs.map((l) => `  log: ${l}`),
  ]);
  if (r.status === 'failed' || r.status === 'timeout') {
    await record(run, {
      view,
      action: 'apply',
      status: 'failed',
      before,
      after,
      resourceVersionAfter: written.resourceVersion,
      message: `rollout ${r.status}: ${r.message}`,
    });
    return {
      outcome: outcome(
        view,
        'failed',
        `rollout ${r.status === 'timeout' ? 'timed out' : 'failed'}: ${r.message}`,
        details,
      ),
      rolloutFailed: true,
    };
  }
  await record(run, {
    view,
    action: 'apply',
    status: 'verified',
    before,
    after,
    resourceVersionAfter: written.resourceVersion,
    message: r.message,
  });
  return {
    outcome: outcome(view, 'applied', `${r.message}${note ? ` (${note})` : ''}`, details),
    rolloutFailed: false,
  };
}

/** Restores the template recorded before `applied`; refuses when someone changed it since. */
export async function rollbackWorkloadStep(run: Run, view: StepView, applied: JournalEntry): Promise<StepOutcome> {
  const step = view.step as PatchStep;
  const ref = refOf(step);
  const before = applied.before?.type === 'template' ? applied.before.template : undefined;
  const after = applied.after?.type === 'template' ? applied.after.template : undefined;
  if (before === undefined) return outcome(view, 'failed', 'the journal has no previous template for this step');
  const live = await run.ports.cluster.readWorkload(ref);
  if (!live) return outcome(view, 'failed', `${step.kind} ${step.namespace}/${step.name} does not exist`);
  const t = templateOf(live.object);
  if (!t) return outcome(view, 'failed', 'the object has no pod template');
  if (sameJson(t.raw, before)) {
    if (run.opts.dryRun) return outcome(view, 'alreadyDone', 'the template is already as before the phase');
    await record(run, {
      view,
      action: 'rollback',
      status: 'rolledBack',
      before: templateState(t.raw),
      after: templateState(t.raw),
      message: 'found as before',
      observed: true,
    });
    return outcome(view, 'alreadyDone', 'the template was already as before the phase');
  }
  if (!sameJson(t.raw, after)) {
    const ok = await proceedDespite(
      run,
      `${step.kind} ${step.namespace}/${step.name}: the pod template was changed since podsec patched it; revert anyway?`,
      ['the live template differs from the one recorded after the patch'],
    );
    if (!ok) return outcome(view, 'refused', 'the pod template was changed by someone else since it was patched');
  }
  try {
    await run.ports.cluster.replaceTemplate(ref, t.path, t.raw, before, true);
  } catch (err) {
    return outcome(view, 'failed', `server-side dry-run failed: ${errorText(err)}`);
  }
  if (run.opts.dryRun)
    return outcome(view, 'wouldRollBack', 'would restore the pod template recorded before the patch');
  const cur = templateState(t.raw);
  await record(run, {
    view,
    action: 'rollback',
    status: 'intended',
    before: cur,
    after: templateState(before),
    resourceVersionBefore: live.resourceVersion,
  });
  const res = await checkedWrite({
    resourceVersion: live.resourceVersion,
    write: () => run.ports.cluster.replaceTemplate(ref, t.path, t.raw, before, false),
    standing: () => standing(run, ref, before, t.raw),
  });
  if (res.kind !== 'written') {
    const message = res.kind === 'changed' ? res.message : `write failed: ${errorText(res.error)}`;
    await record(run, { view, action: 'rollback', status: 'failed', before: cur, after: null, message });
    return outcome(view, 'failed', message);
  }
  const back = res.value;
  const now = templateOf(back.object)?.raw;
  await record(run, {
    view,
    action: 'rollback',
    status: 'rolledBack',
    before: cur,
    after: templateState(now),
    resourceVersionAfter: back.resourceVersion,
    ...(res.note ? { message: res.note } : {}),
  });
  const r = await run.ports.cluster.followRollout(ref, back, run.opts.progress);
  return outcome(
    view,
    'rolledBack',
    `restored the previous pod template; ${r.message}${res.note ? ` (${res.note})` : ''}`,
  );
}
