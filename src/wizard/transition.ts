// The wizard's transition function: (state, event) -> { state, effects }. Quit and cancel are
// handled here once for every step; each step handles exactly the events protocol.ts says it takes,
// in an exhaustive switch (no silent default). Pure: no I/O, no clock.

import { workloadKey } from '../inventory/types.js';
import { applyBusy, onApply, openApply } from './apply-flow.js';
import type { WizardEffect } from './effects.js';
import type { WizardEvent } from './events.js';
import { assertAccepted, assertAwaits, type OwnEvent } from './protocol.js';
import { applyEdit, namespaceRows, proposalFor, SORT_KEYS, withSkip, workloadsIn, type Session } from './session.js';
import type {
  ClusterState,
  ConfirmQuitState,
  FailedState,
  NamespaceState,
  OverviewState,
  PlanState,
  ScanningState,
  StepName,
  WizardState,
  WrittenState,
} from './state.js';
import { NO_PROGRESS } from './state.js';

export interface Transition {
  state: WizardState;
  effects: WizardEffect[];
}

/** Exhaustiveness guard for switches over unions. */
export function assertNever(x: never): never {
  throw new Error(`unexpected value ${JSON.stringify(x)}`);
}

type Own<S extends StepName> = OwnEvent<S>;

const stay = (state: WizardState): Transition => ({ state, effects: [] });
const go = (state: WizardState, ...effects: WizardEffect[]): Transition => ({ state, effects });
const clamp = (n: number, len: number): number => (len <= 0 ? 0 : Math.max(0, Math.min(len - 1, n)));
const done = (exitCode: number, message: string | null = null): Transition => stay({ step: 'done', exitCode, message });

type Quittable = ConfirmQuitState['previous'];

/** Quit: asks first when there are decisions not yet written to a plan; after a write, the summary stays on screen. */
function quit(state: Quittable): Transition {
  const dirty = 'session' in state && state.session.dirty;
  if (dirty) return stay({ step: 'confirmQuit', previous: state });
  return state.step === 'written' || state.step === 'apply' ? done(0, state.result.report.trimEnd()) : done(0);
}

function overview(session: Session, cursor = 0): OverviewState {
  return { step: 'overview', session, cursor, sort: 'name', filter: '', filtering: false };
}

function picker(outDir: string): Transition {
  return go({ step: 'cluster', contexts: null, cursor: 0, error: null, outDir }, { type: 'loadContexts' });
}

/** The workload key under the cursor of a namespace screen. */
export function selectedKey(s: NamespaceState): string | undefined {
  const w = workloadsIn(s.session.inventory, s.namespace)[s.cursor];
  return w === undefined ? undefined : workloadKey(w);
}

function planOf(session: Session): Transition {
  const state: PlanState = {
    step: 'plan',
    session,
    preview: null,
    writing: false,
    error: null,
    conflict: null,
    dirDraft: null,
  };
  return go(state, {
    type: 'previewPlan',
    inventory: session.inventory,
    answers: session.answers,
    evidence: session.evidence,
  });
}

const propose = (session: Session): WizardEffect => ({
  type: 'propose',
  inventory: session.inventory,
  answers: session.answers,
  evidence: session.evidence,
});

function decide(s: NamespaceState, keys: string[], decision: 'accepted' | 'skipped'): Transition {
  let answers = s.session.answers;
  const decisions = { ...s.session.decisions };
  for (const k of keys) {
    answers = withSkip(answers, k, decision === 'skipped');
    decisions[k] = decision;
  }
  const changed = answers !== s.session.answers;
  const session: Session = { ...s.session, answers, decisions, dirty: true };
  const next: NamespaceState = {
    ...s,
    session,
    notice: null,
    confirmingAll: false,
    cursor: keys.length === 1 ? clamp(s.cursor + 1, workloadsIn(session.inventory, s.namespace).length) : s.cursor,
  };
  return changed ? go({ ...next, busy: 're-proposing' }, propose(session)) : stay(next);
}

