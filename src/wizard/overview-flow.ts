// Step 3: the overview of the namespaces (move, sort, filter, open one, go to the plan). Pure.

import { assertNever, clamp, picker, planOf, quit, stay, type Own, type Transition } from './flow.js';
import { namespaceRows, SORT_KEYS } from './session.js';
import type { OverviewState } from './state.js';

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

export function onOverview(s: OverviewState, e: Own<'overview'>): Transition {
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
