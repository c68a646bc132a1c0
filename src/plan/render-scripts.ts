// apply.sh / rollback.sh of a phase: kubectl commands for every step, each argument single-quoted,
// server-side dry-run first. Pure: template text in, script text out.

import { shQuote } from './names.js';
import type { PlanPhase, PlanStep } from './plan-schema.js';
import { fillTemplate, type PlanTemplates } from './template.js';

const ROLLOUT_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet'];

/** One line of text safe inside a `#` comment (no line breaks or control characters). */
export function commentText(s: string): string {
  return s.replace(/[\u0000-\u001f\u007f\u0085\u2028\u2029]/g, '?');
}

function stepLines(step: PlanStep, file: string, applying: boolean): string[] {
  // apply.sh's dry_run takes a gate flag first; rollback.sh's does not.
  const dryRun = applying ? `dry_run ${step.type === 'labels' && step.gated ? 1 : 0}` : 'dry_run';
  if (step.type === 'labels') {
    const args = ['patch', 'namespace', step.namespace, '--type', 'merge', '--patch-file', file].map(shQuote).join(' ');
    return [`# namespace ${commentText(step.namespace)}: Pod Security labels`, `${dryRun} ${args}`, `kube ${args}`];
  }
  const what = `${step.kind} ${step.name} in namespace ${step.namespace}`;
  if (step.method === 'recreate') {
    const msg = `skipped: ${what} has an immutable pod template; recreate it from its patched manifest (${file})`;
    return [`# ${commentText(what)}: immutable pod template`, `printf '%s\\n' ${shQuote(msg)} >&2`];
  }
  const args = ['patch', step.kind.toLowerCase(), step.name, '-n', step.namespace, '--type', 'strategic', '--patch-file', file].map(shQuote).join(' ');
  const lines = [`# ${commentText(what)}`, `${dryRun} ${args}`, `kube ${args}`];
  if (applying && step.purpose === 'removeOwnershipInit' && ROLLOUT_KINDS.includes(step.kind)) {
    lines.push(`kube ${['rollout', 'status', `${step.kind.toLowerCase()}/${step.name}`, '-n', step.namespace, '--timeout=10m'].map(shQuote).join(' ')}`);
  }
  return lines;
}

/** The phase's apply.sh. */
export function renderApplyScript(phase: PlanPhase, templates: PlanTemplates): string {
  const steps = phase.steps.flatMap((s) => [...stepLines(s, s.file, true), '']);
  return fillTemplate(templates['apply.sh.tmpl'], {
    phase: phase.id,
    title: phase.title,
    steps: steps.length > 0 ? steps.join('\n') : "echo 'nothing to do in this phase' >&2\n",
  });
}

/** The phase's rollback.sh: the inverse of every step, newest first. */
export function renderRollbackScript(phase: PlanPhase, templates: PlanTemplates): string {
  const steps = [...phase.steps].reverse().flatMap((s) => [...stepLines(s, s.rollbackFile, false), '']);
  return fillTemplate(templates['rollback.sh.tmpl'], {
    phase: phase.id,
    title: phase.title,
    steps: steps.length > 0 ? steps.join('\n') : "echo 'nothing to roll back in this phase' >&2\n",
  });
}