function onNamespace(s: NamespaceState, e: Own<'namespace'>): Transition {
  const ws = workloadsIn(s.session.inventory, s.namespace);
  const key = selectedKey(s);
  switch (e.type) {
    // Results first: they arrive whatever the operator is doing.
    case 'evidenceGathered': {
      const evidence =
        e.result.found && !s.session.evidence.includes(e.key)
          ? [...s.session.evidence, e.key].sort()
          : s.session.evidence;
      return stay({
        ...s,
        busy: null,
        notice: e.result.note,
        session: { ...s.session, evidence, proposals: e.proposals, dirty: true },
      });
    }
    case 'evidenceFailed':
      return stay({ ...s, busy: null, notice: `evidence for ${e.key}: ${e.message}` });
    case 'proposalsUpdated':
      return stay({ ...s, busy: null, session: { ...s.session, proposals: e.proposals } });
    case 'proposeFailed':
      return stay({
        ...s,
        busy: null,
        notice: `could not re-propose the fixes: ${e.message} (your decision is kept; the plan step recomputes)`,
      });
    case 'changeEdit':
      return s.editing === null ? stay(s) : stay({ ...s, draft: e.text });
    case 'submitEdit': {
      if (s.editing === null) return stay(s);
      const result = applyEdit(s.session.answers, s.editing, key ?? '', s.namespace, e.value);
      if (typeof result === 'string') return stay({ ...s, notice: result });
      const decisions =
        key !== undefined && s.editing !== 'exemption'
          ? { ...s.session.decisions, [key]: 'edited' as const }
          : s.session.decisions;
      const session: Session = { ...s.session, answers: result, decisions, dirty: true };
      return go({ ...s, session, editing: null, draft: '', busy: 're-proposing', notice: null }, propose(session));
    }
    case 'back':
      if (s.editing !== null) return stay({ ...s, editing: null, draft: '', notice: null });
      if (s.confirmingAll) return stay({ ...s, confirmingAll: false });
      return stay(overview(s.session, s.overviewCursor));
    case 'confirm':
      if (!s.confirmingAll) return stay(s);
      return e.yes ? decide(s, ws.map(workloadKey), 'accepted') : stay({ ...s, confirmingAll: false });
    default:
      // Intents below need the keyboard: an open input or question keeps it.
      if (s.editing !== null || s.confirmingAll) return stay(s);
  }
  switch (e.type) {
    case 'move':
      return stay({ ...s, cursor: clamp(s.cursor + e.delta, ws.length) });
    case 'pickWorkload': {
      const i = ws.findIndex((w) => workloadKey(w) === e.key);
      return i < 0 ? stay({ ...s, notice: `no workload ${e.key} in ${s.namespace}` }) : stay({ ...s, cursor: i });
    }
    case 'accept':
    case 'select':
      return key === undefined ? stay(s) : decide(s, [key], 'accepted');
    case 'acceptAll': {
      const review = ws.some((w) => proposalFor(s.session, workloadKey(w))?.status === 'review');
      return review ? stay({ ...s, confirmingAll: true, notice: null }) : decide(s, ws.map(workloadKey), 'accepted');
    }
    case 'skip':
      return key === undefined ? stay(s) : decide(s, [key], 'skipped');
    case 'startEdit':
      return e.field !== 'exemption' && key === undefined
        ? stay(s)
        : stay({ ...s, editing: e.field, draft: '', notice: null });
    case 'gatherEvidence': {
      if (key === undefined || s.busy !== null) return stay(s);
      const evidence = s.session.evidence.includes(key) ? s.session.evidence : [...s.session.evidence, key].sort();
      return go(
        { ...s, busy: `gathering evidence for ${key}`, notice: null },
        { type: 'gatherEvidence', inventory: s.session.inventory, key, answers: s.session.answers, evidence },
      );
    }
    case 'trialRun': {
      if (key === undefined || s.busy !== null) return stay(s);
      const evidence = s.session.evidence.includes(key) ? s.session.evidence : [...s.session.evidence, key].sort();
      return go(
        { ...s, busy: `trying the fix of ${key} on the cluster (a short-lived copy)`, notice: null },
        { type: 'trialRun', inventory: s.session.inventory, key, answers: s.session.answers, evidence },
      );
    }
    case 'openPlan':
      return planOf(s.session);
    default:
      return assertNever(e);
  }
}

function openNamespace(s: OverviewState, name: string): Transition {
  const rows = namespaceRows(s.session, s.sort, s.filter);
  const i = rows.findIndex((r) => r.name === name);
  if (!s.session.inventory.workloads.some((w) => w.namespace === name) && i < 0) return stay(s);
  return stay({
    step: 'namespace',
    session: s.session,
    namespace: name,
    cursor: 0,
    editing: null,
    draft: '',
    confirmingAll: false,
    busy: null,
    notice: null,
    overviewCursor: Math.max(0, i),
  });
}

