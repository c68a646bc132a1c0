/**
 * Hostile names and tampered plans on the real control plane, judged by its audit log (issue 13
 * items 5-7): names that would steer a request elsewhere (`kube-system/secrets/...`, `..`,
 * `vote/status`, `--server=https://127.0.0.1:PORT`) through `podsec apply` and through the phase
 * scripts with the real kubectl; patch files edited after planning (image, replicas: 0), a
 * symlink to a kubeconfig, a path outside the plan directory, a NUL byte. Each case asserts: a
 * clean refusal, no crash, no request outside the plan's objects, no Secret or ConfigMap access,
 * no write; and adds itself to the tally (`bad inputs: ...`).
 */
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cpSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import * as net from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { inject } from 'vitest';
import { loadImageCatalogue } from '../../src/files/catalogue.js';
import { renderPlanFiles } from '../../src/plan/render-files.js';
import { buildPlan } from '../../src/plan/build-plan.js';
import { loadPlanTemplates } from '../../src/files/templates.js';
import { writePlan } from '../../src/files/write-plan.js';
import { EMPTY_ANSWERS } from '../../src/fix/index.js';
import { inventoryFromTexts } from '../../src/inventory/manifests.js';
import type { Plan, PlanStep } from '../../src/plan/plan-schema.js';
import { kubeconfigPath, kubeTokens } from '../harness/env.js';
import { podsec, type CliResult } from '../helpers/apply-estate.js';
import { auditNow, auditSince, FaultEstate, recordInput } from './helpers.js';

const ROOT = join(import.meta.dirname, '../..');
const TEMPLATES = join(ROOT, 'templates');
type PatchStep = Extract<PlanStep, { type: 'patch' }>;

let base: string;
let estate: FaultEstate;
/** A loopback listener standing in for an attacker's API server: it must never see a connection. */
let decoy: net.Server;
let decoyPort = 0;
let decoyHits = 0;

beforeAll(async () => {
  base = mkdtempSync(join(tmpdir(), 'podsec-hostile-'));
  estate = await FaultEstate.create(join(base, 'plan'), ['shop']);
  decoy = net.createServer((s) => {
    decoyHits++;
    s.destroy();
  });
  await new Promise<void>((r) => decoy.listen(0, '127.0.0.1', r));
  decoyPort = (decoy.address() as net.AddressInfo).port;
}, 240_000);

afterAll(async () => {
  await new Promise<void>((r) => decoy.close(() => r()));
  rmSync(base, { recursive: true, force: true });
});

interface Judged {
  /** podsec and kubectl requests since the case began. */
  requests: number;
  /** Of those: outside the plan's namespaces/objects, to Secrets/ConfigMaps, or to a subresource. */
  outside: string[];
  /** Non-dry-run writes. */
  writes: string[];
  /** PATCH requests of any kind (dry-run included): a tampered file's content never goes out. */
  patches: number;
}

/** What the audit log shows of podsec's and kubectl's requests since `since`. */
function judge(since: number, plan: Plan): Judged {
  const namespaces = new Set(plan.namespaces.map((n) => n.name));
  const objects = new Set(plan.workloads.map((w) => `${w.namespace}/${w.name}`));
  const events = auditSince(since).filter(
    (e) => /^(podsec|kubectl)/.test(e.userAgent ?? '') && !/^podsec-(faults|seed)/.test(e.userAgent ?? ''),
  );
  const outside: string[] = [];
  for (const e of events) {
    const o = e.objectRef;
    const what = `${e.verb} ${e.requestURI}`;
    if (!o?.resource) continue; // discovery, /version
    if (['secrets', 'configmaps'].includes(o.resource)) outside.push(what);
    else if (o.resource === 'namespaces' && o.name !== undefined && !namespaces.has(o.name)) outside.push(what);
    else if (o.namespace !== undefined && !namespaces.has(o.namespace)) outside.push(what);
    else if (o.subresource !== undefined && o.subresource !== 'log') outside.push(what);
    else if (
      ['deployments', 'statefulsets', 'daemonsets', 'cronjobs', 'jobs', 'replicasets'].includes(o.resource) &&
      o.name !== undefined &&
      o.namespace !== undefined &&
      !objects.has(`${o.namespace}/${o.name}`)
    )
      outside.push(what);
  }
  const writes = events
    .filter(
      (e) =>
        ['patch', 'update', 'create', 'delete'].includes(e.verb ?? '') &&
        !/[?&]dryRun=/.test(e.requestURI ?? '') &&
        !/selfsubject/.test(e.objectRef?.resource ?? ''),
    )
    .map((e) => `${e.verb} ${e.requestURI}`);
  return { requests: events.length, outside, writes, patches: events.filter((e) => e.verb === 'patch').length };
}

