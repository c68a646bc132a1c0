// Issue 12 "Measured", on the demo estate and the project's own test manifests:
// - no emptyDir is mounted over a directory the catalogue or the probe knows to hold image content
//   (unless an init container seeds it with that content first);
// - every answered UID appears in its patch.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { loadDemoEstate } from '../../src/files/demo.js';
import { readFileInventory } from '../../src/files/read-manifests.js';
import { answersSchema, type Answers } from '../../src/fix/answers.js';
import { matchImage } from '../../src/fix/catalogue.js';
import type { Evidence } from '../../src/fix/evidence.js';
import { proposeFix } from '../../src/fix/propose.js';
import type { FixProposal } from '../../src/fix/types.js';
import { SEED_MOUNT, SEED_PREFIX } from '../../src/fix/writable.js';
import { workloadKey, type Workload } from '../../src/inventory/types.js';
import { demoAnswers, TEMPLATES } from '../plan/helpers.js';
import { loadCatalogue } from './helpers.js';

const catalogue = loadCatalogue();
const ROOT = join(import.meta.dirname, '../..');
type Obj = Record<string, unknown>;
const list = (v: unknown): Obj[] => (Array.isArray(v) ? (v as Obj[]) : []);

interface Case {
  w: Workload;
  evidence: Evidence | undefined;
}
let cases: Case[] = [];

beforeAll(async () => {
  const demo = await loadDemoEstate(TEMPLATES);
  const dirs = [join(ROOT, 'test/fixtures/manifests'), join(ROOT, 'test/fixtures/realworld')];
  const files = await readFileInventory(dirs, { cwd: ROOT });
  cases = [
    ...demo.inventory.workloads.map((w) => ({ w, evidence: demo.evidenceFor(w) })),
    ...files.workloads.map((w) => ({ w, evidence: undefined })),
  ];
});

/** Every emptyDir the fix added that hides image content without a seed: `container: mountPath (why)`. */
function hiddenContent(p: FixProposal, c: Case): string[] {
  const spec = p.patchedTemplate.spec;
  const before = new Set(list(c.w.template.spec['volumes']).map((v) => String(v['name'])));
  const added = new Set(
    list(spec['volumes'])
      .filter((v) => v['emptyDir'] !== undefined && !before.has(String(v['name'])))
      .map((v) => String(v['name'])),
  );
  const seeds = list(spec['initContainers']).filter((i) => String(i['name']).startsWith(SEED_PREFIX));
  const seeded = (vol: string, path: string) =>
    seeds.some(
      (s) =>
        list(s['volumeMounts']).some((m) => m['name'] === vol && m['mountPath'] === SEED_MOUNT) &&
        JSON.stringify(s['command']).includes(`'${path}'/.`),
    );
  const out: string[] = [];
  for (const ctr of list(spec['containers'])) {
    const name = String(ctr['name']);
    const entry = matchImage(catalogue, String(ctr['image']));
    const probe = c.evidence?.containers[name]?.imageContent ?? [];
    for (const m of list(ctr['volumeMounts'])) {
      const vol = String(m['name']);
      const path = String(m['mountPath']);
      if (!added.has(vol)) continue;
      const known = [
        ...(entry?.content ?? []).filter((x) => x === path || x.startsWith(path + '/') || path.startsWith(x + '/')),
        ...probe.filter((x) => x === path),
      ];
      if (known.length > 0 && !seeded(vol, path)) out.push(`${name}: ${path} (${known.join(', ')})`);
    }
  }
  return out;
}

function answersFor(extra: Partial<Answers>): Answers[] {
  return [
    answersSchema.parse({}),
    answersSchema.parse({ harden: true }),
    demoAnswers(),
    answersSchema.parse({ ...extra }),
  ];
}

