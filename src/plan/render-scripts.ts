// apply.sh / rollback.sh of a phase: kubectl commands for every step, each argument single-quoted,
// server-side dry-run first. No name ever stands where kubectl reads an option: option values are
// attached (`--namespace=NS`, `--patch-file=FILE`) and the object comes after `--` as `kind/name`.
// Each script first checks the SHA-256 of every file it passes to kubectl. Pure.

import { InternalError } from '../errors.js';
import { replaceInvisible } from '../inventory/object-names.js';
import { shQuote } from './names.js';
import type { PlanPhase, PlanStep } from './plan-schema.js';
import { fillTemplate, type PlanTemplates } from './template.js';

const ROLLOUT_KINDS = ['Deployment', 'StatefulSet', 'DaemonSet'];

/** Seconds apply.sh waits for each patched rollout unless the plan says otherwise (podsec apply --timeout's default). */
export const DEFAULT_ROLLOUT_TIMEOUT_SECONDS = 300;

/**
 * One line of text safe inside a `#` comment, a Markdown cell or a terminal: line breaks, control
 * characters and the Unicode bidi/invisible format characters (U+202E ...) become `?`.
 */
export function commentText(s: string): string {
  return replaceInvisible(s, '?');
}

/** The kubectl arguments of a step (without `kubectl`): option values attached, the object after `--`. */
export function kubectlArgs(step: PlanStep, file: string): string[] {
  if (step.type === 'labels')
    return ['patch', '--type=merge', `--patch-file=${file}`, '--', `namespace/${step.namespace}`];
  return [
    'patch',
    `--namespace=${step.namespace}`,
    '--type=strategic',
    `--patch-file=${file}`,
    '--',
    `${step.kind.toLowerCase()}/${step.name}`,
  ];
}

/** The script's check_files function: `<sha256> <path>` for every distinct file it passes to kubectl. */
function checkFiles(
  templates: PlanTemplates,
  command: 'apply' | 'rollback',
  files: readonly string[],
  digests: ReadonlyMap<string, string>,
): string {
  const lines = [...new Set(files)].map((f) => {
    const d = digests.get(f);
    if (d === undefined) throw new InternalError(`no digest for plan file ${f}`);
    return `${d} ${f}`;
  });
  const advice =
    command === 'apply'
      ? 'Regenerate the plan with podsec plan; or review the change and use podsec apply DIR --accept-modified-plan-files'
      : 'podsec rollback DIR restores the recorded state from its journal without these files';
  return fillTemplate(templates['check-files.sh.tmpl'], { digests: lines.join('\n'), advice }).replace(/\n$/, '');
}

function stepLines(step: PlanStep, file: string, applying: boolean): string[] {
  // apply.sh's dry_run takes a gate flag first; rollback.sh's does not.
  const dryRun = applying ? `dry_run ${step.type === 'labels' && step.gated ? 1 : 0}` : 'dry_run';
  const args = kubectlArgs(step, file).map(shQuote).join(' ');
  if (step.type === 'labels') {
    return [`# namespace ${commentText(step.namespace)}: Pod Security labels`, `${dryRun} ${args}`, `kube ${args}`];
  }
  const what = `${step.kind} ${step.name} in namespace ${step.namespace}`;
  if (step.method === 'recreate') {
    const msg = `skipped: ${what} has an immutable pod template; recreate it from its patched manifest (${file})`;
    return [`# ${commentText(what)}: immutable pod template`, `printf '%s\\n' ${shQuote(msg)} >&2`];
  }
  const lines = [`# ${commentText(what)}`, `${dryRun} ${args}`, `kube ${args}`];
  // Every patched rollout is waited for (the plan's timeout) before the next step, as podsec apply does.
  if (applying && ROLLOUT_KINDS.includes(step.kind)) {
    lines.push(`rollout ${shQuote(step.namespace)} ${shQuote(`${step.kind.toLowerCase()}/${step.name}`)}`);
  }
  return lines;
}

/** Files a script passes to kubectl (recreate steps pass none). */
function scriptFiles(steps: readonly PlanStep[], rollback: boolean): string[] {
  return steps
    .filter((s) => s.type === 'labels' || s.method === 'patch')
    .map((s) => (rollback ? s.rollbackFile : s.file));
}

/** The phase's apply.sh; `digests` holds the SHA-256 of every plan file by path. */
export function renderApplyScript(
  phase: PlanPhase,
  templates: PlanTemplates,
  digests: ReadonlyMap<string, string>,
  rolloutTimeoutSeconds = DEFAULT_ROLLOUT_TIMEOUT_SECONDS,
): string {
  const steps = phase.steps.flatMap((s) => [...stepLines(s, s.file, true), '']);
  return fillTemplate(templates['apply.sh.tmpl'], {
    phase: phase.id,
    rolloutTimeout: String(rolloutTimeoutSeconds),
    title: phase.title,
    checkFiles: checkFiles(templates, 'apply', scriptFiles(phase.steps, false), digests),
    steps: steps.length > 0 ? steps.join('\n') : "echo 'nothing to do in this phase' >&2\n",
  });
}

/** The phase's rollback.sh: the inverse of every step, newest first. */
export function renderRollbackScript(
  phase: PlanPhase,
  templates: PlanTemplates,
  digests: ReadonlyMap<string, string>,
): string {
  const steps = [...phase.steps].reverse().flatMap((s) => [...stepLines(s, s.rollbackFile, false), '']);
  return fillTemplate(templates['rollback.sh.tmpl'], {
    phase: phase.id,
    title: phase.title,
    checkFiles: checkFiles(templates, 'rollback', scriptFiles(phase.steps, true), digests),
    steps: steps.length > 0 ? steps.join('\n') : "echo 'nothing to roll back in this phase' >&2\n",
  });
}