/** A fresh copy of the planned directory. */
function copyPlan(name: string): string {
  const dir = join(base, name);
  cpSync(estate.dir, dir, { recursive: true });
  rmSync(join(dir, 'journal.jsonl'), { force: true });
  return dir;
}

const crashed = (r: CliResult) => r.code === 70 || /\n\s+at .+:\d+:\d+/.test(r.stderr);

function fixStep(plan: Plan): PatchStep {
  const s = plan.phases
    .find((p) => p.id === '2-fix')
    ?.steps.find((x): x is PatchStep => x.type === 'patch' && x.kind === 'Deployment' && x.method === 'patch');
  if (!s) throw new Error('the shop plan has no Deployment fix step');
  return s;
}

const HOSTILE_NAMES = (port: number) => [
  { field: 'namespace', value: 'kube-system/secrets/podsec-canary' },
  { field: 'namespace', value: '..' },
  { field: 'name', value: 'vote/status' },
  { field: 'name', value: `--server=https://127.0.0.1:${port}` },
  { field: 'name', value: 'vote\u202Eevil' },
];

describe('hostile names through podsec apply (a hand-edited plan.json)', () => {
  it('refuses each before any request: no Secret, no other object, no subresource', async () => {
    for (const h of HOSTILE_NAMES(decoyPort)) {
      const dir = copyPlan(`names-${createHash('sha256').update(h.value).digest('hex').slice(0, 8)}`);
      const plan = JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')) as Plan;
      const step = fixStep(plan);
      const idx = plan.phases.find((p) => p.id === '2-fix')!.steps.indexOf(step);
      const edited = structuredClone(plan);
      (edited.phases.find((p) => p.id === '2-fix')!.steps[idx] as Record<string, unknown>)[h.field] = h.value;
      writeFileSync(join(dir, 'plan.json'), JSON.stringify(edited, null, 2));
      const since = auditNow();
      const r = await podsec(
        ['apply', dir, '--phase', '2-fix', '--force', '--yes', '--wait', 'admitted', '--timeout', '30'],
        kubeconfigPath(),
      );
      const j = judge(since, plan);
      const clean =
        r.code === 1 && /is not a valid plan: .*not a valid (namespace|Deployment) name/.test(r.stderr) && !crashed(r);
      recordInput({
        group: 'hostile names (podsec apply)',
        name: `${h.field} ${JSON.stringify(h.value)}`,
        clean,
        crashed: crashed(r),
        hung: false,
        outside: j.outside.length + decoyHits,
      });
      expect(r.stderr).toMatch(/not a valid (namespace|Deployment) name/);
      expect(r.code).toBe(1);
      expect(j.outside).toEqual([]);
      expect(j.writes).toEqual([]);
      expect(j.requests).toBe(0);
    }
    expect(decoyHits).toBe(0);
  }, 120_000);

  it('refuses hostile names in manifests at plan time (input errors, exit 3)', async () => {
    const docs = HOSTILE_NAMES(decoyPort).map((h) =>
      JSON.stringify({
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: {
          name: h.field === 'name' ? h.value : 'vote',
          namespace: h.field === 'namespace' ? h.value : 'shop',
        },
        spec: {
          selector: { matchLabels: { a: 'b' } },
          template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } },
        },
      }),
    );
    const file = join(base, 'hostile.yaml');
    writeFileSync(file, docs.join('\n---\n'));
    const r = await podsec(
      ['plan', '-f', file, '--out', join(base, 'hostile-plan'), '--non-interactive'],
      kubeconfigPath(),
    );
    const errors = r.stderr.split('\n').filter((l) => /is not a valid (namespace|Deployment) name/.test(l));
    recordInput({
      group: 'hostile names (manifests)',
      name: `${docs.length} hostile documents`,
      clean: r.code === 3 && errors.length === docs.length,
      crashed: crashed(r),
      hung: false,
      outside: 0,
    });
    expect(r.code).toBe(3);
    expect(errors).toHaveLength(docs.length);
    expect(r.stderr).not.toMatch(/\u202E/);
  }, 60_000);
});

