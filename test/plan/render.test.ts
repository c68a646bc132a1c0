// Rendering: hostile names from files cannot escape the plan directory or inject shell, scripts are
// valid bash, every template the code names ships, and placeholders are filled in one pass.
import { execFileSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadPlanTemplates } from '../../src/files/templates.js';
import { writePlan } from '../../src/files/write-plan.js';
import { EMPTY_ANSWERS } from '../../src/fix/index.js';
import { inventoryFromTexts } from '../../src/inventory/manifests.js';
import { buildPlan, fillTemplate, PLAN_TEMPLATE_FILES, renderPlanFiles } from '../../src/plan/index.js';
import { loadCatalogue } from '../fix/helpers.js';
import { TEMPLATES } from './helpers.js';

const HOSTILE = ['../x', 'a;rm -rf ~', "it's $(touch /tmp/podsec-pwned)", 'Ünïcødé-名前', '`id`', 'a\nkind: Secret', '..', 'A'];

function hostileInventory() {
  const docs = HOSTILE.flatMap((n, i) => [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: n, labels: { team: 'x' } } },
    {
      apiVersion: 'apps/v1', kind: 'Deployment', metadata: { name: n, namespace: HOSTILE[(i + 1) % HOSTILE.length] },
      spec: { selector: { matchLabels: { a: 'b' } }, template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } } },
    },
  ]);
  return inventoryFromTexts([{ file: 'hostile.yaml', text: docs.map((d) => JSON.stringify(d)).join('\n---\n') }]);
}

async function hostileFiles() {
  const inv = hostileInventory();
  const sha = (s: string) => createHash('sha256').update(s).digest('hex');
  const bundle = buildPlan(inv, { target: 'restricted', policyVersion: 'v1.37', answers: EMPTY_ANSWERS, exempt: [], harden: false, catalogue: loadCatalogue(), createdAt: 'T', hash: sha });
  return { inv, bundle, files: renderPlanFiles(bundle, await loadPlanTemplates(TEMPLATES)) };
}

describe('hostile names', () => {
  it('gives every file a plain, unique path inside the plan directory', async () => {
    const { inv, bundle, files } = await hostileFiles();
    expect(inv.workloads).toHaveLength(HOSTILE.length);
    const paths = files.map((f) => f.path);
    expect(new Set(paths).size).toBe(paths.length);
    for (const p of paths) expect(p).toMatch(/^([a-z0-9][a-z0-9._-]*\/)*[A-Za-z0-9][A-Za-z0-9._-]*$/);
    expect(bundle.plan.workloads.filter((w) => w.patch !== null)).toHaveLength(HOSTILE.length);
  });

  it('writes scripts that pass every name to kubectl as one intact argument', async () => {
    const { bundle, files } = await hostileFiles();
    const dir = mkdtempSync(join(tmpdir(), 'podsec-render-'));
    const plan = join(dir, 'plan');
    await writePlan(plan, files);
    // A fake kubectl on PATH records its arguments, NUL-separated, one call per record.
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    const log = join(dir, 'calls');
    writeFileSync(join(bin, 'kubectl'), `#!/usr/bin/env bash\nprintf '%s\\0' "$@" >> '${log}'\nprintf '\\n' >> '${log}'\n`, { mode: 0o755 });
    for (const phase of bundle.plan.phases) {
      execFileSync('bash', [join(plan, phase.apply), '--context', "ctx 'x'"], { env: { ...process.env, PATH: `${bin}:${process.env['PATH'] ?? ''}` }, stdio: 'pipe' });
    }
    const calls = readFileSync(log, 'utf8').split('\0\n').filter((c) => c !== '').map((c) => c.split('\0'));
    const patchedNamespaces = new Set(calls.filter((c) => c[2] === 'patch' && c[3] === 'namespace').map((c) => c[4]));
    expect([...patchedNamespaces].sort()).toEqual([...HOSTILE].sort());
    const patchedWorkloads = new Set(calls.filter((c) => c[2] === 'patch' && c[3] === 'deployment').map((c) => c[4]));
    expect([...patchedWorkloads].sort()).toEqual([...HOSTILE].sort());
    for (const c of calls) expect(c.slice(0, 2)).toEqual(['--context', "ctx 'x'"]);
    // Every change ran as a server-side dry-run first, then for real.
    expect(calls.filter((c) => c.at(-1) === '--dry-run=server')).toHaveLength(calls.length / 2);
    expect(existsSync('/tmp/podsec-pwned')).toBe(false);
  });

  it('keeps names on one line in YAML comments and Markdown tables', async () => {
    const { files } = await hostileFiles();
    for (const f of files.filter((x) => x.path.endsWith('.yaml'))) {
      for (const line of f.contents.split('\n')) expect(line.startsWith('kind: Secret')).toBe(false);
    }
    const md = files.find((f) => f.path === 'PLAN.md')!.contents;
    const rows = md.split('\n').filter((l) => l.startsWith('| ') && !l.startsWith('| namespace') && !l.startsWith('| workload'));
    for (const r of rows) expect(r.endsWith('|')).toBe(true);
  });
});

describe('templates', () => {
  it('ships every template the renderer names', () => {
    for (const name of PLAN_TEMPLATE_FILES) expect(existsSync(join(TEMPLATES, 'plan', name)), name).toBe(true);
    for (const name of ['demo/estate.yaml', 'demo/evidence.yaml', 'images.yaml']) expect(existsSync(join(TEMPLATES, name)), name).toBe(true);
  });

  it('fills placeholders once and refuses unknown ones', () => {
    expect(fillTemplate('a {{x}} b', { x: '{{y}}' })).toBe('a {{y}} b');
    expect(() => fillTemplate('{{missing}}', {})).toThrow(/missing/);
  });
});
