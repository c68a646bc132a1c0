// Shell: line mode's Apply step (inquirer): pick a phase and namespaces, review the server-side
// dry run, confirm, see the result; questions from the running phase are inquirer confirms.

import { checkbox, confirm, select } from '@inquirer/prompts';
import { phaseTag, reportLines } from '../wizard/apply-flow.js';
import type { IntentEvent } from '../wizard/events.js';
import type { ApplyState } from '../wizard/state.js';
import { ask } from './ask.js';

/** The operator's next event at the Apply step; `pending` receives follow-up events. */
export async function applyDecision(
  state: ApplyState,
  print: (text: string) => void,
  pending: IntentEvent[],
): Promise<IntentEvent | null> {
  const cancel: IntentEvent = { type: 'cancel' };
  if (state.question !== null) {
    const q = state.question;
    for (const d of q.details) print(`  ${d}\n`);
    const yes = await ask(() => confirm({ message: q.message, default: q.default }));
    return yes === null ? cancel : { type: 'confirm', yes };
  }
  if (state.error !== null) print(`podsec: ${state.error}\n`);
  switch (state.stage) {
    case 'phase': {
      const phases = state.overview?.phases ?? [];
      const next = state.overview?.next ?? null;
      if (next === null) print('Every phase of the plan is applied.\n');
      const tag = (p: (typeof phases)[number]) =>
        phaseTag(p, next) === ''
          ? ''
          : p.done
            ? ' (applied)'
            : ` ${phaseTag(p, next).replace('resuming (interrupted)', '(resuming: interrupted)')}`;
      const choice = await ask(() =>
        select({
          message: 'Apply which phase?',
          choices: [
            ...phases.map((p) => ({ name: `${p.id}  ${p.title}${tag(p)}`, value: p.id })),
            { name: 'quit (apply later with podsec apply)', value: '\u0000quit' },
          ],
          ...(next !== null ? { default: next } : { default: '\u0000quit' }),
        }),
      );
      if (choice === null) return cancel;
      if (choice === '\u0000quit') return { type: 'quit' };
      return { type: 'pickPhase', id: choice };
    }
    case 'namespaces': {
      const all = state.overview?.phases.find((p) => p.id === state.phase)?.namespaces ?? [];
      const picked = await ask(() =>
        checkbox({
          message: `Namespaces of ${state.phase ?? ''}`,
          choices: all.map((n) => ({ name: n, value: n, checked: state.namespaces.includes(n) })),
        }),
      );
      if (picked === null) return cancel;
      if (picked.length === 0) return { type: 'back' };
      pending.push({ type: 'select' });
      return { type: 'setNamespaces', namespaces: picked };
    }
    case 'reviewed': {
      if (state.report !== null) print(`${reportLines(state.report).join('\n')}\n`);
      const yes = await ask(() =>
        confirm({ message: `Apply ${state.phase ?? ''} for real to ${state.namespaces.join(', ')}?`, default: false }),
      );
      return yes === null ? cancel : { type: 'confirm', yes };
    }
    case 'applied': {
      if (state.report !== null) print(`${reportLines(state.report).join('\n')}\n`);
      const more = await ask(() => confirm({ message: 'Apply another phase now?', default: true }));
      if (more === null) return cancel;
      return more ? { type: 'select' } : { type: 'quit' };
    }
    case 'loading':
      return state.error !== null ? { type: 'back' } : null;
    case 'dryRun':
    case 'applying':
      return null;
  }
}