describe('hostile names through apply.sh (real kubectl; names put in behind the validator)', () => {
  it('never passes a name where kubectl reads an option, and reaches no Secret or other server', async () => {
    const catalogue = await loadImageCatalogue(TEMPLATES);
    const templates = await loadPlanTemplates(TEMPLATES);
    const sha = (s: string) => createHash('sha256').update(s).digest('hex');
    const shop = estate.plan.namespaces[0]!.name;
    for (const h of HOSTILE_NAMES(decoyPort)) {
      const doc = {
        apiVersion: 'apps/v1',
        kind: 'Deployment',
        metadata: { name: 'vote', namespace: shop },
        spec: {
          selector: { matchLabels: { a: 'b' } },
          template: { metadata: { labels: { a: 'b' } }, spec: { containers: [{ name: 'c', image: 'nginx:1.27' }] } },
        },
      };
      const inv = inventoryFromTexts([{ file: 'x.yaml', text: JSON.stringify(doc) }]);
      const w = inv.workloads[0]!;
      if (h.field === 'name') w.name = h.value;
      else {
        w.namespace = h.value;
        inv.namespaces[0]!.name = h.value;
      }
      const bundle = buildPlan(inv, {
        target: 'restricted',
        policyVersion: 'v1.35',
        answers: EMPTY_ANSWERS,
        exempt: [],
        harden: false,
        catalogue,
        createdAt: 'T',
        hash: sha,
      });
      const dir = join(base, `sh-${sha(h.value).slice(0, 8)}`);
      await writePlan(dir, renderPlanFiles(bundle, templates));
      const since = auditNow();
      for (const phase of ['1-observe', '2-fix']) {
        const script = bundle.plan.phases.find((p) => p.id === phase)!.apply;
        const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
          execFile(
            'bash',
            [join(dir, script)],
            {
              env: {
                ...process.env,
                KUBECONFIG: kubeconfigPath(),
                PATH: `${inject('kubeBinDir')}:${process.env['PATH'] ?? ''}`,
              },
              timeout: 60_000,
            },
            (err, _out, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr }),
          );
        });
        // kubectl refuses or the API server answers 404/400 for the bad name: never a request elsewhere.
        expect(r.stderr, `${phase} ${h.value}`).not.toMatch(
          /Unable to connect to the server.*127\.0\.0\.1:\d+|command not found/,
        );
        if (phase === '2-fix') {
          expect(r.code, r.stderr).not.toBe(0);
          expect(r.stderr).toMatch(/error/i);
        }
      }
      const j = judge(since, {
        ...estate.plan,
        namespaces: [...estate.plan.namespaces, { ...estate.plan.namespaces[0]!, name: shop }],
      });
      const secretish = auditSince(since).filter(
        (e) =>
          ['secrets', 'configmaps'].includes(e.objectRef?.resource ?? '') ||
          /\/secrets\b|\/configmaps\b/.test(e.requestURI ?? ''),
      );
      recordInput({
        group: 'hostile names (apply.sh)',
        name: `${h.field} ${JSON.stringify(h.value)}`,
        clean: secretish.length === 0 && decoyHits === 0,
        crashed: false,
        hung: false,
        outside: secretish.length + decoyHits + j.writes.filter((x) => !x.includes(`/namespaces/${shop}`)).length,
      });
      expect(secretish).toEqual([]);
      expect(decoyHits).toBe(0);
      expect(j.writes.filter((x) => !x.includes(`/namespaces/${shop}`))).toEqual([]);
    }
  }, 240_000);
});

