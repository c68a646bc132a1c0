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
import { withoutInvalidNames } from '../../src/inventory/object-names.js';
import { buildPlan, fillTemplate, PLAN_TEMPLATE_FILES, renderPlanFiles } from '../../src/plan/index.js';
import { loadCatalogue } from '../fix/helpers.js';
import { TEMPLATES } from './helpers.js';

const HOSTILE = [
  '../x',
  'a;rm -rf ~',
  "it's $(touch /tmp/podsec-pwned)",
  'Ünïcødé-名前',
  '`id`',
  'a\nkind: Secret',
  '..',
  'A',
  '--server=https://127.0.0.1:1',
  '-n',
  'vote\u202Eevil',
  'kube-system/secrets/x',
];
const manifest = (ns: string, name: string) => ({
  apiVersion: 'apps/v1',
  kind: 'Deployment',
  metadata: { name, namespace: ns },
  spec: {
    selector: { matchLabels: { a: 'b' } },
    template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'app', image: 'nginx:1.27' }] } },
  },
});

/**
 * Hostile names cannot come into a plan any more (they are input errors, see
 * test/inventory/object-names.test.ts); these tests put them into the inventory behind the
 * reader's back, to show the renderer is safe on its own too (defence in depth).
 */
function hostileInventory() {
  const docs = HOSTILE.flatMap((_, i) => [
    { apiVersion: 'v1', kind: 'Namespace', metadata: { name: `ns${i}`, labels: { team: 'x' } } },
    manifest(`ns${(i + 1) % HOSTILE.length}`, `w${i}`),
  ]);
  const inv = inventoryFromTexts([{ file: 'hostile.yaml', text: docs.map((d) => JSON.stringify(d)).join('\n---\n') }]);
  const real = (n: string) => HOSTILE[Number(n.slice(n.startsWith('ns') ? 2 : 1))]!;
  for (const w of inv.workloads) Object.assign(w, { namespace: real(w.namespace), name: real(w.name) });
  for (const n of inv.namespaces) n.name = real(n.name);
  return inv;
}

async function hostileFiles() {
  const inv = hostileInventory();
  const sha = (s: string) => createHash('sha256').update(s).digest('hex');
  const bundle = buildPlan(inv, {
    target: 'restricted',
    policyVersion: 'v1.37',
    answers: EMPTY_ANSWERS,
    exempt: [],
    harden: false,
    catalogue: loadCatalogue(),
    createdAt: 'T',
    hash: sha,
  });
  return { inv, bundle, files: renderPlanFiles(bundle, await loadPlanTemplates(TEMPLATES)) };
}

