// Shell: line mode (`--line`, TERM=dumb): the same wizard driven by @inquirer/prompts, one
// question per step; Ctrl-C in a prompt cancels the session (exit 130). Ink is never loaded.

import { confirm, input, select } from '@inquirer/prompts';
import { CancelledError, UserError } from '../errors.js';
import { workloadKey } from '../inventory/types.js';
import type { CommandContext } from '../cli/context.js';
import type { IntentEvent } from '../wizard/events.js';
import { driveSession, SessionRunner, type Decider } from '../wizard/runner.js';
import type { WizardPorts, WriteConflict } from '../wizard/ports.js';
import { namespaceRows, sessionKey, workloadsIn } from '../wizard/session.js';
import type { WizardState } from '../wizard/state.js';
import { applyDecision } from './apply-line.js';
import { namespaceText, overviewText, planText } from './text.js';
import { ask } from './ask.js';

/** A decider that asks the operator with inquirer; `print` shows screens. */
export function lineDecider(print: (text: string) => void): Decider {
  const pending: IntentEvent[] = [];
  return async (state: WizardState): Promise<IntentEvent | null> => {
    const queued = pending.shift();
    if (queued !== undefined) return queued;
    const cancel: IntentEvent = { type: 'cancel' };
    switch (state.step) {
      case 'cluster': {
        const list = state.contexts ?? [];
        const current = list.find((c) => c.current)?.name;
        const name = await ask(() =>
          select({
            message: 'Kubeconfig context',
            choices: list.map((c) => ({ name: `${c.name}  ${c.server}`, value: c.name })),
            ...(current !== undefined ? { default: current } : {}),
          }),
        );
        return name === null ? cancel : { type: 'pickContext', name };
      }
      case 'overview': {
        print(overviewText(state.session));
        const rows = namespaceRows(state.session, state.sort, state.filter);
        const choice = await ask(() =>
          select({
            message: 'Review a namespace, or write the plan',
            choices: [
              ...rows.map((r) => ({ name: `namespace ${r.name}`, value: r.name })),
              { name: 'write the plan', value: '\u0000plan' },
              { name: 'quit', value: '\u0000quit' },
            ],
          }),
        );
        if (choice === null) return cancel;
        if (choice === '\u0000plan') return { type: 'openPlan' };
        if (choice === '\u0000quit') return { type: 'quit' };
        return { type: 'openNamespace', name: choice };
      }
      case 'namespace': {
        if (state.notice !== null) print(`${state.notice}\n`);
        if (state.confirmingAll) {
          const yes = await ask(() =>
            confirm({
              message: `Some fixes in ${state.namespace} need review. Accept them all anyway?`,
              default: false,
            }),
          );
          return yes === null ? cancel : { type: 'confirm', yes };
        }
        print(namespaceText(state.session, state.namespace));
        const ws = workloadsIn(state.session.inventory, state.namespace);
        const choice = await ask(() =>
          select({
            message: `Namespace ${state.namespace}`,
            choices: [
              ...ws.map((w, i) => ({ name: `${w.kind} ${w.name}`, value: String(i) })),
              { name: 'accept every fix here', value: 'all' },
              { name: 'exempt this namespace (with a reason)', value: 'exempt' },
              { name: 'back to the overview', value: 'back' },
            ],
          }),
        );
        if (choice === null) return cancel;
        if (choice === 'all') return { type: 'acceptAll' };
        if (choice === 'back') return { type: 'back' };
        if (choice === 'exempt') {
          const reason = await ask(() => input({ message: 'Reason for the exemption (recorded in the plan)' }));
          if (reason === null) return cancel;
          pending.push({ type: 'submitEdit', value: reason });
          return { type: 'startEdit', field: 'exemption' };
        }
        const idx = Number(choice);
        const w = ws[idx];
        const action = await ask(() =>
          select({
            message: `${w?.kind ?? ''} ${w?.name ?? ''}`,
            choices: [
              { name: 'accept the fix', value: 'accept' },
              { name: 'skip it (leave out of the fix phase)', value: 'skip' },
              { name: 'set the UID', value: 'uid' },
              { name: 'set writable paths', value: 'writablePaths' },
              { name: 'gather evidence and re-propose', value: 'evidence' },
            ],
          }),
        );
        if (action === null || w === undefined) return cancel;
        const pick: IntentEvent = { type: 'pickWorkload', key: sessionKey(state.session.inventory, w) };
        if (action === 'accept') pending.push({ type: 'accept' });
        else if (action === 'skip') pending.push({ type: 'skip' });
        else if (action === 'evidence') pending.push({ type: 'gatherEvidence' });
        else {
          const field = action === 'uid' ? 'uid' : 'writablePaths';
          const value = await ask(() =>
            input({
              message: field === 'uid' ? `UID for ${workloadKey(w)}` : 'Paths the program writes (space separated)',
            }),
          );
          if (value === null) return cancel;
          pending.push({ type: 'startEdit', field }, { type: 'submitEdit', value });
        }
        return pick;
      }
      case 'plan': {
        if (state.error !== null) print(`podsec: ${state.error}\n`);
        if (state.conflict !== null) return planConflict(state.conflict, pending);
        if (state.preview !== null) print(planText(state.preview, state.session.outDir));
        const yes = await ask(() => confirm({ message: `Write the plan to ${state.session.outDir}?`, default: true }));
        if (yes === null) return cancel;
        return yes ? { type: 'writePlan' } : { type: 'back' };
      }
      case 'written': {
        print(state.result.report);
        if (state.session.inventory.origin !== 'cluster') return { type: 'select' };
        const now = await ask(() =>
          confirm({ message: 'Apply the plan now (server-side dry run first)?', default: false }),
        );
        if (now === null) return cancel;
        return now ? { type: 'showApply' } : { type: 'select' };
      }
      case 'apply':
        return applyDecision(state, print, pending);
      case 'confirmQuit': {
        const yes = await ask(() =>
          confirm({ message: 'Quit without writing a plan? Your decisions will be lost.', default: false }),
        );
        return yes === null ? cancel : { type: 'confirm', yes };
      }
      case 'failed':
        throw new UserError(state.message, state.hint ?? undefined);
      case 'scanning':
      case 'done':
        return null;
    }
  };
}

