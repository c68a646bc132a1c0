// Step 5: preview the plan, write it (overwrite or choose another directory on a conflict), and
// the written plan's summary, from which a live cluster goes on to Apply (apply-flow.ts). Pure.

import { openApply } from './apply-flow.js';
import { assertNever, go, overview, planOf, quit, stay, type Own, type Transition } from './flow.js';
import type { PlanState, WrittenState } from './state.js';

function write(s: PlanState, overwrite: boolean): Transition {
  const { inventory, answers, evidence, outDir } = s.session;
  return go(
    { ...s, writing: true, error: null, conflict: null, dirDraft: null },
    { type: 'writePlan', inventory, answers, evidence, outDir, overwrite },
  );
}

export function onPlan(s: PlanState, e: Own<'plan'>): Transition {
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
      // A failed preview keeps its error: with no preview and no error the step would wait for a
      // preview that is not coming, and enter would no longer build it again.
      return stay({
        ...s,
        dirDraft: s.conflict?.suggestion ?? s.session.outDir,
        error: s.preview === null ? s.error : null,
      });
    default:
      return assertNever(e);
  }
}

export function onWritten(s: WrittenState, e: Own<'written'>): Transition {
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
