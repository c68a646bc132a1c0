// The wizard's transition function: (state, event) -> { state, effects }. Back, quit and cancel
// are handled here once for every step. Pure: no I/O, no clock.

import { workloadKey } from '../inventory/types.js';
import { applyBusy, onApply, openApply } from './apply-flow.js';
import type { WizardEffect } from './effects.js';
import type { WizardEvent } from './events.js';
import { applyEdit, namespaceRows, SORT_KEYS, withSkip, workloadsIn, type Session } from './session.js';
import type { ConfirmQuitState, NamespaceState, OverviewState, PlanState, WizardState } from './state.js';
import { NO_PROGRESS } from './state.js';

export interface Transition {
  state: WizardState;
  effects: WizardEffect[];
}

/** Exhaustiveness guard for switches over unions. */
export function assertNever(x: never): never {
  throw new Error(`unexpected value ${JSON.stringify(x)}`);
}

const stay = (state: WizardState): Transition => ({ state, effects: [] });
const go = (state: WizardState, ...effects: WizardEffect[]): Transition => ({ state, effects });
const clamp = (n: number, len: number): number => (len <= 0 ? 0 : Math.max(0, Math.min(len - 1, n)));
const done = (exitCode: number, message: string | null = null): Transition => go({ step: 'done', exitCode, message }, { type: 'exit', code: exitCode });

type Quittable = ConfirmQuitState['previous'];

/** Quit: asks first when there are decisions not yet written to a plan. */
function quit(state: Quittable): Transition {
  const dirty = 'session' in state && state.session.dirty;
  if (dirty) return stay({ step: 'confirmQuit', previous: state });
  const end = done(0);
  return state.step === 'scanning' ? { state: end.state, effects: [{ type: 'cancelScan' }, ...end.effects] } : end;
}

function overview(session: Session, cursor = 0): OverviewState {
  return { step: 'overview', session, cursor, sort: 'name', filter: '', filtering: false };
}

/** The workload key under the cursor of a namespace screen. */
export function selectedKey(s: NamespaceState): string | undefined {
  const w = workloadsIn(s.session.inventory, s.namespace)[s.cursor];
  return w === undefined ? undefined : workloadKey(w);
}

function planOf(session: Session): Transition {
  const state: PlanState = { step: 'plan', session, preview: null, writing: false, error: null };
  return go(state, { type: 'previewPlan', inventory: session.inventory, answers: session.answers, evidence: session.evidence });
}

function decide(s: NamespaceState, keys: string[], decision: 'accepted' | 'skipped'): Transition {
  let answers = s.session.answers;
  const decisions = { ...s.session.decisions };
  for (const k of keys) {
    answers = withSkip(answers, k, decision === 'skipped');
    decisions[k] = decision;
  }
  const changed = answers !== s.session.answers;
  const session: Session = { ...s.session, answers, decisions, dirty: true };
  const next: NamespaceState = { ...s, session, notice: null, cursor: keys.length === 1 ? clamp(s.cursor + 1, workloadsIn(session.inventory, s.namespace).length) : s.cursor };
  return changed ? go(next, { type: 'propose', inventory: session.inventory, answers, evidence: session.evidence }) : stay(next);
}

function onNamespace(s: NamespaceState, e: WizardEvent): Transition {
  const ws = workloadsIn(s.session.inventory, s.namespace);
  const key = selectedKey(s);
  if (s.editing !== null) {
    if (e.type === 'back') return stay({ ...s, editing: null, notice: null });
    if (e.type !== 'submitEdit') return e.type === 'cancel' ? done(130, 'cancelled') : stay(s);
    const result = applyEdit(s.session.answers, s.editing, key ?? '', s.namespace, e.value);
    if (typeof result === 'string') return stay({ ...s, notice: result });
    const decisions = key !== undefined && s.editing !== 'exemption' ? { ...s.session.decisions, [key]: 'edited' as const } : s.session.decisions;
    const session: Session = { ...s.session, answers: result, decisions, dirty: true };
    return go({ ...s, session, editing: null, busy: 're-proposing', notice: null }, { type: 'propose', inventory: session.inventory, answers: result, evidence: session.evidence });
  }
  switch (e.type) {
    case 'move':
      return stay({ ...s, cursor: clamp(s.cursor + e.delta, ws.length) });
    case 'back':
      return stay({ ...overview(s.session, s.overviewCursor) });
    case 'accept':
    case 'select':
      return key === undefined ? stay(s) : decide(s, [key], 'accepted');
    case 'acceptAll':
      return decide(s, ws.map((w) => workloadKey(w)), 'accepted');
    case 'skip':
      return key === undefined ? stay(s) : decide(s, [key], 'skipped');
    case 'startEdit':
      return e.field !== 'exemption' && key === undefined ? stay(s) : stay({ ...s, editing: e.field, notice: null });
    case 'gatherEvidence': {
      if (key === undefined || s.busy !== null) return stay(s);
      const evidence = s.session.evidence.includes(key) ? s.session.evidence : [...s.session.evidence, key].sort();
      return go({ ...s, busy: `gathering evidence for ${key}`, notice: null }, { type: 'gatherEvidence', inventory: s.session.inventory, key, answers: s.session.answers, evidence });
    }
    case 'evidenceGathered': {
      const evidence = e.result.found && !s.session.evidence.includes(e.key) ? [...s.session.evidence, e.key].sort() : s.session.evidence;
      return stay({ ...s, busy: null, notice: e.result.note, session: { ...s.session, evidence, proposals: e.proposals, dirty: true } });
    }
    case 'evidenceFailed':
      return stay({ ...s, busy: null, notice: `evidence for ${e.key}: ${e.message}` });
    case 'proposalsUpdated':
      return stay({ ...s, busy: null, session: { ...s.session, proposals: e.proposals } });
    case 'openPlan':
      return planOf(s.session);
    default:
      return stay(s);
  }
}

