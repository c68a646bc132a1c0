// PLAN.md: the plan for humans, rendered from templates/plan/PLAN.md.tmpl and phase.md.tmpl:
// summary, per-namespace and per-workload tables, per-phase checklists with the exact commands,
// verification, risks, decisions. Pure.

import { workloadKey } from '../inventory/types.js';
import { duplicateLines } from '../inventory/duplicates.js';
import { compareLevels } from '../policy/index.js';
import { commentText, kubectlArgs } from './render-scripts.js';
import { shQuote } from './names.js';
import type { Plan, PlanPhase } from './plan-schema.js';
import { renderSourcesMarkdown } from './sources.js';
import { trialHeldReason } from '../trial/records.js';
import { fillTemplate, fillTemplateChunks, joinedChunks, trimEndChunks, type PlanTemplates } from './template.js';

/** Text safe in a Markdown table cell or sentence: no line breaks, no table or markup syntax. */
export function mdText(s: string): string {
  return commentText(s).replace(/[\\`*_{}[\]()#+!|<>~]/g, '\\$&');
}

/** A shell command shown in a fenced block: words quoted only where the shell needs it. */
function cmd(args: string[]): string {
  return [
    'kubectl',
    ...args.map((a) => commentText(a)).map((a) => (/^[A-Za-z0-9._/=:@%+-]+$/.test(a) ? a : shQuote(a))),
  ].join(' ');
}

function renderPhase(plan: Plan, phase: PlanPhase, templates: PlanTemplates): string {
  const checklist: string[] = [];
  if (phase.steps.length === 0)
    checklist.push('Nothing to do in this phase: every namespace is already there or exempt.');
  else {
    checklist.push(`Namespaces: ${phase.namespaces.map(mdText).join(', ')}.`, '');
    checklist.push(`- [ ] Review the files under \`${phase.dir}/\``);
    checklist.push(
      `- [ ] Run \`${phase.apply} --context NAME\` (or \`podsec apply DIR --phase ${phase.id}\`); it runs these, each with \`--dry-run=server\` first:`,
    );
    checklist.push(
      '',
      '```sh',
      ...phase.steps.map((s) =>
        s.type === 'patch' && s.method === 'recreate'
          ? `# recreate (immutable pod template): ${s.file}`
          : cmd(kubectlArgs(s, s.file)),
      ),
      '```',
    );
    checklist.push('', '- [ ] Check the exit criteria below before the next phase');
  }
  return fillTemplate(templates['phase.md.tmpl'], {
    id: phase.id,
    title: phase.title,
    description: phase.description,
    checklist: checklist.join('\n'),
    exitCriteria: phase.exitCriteria.map((c) => `- [ ] ${c}`).join('\n'),
    rollback:
      phase.steps.length === 0
        ? 'nothing to undo.'
        : `\`${phase.rollback} --context NAME\` (or \`podsec rollback DIR --phase ${phase.id}\`) undoes the steps newest first${phase.steps.some((s) => s.type === 'patch') ? ': workload templates get their previous fields back' : ''}${phase.steps.some((s) => s.type === 'labels') ? '; labels go back to what they were (labels that were absent are removed)' : ''}.`,
  });
}

function sourceText(plan: Plan): string {
  if (plan.cluster !== null)
    return `the cluster \`${mdText(plan.cluster.context)}\` (${mdText(plan.cluster.server)}, Kubernetes ${mdText(plan.cluster.serverVersion)})`;
  return plan.origin === 'demo' ? 'the bundled demo estate' : 'manifest files';
}

/** A line of PLAN.md, whole or in pieces. */
type Line = string | Iterable<string>;

/**
 * mdText of an exemption reason without its final '.', a line at a time: a namespace's reason lists
 * every workload that holds it back (megabytes for thousands), and mdText is character-local.
 */
function* reasonChunks(reason: string): Generator<string> {
  const lines = reason.split('\n');
  const last = lines.length - 1;
  lines[last] = (lines[last] ?? '').replace(/\.$/, '');
  yield* joinedChunks(lines, mdText, mdText('\n'));
}

