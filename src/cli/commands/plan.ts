// `podsec plan`: reads files (-f) or a live cluster, builds the staged migration plan and writes
// it atomically to --out DIR (plan.json, PLAN.md, phase folders). Shell; results on stdout.

import { UsageError, UserError } from '../../errors.js';
import type { Inventory } from '../../inventory/types.js';
import type { Plan } from '../../plan/index.js';
import type { CommandContext } from '../context.js';

const strings = (v: unknown): string[] => (Array.isArray(v) ? v.map(String) : []);
const optString = (v: unknown): string | undefined => (typeof v === 'string' ? v : undefined);

function targetOf(flag: unknown, fromAnswers: 'baseline' | 'restricted' | undefined): 'baseline' | 'restricted' {
  if (flag === undefined) return fromAnswers ?? 'restricted';
  if (flag !== 'baseline' && flag !== 'restricted') throw new UsageError(`--target must be baseline or restricted, not "${String(flag)}"`);
  return flag;
}

async function readInventory(flags: Record<string, unknown>, exempt: string[], ctx: CommandContext): Promise<Inventory> {
  const file = strings(flags['file']);
  if (file.length > 0) {
    const { readFileInventory } = await import('../../files/read-manifests.js');
    return readFileInventory(file, { cwd: ctx.cwd, exempt });
  }
  const { readClusterInventory } = await import('../../cluster/inventory.js');
  const kubeconfig = optString(flags['kubeconfig']);
  const context = optString(flags['context']);
  const inv = await readClusterInventory(
    {
      file: [],
      namespace: strings(flags['namespace']),
      allNamespaces: flags['allNamespaces'] === true,
      ...(kubeconfig !== undefined ? { kubeconfig } : {}),
      ...(context !== undefined ? { context } : {}),
      ...(ctx.io.stderrIsTTY ? { progress: (line: string) => ctx.io.err(`podsec: ${line}\n`) } : {}),
    },
    ctx,
  );
  return { ...inv, namespaces: inv.namespaces.map((n) => (exempt.includes(n.name) ? { ...n, system: true } : n)) };
}

/** The result lines on stdout: where the plan is and what it does per namespace. */
export function planSummaryText(plan: Plan, dir: string): string {
  const lines = [`Wrote the plan to ${dir}/ (PLAN.md, plan.json, ${plan.phases.map((p) => p.id).join(', ')})`, ''];
  const width = Math.max(9, ...plan.namespaces.map((n) => n.name.length));
  lines.push(`${'NAMESPACE'.padEnd(width)}  NOW         PLAN ENDS AT  NOTE`);
  for (const n of plan.namespaces) {
    const note = n.system ? 'system namespace' : n.exemption !== null ? (n.exemption.reason.split('\n')[0] ?? '').slice(0, 80) : '';
    lines.push(`${n.name.padEnd(width)}  ${n.current.padEnd(10)}  ${n.planned.padEnd(12)}  ${note}`.trimEnd());
  }
  const s = plan.summary;
  lines.push('', `${s['workloads'] ?? 0} workloads: ${s['compliant'] ?? 0} compliant, ${s['fixed'] ?? 0} fixed, ${s['review'] ?? 0} to review, ${s['blocked'] ?? 0} blocked.`);
  lines.push(`Next: review ${dir}/PLAN.md, then run ${dir}/1-observe/apply.sh (or podsec apply ${dir}).`);
  return `${lines.join('\n')}\n`;
}

function reportErrors(inventory: Inventory, ctx: CommandContext): void {
  for (const e of inventory.errors) {
    const where = [e.file ?? e.namespace, e.document !== undefined ? `document ${e.document}` : undefined, e.line !== undefined ? `line ${e.line}` : undefined].filter(Boolean).join(', ');
    ctx.io.err(`podsec: ${where}: ${e.message}\n`);
  }
}

/** Runs `podsec plan`; returns the exit code (3 when some inputs could not be read). */
export async function run(flags: Record<string, unknown>, _args: string[], ctx: CommandContext): Promise<number> {
  const { loadAnswersFile } = await import('../../files/answers-file.js');
  const answers = await loadAnswersFile(optString(flags['answers']), ctx.cwd);
  const target = targetOf(flags['target'], answers.target);
  const exempt = strings(flags['exempt']);
  const out = optString(flags['out']) ?? 'plans/podsec';
  const inventory = await readInventory(flags, exempt, ctx);
  const empty = inventory.workloads.length === 0 && inventory.namespaces.length === 0;
  if (empty && inventory.errors.length === 0) throw new UserError('found no namespaces or workloads to plan', 'check the -f paths, or -n/--context for a live cluster');
  if (empty) {
    reportErrors(inventory, ctx);
    ctx.io.err('podsec: nothing could be read, so no plan was written (exit 3)\n');
    return 3;
  }
  const { generatePlan } = await import('../../files/generate-plan.js');
  const { writePlan } = await import('../../files/write-plan.js');
  const { bundle, files } = await generatePlan(inventory, {
    target,
    answers,
    exempt,
    harden: flags['harden'] === true || answers.harden,
    createdAt: ctx.now().toISOString(),
    templatesDir: ctx.templatesDir,
  });
  const { resolve } = await import('node:path');
  await writePlan(resolve(ctx.cwd, out), files, { force: flags['force'] === true });
  ctx.io.out(planSummaryText(bundle.plan, out.replace(/\/+$/, '')));
  if (inventory.errors.length > 0) {
    reportErrors(inventory, ctx);
    ctx.io.err(`podsec: ${inventory.errors.length} input(s) could not be read or parsed; the plan covers the rest (exit 3)\n`);
    return 3;
  }
  return 0;
}