function onOverview(s: OverviewState, e: WizardEvent): Transition {
  const rows = namespaceRows(s.session, s.sort, s.filter);
  if (s.filtering) {
    if (e.type === 'changeFilter') return stay({ ...s, filter: e.text, cursor: 0 });
    if (e.type === 'select') return stay({ ...s, filtering: false });
    if (e.type === 'back') return stay({ ...s, filtering: false, filter: '', cursor: 0 });
    return e.type === 'cancel' ? done(130, 'cancelled') : stay(s);
  }
  switch (e.type) {
    case 'move':
      return stay({ ...s, cursor: clamp(s.cursor + e.delta, rows.length) });
    case 'cycleSort':
      return stay({ ...s, sort: SORT_KEYS[(SORT_KEYS.indexOf(s.sort) + 1) % SORT_KEYS.length] ?? 'name', cursor: 0 });
    case 'startFilter':
      return stay({ ...s, filtering: true });
    case 'select': {
      const row = rows[s.cursor];
      if (row === undefined) return stay(s);
      return stay({ step: 'namespace', session: s.session, namespace: row.name, cursor: 0, editing: null, busy: null, notice: null, overviewCursor: s.cursor });
    }
    case 'openPlan':
      return planOf(s.session);
    case 'proposalsUpdated':
      return stay({ ...s, session: { ...s.session, proposals: e.proposals } });
    default:
      return stay(s);
  }
}

function onPlan(s: PlanState, e: WizardEvent): Transition {
  switch (e.type) {
    case 'planPreviewed':
      return stay({ ...s, preview: e.preview });
    case 'select':
    case 'writePlan':
      if (s.writing) return stay(s);
      return go({ ...s, writing: true, error: null }, { type: 'writePlan', inventory: s.session.inventory, answers: s.session.answers, evidence: s.session.evidence, outDir: s.session.outDir });
    case 'planWritten':
      return stay({ step: 'written', session: { ...s.session, dirty: false }, result: e.result, showApply: false });
    case 'planFailed':
      return stay({ ...s, writing: false, error: e.message });
    case 'back':
      return s.writing ? stay(s) : stay(overview(s.session));
    default:
      return stay(s);
  }
}

/** The next state and the effects to run, for any state and event. */
export function transition(state: WizardState, e: WizardEvent): Transition {
  if (state.step === 'done') return stay(state);
  if (e.type === 'cancel') {
    const effects: WizardEffect[] = state.step === 'scanning' ? [{ type: 'cancelScan' }] : [];
    return go({ step: 'done', exitCode: 130, message: 'cancelled' }, ...effects, { type: 'exit', code: 130 });
  }
  const typing = (state.step === 'overview' && state.filtering) || (state.step === 'namespace' && state.editing !== null);
  const applying = state.step === 'apply' && applyBusy(state);
  if (e.type === 'quit' && !typing && !applying && state.step !== 'confirmQuit' && state.step !== 'failed') return quit(state);
  switch (state.step) {
    case 'cluster': {
      const list = state.contexts ?? [];
      if (e.type === 'contextsLoaded') return stay({ ...state, contexts: e.contexts, cursor: Math.max(0, e.contexts.findIndex((c) => c.current)) });
      if (e.type === 'contextsFailed') return stay({ step: 'failed', message: e.message, hint: 'check your kubeconfig (--kubeconfig, $KUBECONFIG), or try `podsec demo`' });
      if (e.type === 'move') return stay({ ...state, cursor: clamp(state.cursor + e.delta, list.length) });
      if (e.type === 'select') {
        const ctx = list[state.cursor];
        return ctx === undefined ? stay(state) : go({ step: 'scanning', context: ctx.name, progress: NO_PROGRESS, outDir: state.outDir }, { type: 'scan', context: ctx.name });
      }
      if (e.type === 'back') return quit(state);
      return stay(state);
    }
    case 'scanning':
      if (e.type === 'scanProgressed') return stay({ ...state, progress: e.progress });
      if (e.type === 'scanFailed') return stay({ step: 'failed', message: e.message, hint: e.hint });
      // Esc during the scan cancels it, as q does (nothing is decided yet).
      if (e.type === 'back') return quit(state);
      if (e.type === 'scanFinished') {
        const { inventory, proposals, target, version, answers, evidence } = e.result;
        return stay(overview({ inventory, proposals, target, version, answers, decisions: {}, evidence, outDir: state.outDir, dirty: false }));
      }
      return stay(state);
    case 'overview':
      return e.type === 'back' && !state.filtering ? quit(state) : onOverview(state, e);
    case 'namespace':
      return onNamespace(state, e);
    case 'plan':
      return onPlan(state, e);
    case 'written':
      // A live cluster applies here; the demo and manifest files only explain the commands.
      if (e.type === 'showApply') return state.session.inventory.origin === 'cluster' ? openApply(state) : stay({ ...state, showApply: true });
      if (e.type === 'select' || e.type === 'back') return done(0);
      return stay(state);
    case 'apply':
      return onApply(state, e);
    case 'confirmQuit':
      if (e.type === 'confirm') return e.yes ? done(0, 'quit without writing a plan') : stay(state.previous);
      if (e.type === 'back') return stay(state.previous);
      return stay(state);
    case 'failed':
      return e.type === 'select' || e.type === 'back' || e.type === 'quit' ? done(1, state.message) : stay(state);
    default:
      return assertNever(state);
  }
}