/** The output directory is in the way: overwrite it, write to a new one, or go back. */
async function planConflict(c: WriteConflict, pending: IntentEvent[]): Promise<IntentEvent> {
  const choices = [
    { name: `write to ${c.suggestion} (new directory)`, value: 'new' },
    { name: 'write to another directory...', value: 'other' },
    ...(c.canOverwrite ? [{ name: `overwrite the plan in ${c.dir}`, value: 'overwrite' }] : []),
    { name: 'back to the overview', value: 'back' },
  ];
  const choice = await ask(() => select({ message: `${c.dir} is in the way`, choices }));
  if (choice === null) return { type: 'cancel' };
  if (choice === 'overwrite') return { type: 'overwritePlan' };
  if (choice === 'back') return { type: 'back' };
  const dir =
    choice === 'new'
      ? c.suggestion
      : await ask(() => input({ message: 'Directory for the plan', default: c.suggestion }));
  if (dir === null) return { type: 'cancel' };
  pending.push({ type: 'submitEdit', value: dir });
  return { type: 'changeOutDir' };
}

/** Runs the session in line mode; returns the exit code. */
export async function runLine(
  start: WizardState,
  ports: WizardPorts,
  ctx: CommandContext,
  title: string,
): Promise<number> {
  ctx.io.out(`${title}\n`);
  let shown: readonly string[] = [];
  if (start.step === 'scanning') ctx.io.err('scanning...\n');
  const runner = new SessionRunner(start, ports, {
    onState: (s) => {
      if (s.step === 'apply' && s.progress.length > 0 && s.progress !== shown) {
        ctx.io.err(`  ${s.progress[s.progress.length - 1] ?? ''}\n`);
        shown = s.progress;
      }
    },
  });
  const end = await driveSession(
    runner,
    lineDecider((t) => ctx.io.out(t)),
    ctx.signal,
  );
  if (end.step === 'done' && end.exitCode === 130) throw new CancelledError();
  return end.step === 'done' ? end.exitCode : 1;
}