describe('measured on the demo estate and the test manifests', () => {
  it('reads a corpus with the tomcat case in it', () => {
    expect(cases.length).toBeGreaterThan(40);
    expect(cases.some((c) => workloadKey(c.w) === 'legacy/Deployment/inventory')).toBe(true);
  });

  it('never mounts an emptyDir over image content without seeding it', () => {
    const problems: string[] = [];
    for (const c of cases) {
      for (const answers of answersFor({
        harden: true,
        writablePaths: { [workloadKey(c.w)]: ['/usr/local/tomcat', '/etc/nginx'] },
      })) {
        for (const target of ['baseline', 'restricted'] as const) {
          const p = proposeFix(c.w, { target, version: 'latest', catalogue, evidence: c.evidence, answers });
          problems.push(...hiddenContent(p, c).map((x) => `${workloadKey(c.w)} ${target}: ${x}`));
        }
      }
    }
    expect(problems).toEqual([]);
  });

  it('mounts tomcat logs/, work/ and temp/, never /usr/local/tomcat (the committed demo once hid bin/, lib/, conf/)', () => {
    const c = cases.find((x) => workloadKey(x.w) === 'legacy/Deployment/inventory')!;
    const p = proposeFix(c.w, {
      target: 'restricted',
      version: 'latest',
      catalogue,
      evidence: c.evidence,
      answers: demoAnswers(),
    });
    const mounts = list(list(p.patchedTemplate.spec['containers'])[0]!['volumeMounts']).map((m) => m['mountPath']);
    expect(mounts).toEqual(
      expect.arrayContaining(['/usr/local/tomcat/logs', '/usr/local/tomcat/work', '/usr/local/tomcat/temp']),
    );
    expect(mounts).not.toContain('/usr/local/tomcat');
    expect(p.changes.filter((ch) => /seen failing/.test(ch.rationale))).toEqual([]);
  });

  it('puts every answered UID in the patch', () => {
    const missing: string[] = [];
    let checked = 0;
    for (const c of cases) {
      const key = workloadKey(c.w);
      const answers = answersSchema.parse({ uids: { [key]: 4242 } });
      const p = proposeFix(c.w, { target: 'restricted', version: 'latest', catalogue, evidence: c.evidence, answers });
      if (p.status === 'blocked') continue;
      const spec = p.patchedTemplate.spec;
      if ((spec['os'] as Obj | undefined)?.['name'] === 'windows') continue;
      const pod = (spec['securityContext'] as Obj | undefined) ?? {};
      for (const ctr of [...list(spec['initContainers']), ...list(spec['containers'])]) {
        if (String(ctr['name']).startsWith('podsec-chown')) continue;
        const uid = ((ctr['securityContext'] as Obj | undefined)?.['runAsUser'] ?? pod['runAsUser']) as unknown;
        checked++;
        if (uid !== 4242) missing.push(`${key}/${String(ctr['name'])}: runAsUser ${String(uid)}`);
      }
      expect(JSON.stringify(p.strategicPatch ?? {}), key).toContain('4242');
    }
    expect(checked).toBeGreaterThan(40);
    expect(missing).toEqual([]);
  });

  it('the demo plan carries the demo UIDs into the patches', async () => {
    const a = demoAnswers();
    const demo = await loadDemoEstate(TEMPLATES);
    for (const [key, uid] of Object.entries(a.uids)) {
      const w = demo.inventory.workloads.find((x) => workloadKey(x) === key)!;
      const p = proposeFix(w, {
        target: 'restricted',
        version: 'latest',
        catalogue,
        evidence: demo.evidenceFor(w),
        answers: a,
      });
      expect(JSON.stringify(p.strategicPatch), key).toContain(`"runAsUser":${uid}`);
    }
  });
});

describe('the demo corpus files', () => {
  it('lists the manifests read', () => {
    expect(
      readdirSync(join(ROOT, 'test/fixtures/realworld')).filter((f) => f.endsWith('.yaml')).length,
    ).toBeGreaterThan(5);
  });
});

describe('seeding an emptyDir that would hide image content', () => {
  it('adds an init container (same image, same non-root user, restricted) that copies the content first', async () => {
    const { deployment } = await import('./helpers.js');
    const w = deployment('web', { containers: [{ name: 'web', image: 'nginx:1.27', ports: [{ containerPort: 80 }] }] });
    const answers = answersSchema.parse({
      harden: true,
      writablePaths: { 'shop/Deployment/web': ['/etc/nginx/conf.d'] },
    });
    // proposeFix verifies the patched template (seed included) against restricted, or throws.
    const p = proposeFix(w, { target: 'restricted', version: 'latest', catalogue, answers });
    const seeds = list(p.patchedTemplate.spec['initContainers']);
    expect(seeds).toEqual([
      {
        name: 'podsec-seed-etc-nginx-conf-d',
        image: 'nginx:1.27',
        command: ['sh', '-c', "cp -R '/etc/nginx/conf.d'/. /podsec-seed/"],
        securityContext: {
          allowPrivilegeEscalation: false,
          capabilities: { drop: ['ALL'] },
          runAsNonRoot: true,
          runAsUser: 101,
          runAsGroup: 101,
          seccompProfile: { type: 'RuntimeDefault' },
        },
        volumeMounts: [{ name: 'podsec-etc-nginx-conf-d', mountPath: '/podsec-seed' }],
      },
    ]);
    expect(p.changes.find((c) => c.path === '/spec/initContainers')?.rationale).toMatch(/catalogue nginx/);
  });
});