function risks(plan: Plan): Line[] {
  const out: Line[] = [];
  const review = plan.workloads.filter((w) => w.status === 'review' && w.patch !== null);
  if (review.length > 0)
    out.push(
      `- ${review.length} patch(es) change behaviour or need an answer and must be reviewed by the workload owner: ${review.map((w) => mdText(workloadKey(w))).join(', ')}.`,
    );
  for (const line of duplicateLines(plan.duplicates ?? [])) out.push(`- Defined more than once: ${mdText(line)}.`);
  const failed = plan.workloads.filter((w) => w.held !== null && w.trial?.result === 'fail');
  if (failed.length > 0)
    out.push(
      `- ${failed.length} patch(es) failed their trial run on the cluster and are not applied (not by apply.sh, podsec apply or the kustomize components); their namespaces stay below the level they block: ${failed.map((w) => `${mdText(workloadKey(w))} (${mdText(w.trial?.reason ?? '')})`).join(', ')}. Fix the cause (an answer, the image), run \`podsec trial\` again and plan with \`--trials\`.`,
    );
  const held = plan.workloads.filter((w) => w.held !== null && w.trial?.result !== 'fail');
  if (held.length > 0)
    out.push(
      `- ${held.length} patch(es) wait for an answer and are not applied (not by apply.sh, podsec apply or the kustomize components); their namespaces stay at the level they have: ${held.map((w) => mdText(workloadKey(w))).join(', ')}. Answer with \`--answers FILE\` (\`uids:\`) or in the wizard, then plan again.`,
    );
  for (const n of plan.namespaces.filter((x) => x.exemption !== null && !x.system))
    out.push([
      `- Namespace ${mdText(n.name)} stays at ${n.planned} (warn and audit at ${n.target}): `,
      ...reasonChunks(n.exemption?.reason ?? ''),
      '.',
    ]);
  const managed = plan.workloads.filter((w) => w.patch !== null && w.managedBy.some((m) => m.tool !== 'fieldManager'));
  if (managed.length > 0)
    out.push(
      `- Managed by GitOps or Helm (change the source of truth, or the controller reverts the patch): ${managed.map((w) => mdText(workloadKey(w))).join(', ')}.`,
    );
  const init = plan.workloads.filter((w) => w.ownershipInit !== null);
  if (init.length > 0)
    out.push(
      `- Temporary root init containers fix volume ownership in 2-fix and are removed first in 4-enforce-restricted: ${init.map((w) => mdText(workloadKey(w))).join(', ')}.`,
    );
  const recreate = plan.workloads.filter((w) => w.applyMethod === 'recreate');
  if (recreate.length > 0)
    out.push(
      `- Immutable pod templates (recreate from the patched manifest, the scripts skip them): ${recreate.map((w) => mdText(workloadKey(w))).join(', ')}.`,
    );
  out.push(
    '- Patched rollouts restart pods. Non-root processes cannot write root-owned paths in the image: watch the logs for "Permission denied" and "Read-only file system".',
  );
  out.push(
    '- Pods created by other means (operators, CI jobs, `kubectl run`) are not in this plan; the observe phase shows them as warnings and audit events.',
  );
  return out;
}

function decisions(plan: Plan): Line[] {
  const a = plan.decisions.answers;
  const out: Line[] = [
    `- Target: ${plan.target}; policy version \`${plan.policyVersion}\`; soak period ${mdText(plan.soak)}; hardening beyond the level: ${plan.decisions.harden ? 'yes' : 'no'}.`,
  ];
  for (const [ns, t] of Object.entries(a.targets)) out.push(`- Namespace ${mdText(ns)}: target ${t}.`);
  for (const n of plan.namespaces.filter((x) => x.exemption !== null))
    out.push([
      `- Namespace ${mdText(n.name)} exempt at ${n.exemption?.level}: `,
      ...reasonChunks(n.exemption?.reason ?? ''),
      '.',
    ]);
  const by = (k: string) => (a.prefilled.includes(k) ? ' (prefilled by the demo, not an operator answer)' : '');
  for (const [k, v] of Object.entries(a.uids)) out.push(`- UID for ${mdText(k)}: ${v}${by(k)}.`);
  for (const [k, v] of Object.entries(a.gids)) out.push(`- GID for ${mdText(k)}: ${v}${by(k)}.`);
  for (const [k, v] of Object.entries(a.writablePaths))
    out.push(`- Writable paths for ${mdText(k)}: ${v.map(mdText).join(', ')}.`);
  for (const k of a.skip) out.push(`- Skipped: ${mdText(k)}.`);
  out.push(
    '',
    'Give the same answers with `--answers FILE` to reproduce this plan byte for byte (apart from `createdAt` in plan.json).',
  );
  return out;
}

/** PLAN.md for a plan. */
export function renderPlanMarkdown(plan: Plan, templates: PlanTemplates): string {
  return [...planMarkdownChunks(plan, templates)].join('');
}

/**
 * PLAN.md in pieces (a table row, a phase at a time): the text of a plan with 100k workloads is
 * never one string (~120 MB, and a copy per join and fill).
 */