function onOverview(s: OverviewState, e: Own<'overview'>): Transition {
  const rows = namespaceRows(s.session, s.sort, s.filter);
  switch (e.type) {
    case 'proposalsUpdated':
      return stay({ ...s, session: { ...s.session, proposals: e.proposals } });
    case 'proposeFailed':
      return stay(s);
    case 'changeFilter':
      return s.filtering ? stay({ ...s, filter: e.text, cursor: 0 }) : stay(s);
    case 'back':
      // Esc clears the filter first; then goes back a step (the context picker for a live cluster).
      if (s.filtering || s.filter !== '') return stay({ ...s, filtering: false, filter: '', cursor: 0 });
      if (s.session.inventory.origin === 'cluster' && !s.session.dirty) return picker(s.session.outDir);
      return quit(s);
    case 'select':
      if (s.filtering) return stay({ ...s, filtering: false });
      return rows[s.cursor] === undefined ? stay(s) : openNamespace(s, rows[s.cursor]?.name ?? '');
    default:
      if (s.filtering) return stay(s);
  }
  switch (e.type) {
    case 'move':
      return stay({ ...s, cursor: clamp(s.cursor + e.delta, rows.length) });
    case 'cycleSort':
      return stay({ ...s, sort: SORT_KEYS[(SORT_KEYS.indexOf(s.sort) + 1) % SORT_KEYS.length] ?? 'name', cursor: 0 });
    case 'startFilter':
      return stay({ ...s, filtering: true });
    case 'openNamespace':
      return openNamespace(s, e.name);
    case 'openPlan':
      return planOf(s.session);
    default:
      return assertNever(e);
  }
}

function write(s: PlanState, overwrite: boolean): Transition {
  const { inventory, answers, evidence, outDir } = s.session;
  return go(
    { ...s, writing: true, error: null, conflict: null, dirDraft: null },
    { type: 'writePlan', inventory, answers, evidence, outDir, overwrite },
  );
}

function onPlan(s: PlanState, e: Own<'plan'>): Transition {
  switch (e.type) {
    case 'planPreviewed':
      return stay({ ...s, preview: e.preview, error: null });
    case 'planPreviewFailed':
      return stay({ ...s, error: `could not build the plan: ${e.message} (enter tries again)` });
    case 'planWritten':
      return stay({ step: 'written', session: { ...s.session, dirty: false }, result: e.result, showApply: false });
    case 'planFailed':
      return stay({ ...s, writing: false, error: e.message, conflict: e.conflict });
    case 'proposalsUpdated':
      return stay({ ...s, session: { ...s.session, proposals: e.proposals } });
    case 'proposeFailed':
      return stay(s);
    case 'changeEdit':
      return s.dirDraft === null ? stay(s) : stay({ ...s, dirDraft: e.text });
    case 'submitEdit': {
      if (s.dirDraft === null) return stay(s);
      const dir = e.value.trim().replace(/\/+$/, '');
      if (dir === '') return stay({ ...s, error: 'type the directory to write the plan to' });
      return write({ ...s, session: { ...s.session, outDir: dir } }, false);
    }
    case 'back':
      if (s.dirDraft !== null) return stay({ ...s, dirDraft: null });
      return s.writing ? stay(s) : stay(overview(s.session));
    default:
      if (s.writing || s.dirDraft !== null) return stay(s);
  }
  switch (e.type) {
    case 'select':
    case 'writePlan':
      // Before the preview is there (or after it failed) enter builds it (again).
      if (s.preview === null && e.type === 'select') return s.error === null ? stay(s) : { ...planOf(s.session) };
      return write(s, false);
    case 'overwritePlan':
      return s.conflict?.canOverwrite === true ? write(s, true) : stay(s);
    case 'changeOutDir':
      return stay({ ...s, dirDraft: s.conflict?.suggestion ?? s.session.outDir, error: null });
    default:
      return assertNever(e);
  }
}

function onCluster(s: ClusterState, e: Own<'cluster'>): Transition {
  const list = s.contexts ?? [];
  switch (e.type) {
    case 'contextsLoaded':
      return stay({
        ...s,
        contexts: e.contexts,
        cursor: Math.max(
          0,
          e.contexts.findIndex((c) => c.current),
        ),
      });
    case 'contextsFailed':
      return stay({
        step: 'failed',
        message: e.message,
        hint: 'check your kubeconfig (--kubeconfig, $KUBECONFIG), or try `podsec demo`',
        outDir: s.outDir,
        canPick: false,
      });
    case 'move':
      return stay({ ...s, cursor: clamp(s.cursor + e.delta, list.length) });
    case 'select': {
      const ctx = list[s.cursor];
      return ctx === undefined ? stay(s) : onCluster(s, { type: 'pickContext', name: ctx.name });
    }
    case 'pickContext': {
      if (!list.some((c) => c.name === e.name))
        return stay({ ...s, error: `the kubeconfig has no context "${e.name}"` });
      return go(
        { step: 'scanning', context: e.name, progress: NO_PROGRESS, outDir: s.outDir, live: true },
        { type: 'scan', context: e.name },
      );
    }
    case 'back':
      return quit(s);
    default:
      return assertNever(e);
  }
}

