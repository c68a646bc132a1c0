// Step 4: a namespace's workloads and their proposed fixes: accept, skip or edit them (each
// decision re-proposes), gather evidence, run a trial, go to the plan. Pure.

import { workloadKey } from '../inventory/types.js';
import type { WizardEffect } from './effects.js';
import { assertNever, clamp, go, overview, planOf, stay, type Own, type Transition } from './flow.js';
import { answerKey, applyEdit, proposalFor, sessionKey, withSkip, workloadsIn, type Session } from './session.js';
import type { NamespaceState } from './state.js';

/** The workload key under the cursor of a namespace screen. */
export function selectedKey(s: NamespaceState): string | undefined {
  const w = workloadsIn(s.session.inventory, s.namespace)[s.cursor];
  return w === undefined ? undefined : sessionKey(s.session.inventory, w);
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
    answers = withSkip(answers, answerKey(s.session.inventory, k), decision === 'skipped');
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

export function onNamespace(s: NamespaceState, e: Own<'namespace'>): Transition {
  const ws = workloadsIn(s.session.inventory, s.namespace);
  const keyOf = (w: (typeof ws)[number]) => sessionKey(s.session.inventory, w);
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
      const result = applyEdit(
        s.session.answers,
        s.editing,
        key === undefined ? '' : answerKey(s.session.inventory, key),
        s.namespace,
        e.value,
      );
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
      return e.yes ? decide(s, ws.map(keyOf), 'accepted') : stay({ ...s, confirmingAll: false });
    default:
      // Intents below need the keyboard: an open input or question keeps it.
      if (s.editing !== null || s.confirmingAll) return stay(s);
  }
  switch (e.type) {
    case 'move':
      return stay({ ...s, cursor: clamp(s.cursor + e.delta, ws.length) });
    case 'pickWorkload': {
      const i = ws.findIndex((w) => keyOf(w) === e.key || workloadKey(w) === e.key);
      return i < 0 ? stay({ ...s, notice: `no workload ${e.key} in ${s.namespace}` }) : stay({ ...s, cursor: i });
    }
    case 'accept':
    case 'select':
      return key === undefined ? stay(s) : decide(s, [key], 'accepted');
    case 'acceptAll': {
      const review = ws.some((w) => proposalFor(s.session, keyOf(w))?.status === 'review');
      return review ? stay({ ...s, confirmingAll: true, notice: null }) : decide(s, ws.map(keyOf), 'accepted');
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