export function* planMarkdownChunks(plan: Plan, templates: PlanTemplates): Generator<string> {
  const s = plan.summary;
  const summary = [
    `- ${s['namespaces'] ?? 0} namespace(s): ${s['namespacesAtTarget'] ?? 0} reach their target, ${s['namespacesExempt'] ?? 0} exempt or held at a lower level.`,
    `- ${s['workloads'] ?? 0} workload(s): ${s['compliant'] ?? 0} compliant, ${s['fixed'] ?? 0} fixed, ${s['review'] ?? 0} to review, ${s['blocked'] ?? 0} blocked, ${s['skipped'] ?? 0} skipped; ${s['patches'] ?? 0} patch file(s).`,
  ].join('\n');
  const workloadByKey = new Map<string, (typeof plan.workloads)[number]>();
  for (const x of plan.workloads) {
    const key = workloadKey(x);
    if (!workloadByKey.has(key)) workloadByKey.set(key, x);
  }
  // A row in pieces: a namespace held by thousands of workloads has a note of megabytes, and mdText
  // escapes character by character, so the note is escaped a workload at a time.
  const nsRow = function* (n: (typeof plan.namespaces)[number]): Generator<string> {
    const held = (key: string) => {
      const w = workloadByKey.get(key);
      if (w !== undefined && w.held !== null) return `${key} (${w.held})`;
      return w !== undefined && w.blockers.length > 0 ? `${key} (${w.blockers.join(', ')})` : key;
    };
    yield `| ${mdText(n.name)} | ${n.current} | ${n.target} | ${n.reachable} | ${n.planned} | `;
    if (n.system) yield 'system namespace';
    else if (
      n.exemption !== null &&
      n.exemption.workloads.length > 0 &&
      compareLevels(n.planned, n.target) < 0 &&
      n.exemption.reason.includes(': ')
    ) {
      yield mdText(`held at ${n.planned} by `);
      yield* joinedChunks(n.exemption.workloads, (key) => mdText(held(key)), mdText(', '));
    } else if (n.exemption !== null) yield mdText(`exempt: ${n.exemption.reason}`);
    yield ' |';
  };
  const wRow = (w: (typeof plan.workloads)[number]): string => {
    const notes = [
      ...(w.skipped !== null ? [w.skipped] : []),
      ...(w.status === 'blocked' ? [`blocked by ${w.blockers.join(', ')}`] : []),
      ...(w.trial === undefined
        ? []
        : w.trial.result === 'fail'
          ? [trialHeldReason(w.trial)]
          : [
              `trial run ${w.trial.result === 'pass' ? 'passed' : 'refused'}: ${w.trial.reason}${w.trial.rounds.length > 0 ? ` (${w.trial.rounds.length} round(s))` : ''}`,
            ]),
      ...w.questions.map((q) => q.prompt),
      ...w.changes.filter((c) => c.behavioural).map((c) => `changes behaviour: ${c.rationale}`),
      ...w.managedBy
        .filter((m) => m.tool !== 'fieldManager')
        .map((m) =>
          w.patch !== null
            ? `managed by ${m.tool} ${m.name}: the live patch will be reverted by ${m.tool}; commit the change to its source`
            : `managed by ${m.tool} ${m.name}`,
        ),
    ];
    return `| ${mdText(workloadKey(w))} | ${w.status} | ${w.patch !== null ? `\`${w.patch}\`` : ''} | ${notes.map(mdText).join('; ')} |`;
  };
  const verification = [
    'For every namespace of the phase:',
    '',
    '```sh',
    ...plan.namespaces
      .filter((n) => n.phases.length > 0)
      .flatMap((n) => [
        cmd(['get', 'pods', '-n', n.name, '-o', 'wide']),
        cmd(['get', 'events', '-n', n.name, '--field-selector', 'type=Warning']),
        cmd([
          'label',
          '--dry-run=server',
          '--overwrite',
          'namespace',
          n.name,
          `pod-security.kubernetes.io/enforce=${n.planned}`,
        ]),
      ]),
    '```',
    '',
    '- pods Running and Ready, restart counts not growing; `kubectl logs` shows no permission errors;',
    '- the server-side dry-run of the enforce label prints no "violate the new PodSecurity enforce level" warning;',
    '- `podsec scan` of the namespace shows every workload at its planned level.',
  ];
  const sources = renderSourcesMarkdown(plan.sources, mdText);
  const body = fillTemplateChunks(templates['PLAN.md.tmpl'], {
    target: plan.target,
    source: sourceText(plan),
    policyVersion: plan.policyVersion,
    summary,
    namespaceTable: () => joinedChunks(plan.namespaces, nsRow),
    workloadTable: () => joinedChunks(plan.workloads, wRow),
    phases: () => joinedChunks(plan.phases, (p) => renderPhase(plan, p, templates)),
    verification: verification.join('\n'),
    risks: () => joinedChunks(risks(plan), (l) => l),
    decisions: () => joinedChunks(decisions(plan), (l) => l),
  });
  if (sources === '') yield* body;
  else {
    yield* trimEndChunks(body);
    yield `\n\n${sources}`;
  }
}
