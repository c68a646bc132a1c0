// Plain-text renderings of the wizard's screens for line mode (and TERM=dumb): no colour, no
// cursor movement. Shell-side formatting over pure data.

import { changeLines, diffLineText, failingChecks, podHealth, statusLabel, templateDiff } from '../wizard/describe.js';
import type { PlanPreview } from '../wizard/ports.js';
import { namespaceRows, proposalFor, sessionKey, workloadsIn, type Session } from '../wizard/session.js';

const pad = (s: string, n: number) => (s.length >= n ? s : s + ' '.repeat(n - s.length));

/** The overview table. */
export function overviewText(s: Session): string {
  const rows = namespaceRows(s);
  const w = Math.max(9, ...rows.map((r) => r.name.length + 2));
  const lines = [`${pad('NAMESPACE', w)}${pad('LABELS', 28)}${pad('PASSES', 12)}${pad('TARGET', 12)}BLOCKERS`];
  for (const r of rows) {
    const name = `${r.name}${r.system ? ' *' : ''}`;
    lines.push(
      `${pad(name, w)}${pad(r.labels, 28)}${pad(r.strictest, 12)}${pad(r.exempted ? 'exempt' : r.recommended, 12)}${r.blockers.join(', ') || '-'}`,
    );
  }
  if (rows.some((r) => r.system)) lines.push('* system namespace (recorded, never relabelled)');
  return `${lines.join('\n')}\n`;
}

/** One namespace: each workload, its failing checks, the proposed diff and value sources. */
export function namespaceText(s: Session, ns: string): string {
  const out: string[] = [`Namespace ${ns}`];
  for (const w of workloadsIn(s.inventory, ns)) {
    const key = sessionKey(s.inventory, w);
    const p = proposalFor(s, key);
    const decision = s.decisions[key];
    out.push('', `${w.kind} ${w.name}: ${statusLabel(p)}${decision !== undefined ? ` (${decision})` : ''}`);
    if (p === undefined) continue;
    const health = podHealth(w);
    if (health !== null) out.push(`  pods: ${health}`);
    for (const f of failingChecks(w, p)) out.push(`  fails ${f.title}: ${f.detail}`);
    if (p.blockedReason !== undefined) out.push(`  blocked: ${p.blockedReason}`);
    for (const l of templateDiff(w.template, p.patchedTemplate)) out.push(`  ${diffLineText(l)}`);
    for (const c of changeLines(p.changes)) out.push(`  value ${c}`);
    for (const q of p.questions) out.push(`  question: ${q.prompt}`);
  }
  return `${out.join('\n')}\n`;
}

/** The plan preview: phases and steps per namespace. */
export function planText(p: PlanPreview, outDir: string): string {
  const out = [`The plan (to be written to ${outDir}):`];
  for (const ph of p.phases) {
    out.push(
      `  ${ph.id} ${ph.title}: ${ph.namespaces.map((n) => `${n.name} (${n.steps})`).join(', ') || 'nothing to do'}`,
    );
  }
  const s = p.summary;
  out.push(
    `  ${s['workloads'] ?? 0} workloads: ${s['compliant'] ?? 0} compliant, ${s['fixed'] ?? 0} fixed, ${s['review'] ?? 0} to review, ${s['blocked'] ?? 0} blocked`,
  );
  return `${out.join('\n')}\n`;
}