function onScanning(s: ScanningState, e: Own<'scanning'>): Transition {
  switch (e.type) {
    case 'scanProgressed':
      return stay({ ...s, progress: e.progress });
    case 'scanFailed':
      return stay({ step: 'failed', message: e.message, hint: e.hint, outDir: s.outDir, canPick: s.live });
    case 'scanFinished': {
      const { inventory, proposals, target, version, answers, evidence, verification, verificationNote } = e.result;
      const server = {
        ...(verification !== undefined ? { verification } : {}),
        ...(verificationNote !== undefined ? { verificationNote } : {}),
      };
      return stay(
        overview({
          inventory,
          proposals,
          target,
          version,
          answers,
          decisions: {},
          evidence,
          outDir: s.outDir,
          dirty: false,
          ...server,
        }),
      );
    }
    case 'back':
      // Esc during the scan stops it (the runner aborts it as the step is left), as q does.
      return quit(s);
    default:
      return assertNever(e);
  }
}

function onWritten(s: WrittenState, e: Own<'written'>): Transition {
  switch (e.type) {
    case 'showApply':
      // A live cluster applies here; the demo and manifest files only explain the commands.
      if (s.session.inventory.origin === 'cluster') return openApply(s);
      return s.showApply ? stay(s) : stay({ ...s, showApply: true });
    case 'select':
    case 'back':
      return quit(s);
    default:
      return assertNever(e);
  }
}

function onConfirmQuit(s: ConfirmQuitState, e: Own<'confirmQuit'>): Transition {
  switch (e.type) {
    case 'confirm':
      return e.yes ? done(0, 'quit without writing a plan') : stay(s.previous);
    case 'back':
      return stay(s.previous);
    default:
      return assertNever(e);
  }
}

function onFailed(s: FailedState, e: Own<'failed'>): Transition {
  switch (e.type) {
    case 'back':
      // Back to the context picker when there is one (e.g. after an unreachable context).
      return s.canPick ? picker(s.outDir) : done(1, s.message);
    case 'select':
      return done(1, s.message);
    default:
      return assertNever(e);
  }
}

function route(state: Exclude<WizardState, { step: 'done' }>, e: WizardEvent): Transition {
  // Each step's handler is typed to the events protocol.ts declares for it; transition() has
  // checked the event against that declaration, so these narrowings hold.
  switch (state.step) {
    case 'cluster':
      return onCluster(state, e as Own<'cluster'>);
    case 'scanning':
      return onScanning(state, e as Own<'scanning'>);
    case 'overview':
      return onOverview(state, e as Own<'overview'>);
    case 'namespace':
      return onNamespace(state, e as Own<'namespace'>);
    case 'plan':
      return onPlan(state, e as Own<'plan'>);
    case 'written':
      return onWritten(state, e as Own<'written'>);
    case 'apply':
      return onApply(state, e as Own<'apply'>);
    case 'confirmQuit':
      return onConfirmQuit(state, e as Own<'confirmQuit'>);
    case 'failed':
      return onFailed(state, e as Own<'failed'>);
    default:
      return assertNever(state);
  }
}

/** True while a text input has the keyboard (q and letters are text then). */
export function isTyping(state: WizardState): boolean {
  return (
    (state.step === 'overview' && state.filtering) ||
    (state.step === 'namespace' && state.editing !== null) ||
    (state.step === 'plan' && state.dirDraft !== null)
  );
}

/**
 * The next state and the effects to run, for any state and event. An event the step does not take
 * (protocol.ts) is an InternalError, as is an effect whose results the new step could not take.
 */
export function transition(state: WizardState, e: WizardEvent): Transition {
  assertAccepted(state, e);
  if (state.step === 'done') return stay(state);
  let t: Transition;
  if (e.type === 'cancel') t = done(130, 'cancelled');
  else if (e.type === 'quit') {
    const applying = state.step === 'apply' && applyBusy(state);
    if (state.step === 'confirmQuit' || isTyping(state) || applying) t = stay(state);
    else if (state.step === 'failed') t = done(1, state.message);
    else t = quit(state);
  } else t = route(state, e);
  assertAwaits(t.state, t.effects);
  return t;
}