describe('tampered plan files', () => {
  const cases: { name: string; flags: string[]; tamper: (dir: string, step: PatchStep) => void; expect: RegExp }[] = [
    {
      name: 'image changed after planning',
      flags: [],
      tamper: (dir, s) =>
        writeFileSync(
          join(dir, s.file),
          readFileSync(join(dir, s.file), 'utf8').replace(
            /(\n\s+- name: [^\n]+\n)/,
            '$1          image: evil.example/miner\n',
          ),
        ),
      expect: /refused .*was changed after podsec plan wrote it/,
    },
    {
      name: 'replicas: 0 added after planning',
      flags: [],
      tamper: (dir, s) =>
        writeFileSync(
          join(dir, s.file),
          readFileSync(join(dir, s.file), 'utf8').replace('\nspec:\n', '\nspec:\n  replicas: 0\n'),
        ),
      expect: /refused .*was changed after podsec plan wrote it/,
    },
    {
      name: 'image changed, with --accept-modified-plan-files',
      flags: ['--accept-modified-plan-files'],
      tamper: (dir, s) =>
        writeFileSync(
          join(dir, s.file),
          readFileSync(join(dir, s.file), 'utf8').replace(
            /(\n\s+- name: [^\n]+\n)/,
            '$1          image: evil.example/miner\n',
          ),
        ),
      expect: /refused .*changes more than the pod template's security settings[\s\S]*image: outside/,
    },
    {
      name: 'replicas: 0, with --accept-modified-plan-files',
      flags: ['--accept-modified-plan-files'],
      tamper: (dir, s) =>
        writeFileSync(
          join(dir, s.file),
          readFileSync(join(dir, s.file), 'utf8').replace('\nspec:\n', '\nspec:\n  replicas: 0\n'),
        ),
      expect: /refused .*changes more than[\s\S]*spec\.replicas: outside the pod template/,
    },
    {
      name: 'patch file is a symlink to a kubeconfig',
      flags: ['--accept-modified-plan-files'],
      tamper: (dir, s) => {
        rmSync(join(dir, s.file));
        symlinkSync(kubeconfigPath(), join(dir, s.file));
      },
      expect: /refused .*it is a symlink/,
    },
    {
      name: 'step file outside the plan directory (plan.json edited)',
      flags: ['--accept-modified-plan-files'],
      tamper: (dir, s) => {
        const text = readFileSync(join(dir, 'plan.json'), 'utf8');
        writeFileSync(
          join(dir, 'plan.json'),
          text.replace(`"file": ${JSON.stringify(s.file)}`, `"file": "../../${s.file.split('/').at(-1)}"`),
        );
      },
      expect: /not a valid plan: .*must be a relative path inside the plan directory/,
    },
    {
      name: 'NUL byte in a step path (plan.json edited)',
      flags: ['--accept-modified-plan-files'],
      tamper: (dir, s) => {
        const text = readFileSync(join(dir, 'plan.json'), 'utf8');
        writeFileSync(
          join(dir, 'plan.json'),
          text.replace(`"file": ${JSON.stringify(s.file)}`, `"file": ${JSON.stringify(`${s.file}\u0000x`)}`),
        );
      },
      expect: /not a valid plan: .*must be a relative path inside the plan directory/,
    },
    {
      name: 'patch file deleted',
      flags: [],
      tamper: (dir, s) => rmSync(join(dir, s.file)),
      expect: /refused .*is missing/,
    },
    {
      name: 'patch file is an alias bomb',
      flags: ['--accept-modified-plan-files'],
      tamper: (dir, s) =>
        writeFileSync(
          join(dir, s.file),
          [
            'a: &a [x,x,x,x,x,x,x,x,x]',
            ...'bcdefgh'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(',')}]`),
          ].join('\n'),
        ),
      expect: /refused .*is not valid YAML/,
    },
  ];

  for (const c of cases) {
    it(`${c.name}: refused with the report printed, nothing written, no PATCH sent`, async () => {
      const dir = copyPlan(`tamper-${c.name.replace(/[^a-z0-9]+/gi, '-')}`);
      const step = fixStep(estate.plan);
      c.tamper(dir, step);
      const since = auditNow();
      const r = await podsec(
        ['apply', dir, '--phase', '2-fix', '--force', '--yes', '--wait', 'admitted', '--timeout', '30', ...c.flags],
        kubeconfigPath(),
      );
      const j = judge(since, estate.plan);
      const out = `${r.stdout}\n${r.stderr}`;
      const clean = r.code === 1 && c.expect.test(out) && !crashed(r);
      recordInput({
        group: 'tampered plan files (podsec apply)',
        name: c.name,
        clean,
        crashed: crashed(r),
        hung: false,
        outside: j.outside.length,
      });
      expect(out).toMatch(c.expect);
      expect(r.code).toBe(1);
      expect(crashed(r)).toBe(false);
      expect(j.writes).toEqual([]);
      expect(j.patches).toBe(0);
      expect(j.outside).toEqual([]);
      expect(out).not.toContain(kubeTokens().admin);
    }, 60_000);
  }

  it('an edited patch file stops apply.sh before kubectl runs', async () => {
    const dir = copyPlan('tamper-script');
    const step = fixStep(estate.plan);
    writeFileSync(
      join(dir, step.file),
      readFileSync(join(dir, step.file), 'utf8').replace('\nspec:\n', '\nspec:\n  replicas: 0\n'),
    );
    const since = auditNow();
    const r = await new Promise<{ code: number | null; stderr: string }>((resolve) => {
      execFile(
        'bash',
        [join(dir, '2-fix/apply.sh')],
        {
          env: {
            ...process.env,
            KUBECONFIG: kubeconfigPath(),
            PATH: `${inject('kubeBinDir')}:${process.env['PATH'] ?? ''}`,
          },
          timeout: 60_000,
        },
        (err, _o, stderr) => resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stderr }),
      );
    });
    const j = judge(since, estate.plan);
    const clean =
      r.code === 1 && r.stderr.includes(`refusing: ${step.file} changed since the plan was made`) && j.requests === 0;
    recordInput({
      group: 'tampered plan files (apply.sh)',
      name: 'replicas: 0 added after planning',
      clean,
      crashed: false,
      hung: false,
      outside: j.outside.length,
    });
    expect(r.stderr).toContain(`refusing: ${step.file} changed since the plan was made`);
    expect(r.code).toBe(1);
    expect(j.requests).toBe(0);
  }, 60_000);
});