describe('hostile names', () => {
  it('are input errors when a plan is made from manifests', () => {
    const inv = withoutInvalidNames(
      inventoryFromTexts([
        { file: 'hostile.yaml', text: HOSTILE.map((n) => JSON.stringify(manifest(n, n))).join('\n---\n') },
      ]),
    );
    expect(inv.workloads).toEqual([]);
    expect(inv.errors).toHaveLength(HOSTILE.length);
  });

  it('gives every file a plain, unique path inside the plan directory', async () => {
    const { inv, bundle, files } = await hostileFiles();
    expect(inv.workloads).toHaveLength(HOSTILE.length);
    const paths = files.map((f) => f.path);
    expect(new Set(paths).size).toBe(paths.length);
    for (const p of paths) expect(p).toMatch(/^([a-z0-9][a-z0-9._-]*\/)*[A-Za-z0-9][A-Za-z0-9._-]*$/);
    expect(bundle.plan.workloads.filter((w) => w.patch !== null)).toHaveLength(HOSTILE.length);
  });

  it('writes scripts that pass every name to kubectl as one argument after `--`, never as an option', async () => {
    const { bundle, files } = await hostileFiles();
    const dir = mkdtempSync(join(tmpdir(), 'podsec-render-'));
    const plan = join(dir, 'plan');
    await writePlan(plan, files);
    // A fake kubectl on PATH records its arguments, NUL-separated, one call per record.
    const bin = join(dir, 'bin');
    mkdirSync(bin);
    const log = join(dir, 'calls');
    writeFileSync(
      join(bin, 'kubectl'),
      `#!/usr/bin/env bash\nprintf '%s\\0' "$@" >> '${log}'\nprintf '\\n' >> '${log}'\n`,
      { mode: 0o755 },
    );
    for (const phase of bundle.plan.phases) {
      execFileSync('bash', [join(plan, phase.apply), '--context', "ctx 'x'"], {
        env: { ...process.env, PATH: `${bin}:${process.env['PATH'] ?? ''}` },
        stdio: 'pipe',
      });
    }
    const all = readFileSync(log, 'utf8')
      .split('\0\n')
      .filter((c) => c !== '')
      .map((c) => c.split('\0'));
    // Every patched Deployment's rollout is waited for, with the name after `--` as well.
    const rollouts = all.filter((c) => c[2] === 'rollout');
    for (const c of rollouts)
      expect(c.slice(0, 6)).toEqual([
        '--context',
        "ctx 'x'",
        'rollout',
        'status',
        expect.stringMatching(/^--namespace=/s),
        '--timeout=300s',
      ]);
    expect(new Set(rollouts.map((c) => c[c.length - 1])).size).toBe(HOSTILE.length);
    const calls = all.filter((c) => c[2] !== 'rollout');
    const target = (c: string[]) => {
      const dash = c.indexOf('--');
      expect(dash, c.join(' ')).toBe(c.length - 2); // exactly one argument after `--`
      return c[dash + 1]!;
    };
    for (const c of calls) {
      expect(c.slice(0, 3)).toEqual(['--context', "ctx 'x'", 'patch']);
      // Before `--` only podsec's own options, values attached: no name can be read as an option.
      for (const a of c.slice(3, c.indexOf('--')))
        expect(a).toMatch(/^--(dry-run=server|type=(merge|strategic)|namespace=.*|patch-file=[a-z0-9][a-z0-9._/-]*)$/s);
    }
    const patchedNamespaces = new Set(
      calls
        .map(target)
        .filter((t) => t.startsWith('namespace/'))
        .map((t) => t.slice('namespace/'.length)),
    );
    expect([...patchedNamespaces].sort()).toEqual([...HOSTILE].sort());
    const patchedWorkloads = new Set(
      calls
        .map(target)
        .filter((t) => t.startsWith('deployment/'))
        .map((t) => t.slice('deployment/'.length)),
    );
    expect([...patchedWorkloads].sort()).toEqual([...HOSTILE].sort());
    // Every change ran as a server-side dry-run first, then for real.
    expect(calls.filter((c) => c[3] === '--dry-run=server')).toHaveLength(calls.length / 2);
    expect(existsSync('/tmp/podsec-pwned')).toBe(false);
  });

  it('keeps names on one line, without bidi controls, in YAML comments, scripts and Markdown tables', async () => {
    const { files } = await hostileFiles();
    for (const f of files.filter((x) => x.path.endsWith('.yaml'))) {
      for (const line of f.contents.split('\n')) expect(line.startsWith('kind: Secret')).toBe(false);
    }
    for (const f of files.filter((x) => x.path.endsWith('.md') || x.path.endsWith('.sh')))
      expect(f.contents, f.path).not.toMatch(/[\u202a-\u202e\u2066-\u2069]/);
    const md = files.find((f) => f.path === 'PLAN.md')!.contents;
    const rows = md
      .split('\n')
      .filter((l) => l.startsWith('| ') && !l.startsWith('| namespace') && !l.startsWith('| workload'));
    for (const r of rows) expect(r.endsWith('|')).toBe(true);
  });
});

describe('templates', () => {
  it('ships every template the renderer names', () => {
    for (const name of PLAN_TEMPLATE_FILES) expect(existsSync(join(TEMPLATES, 'plan', name)), name).toBe(true);
    for (const name of ['demo/estate.yaml', 'demo/evidence.yaml', 'images.yaml'])
      expect(existsSync(join(TEMPLATES, name)), name).toBe(true);
  });

  it('fills placeholders once and refuses unknown ones', () => {
    expect(fillTemplate('a {{x}} b', { x: '{{y}}' })).toBe('a {{y}} b');
    expect(() => fillTemplate('{{missing}}', {})).toThrow(/missing/);
  });
});
