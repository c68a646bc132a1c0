// The oracle checked against the real thing: generated Pods (the fuzz generator's, engine domain)
// go through `kubectl create --dry-run=server -f -` into namespaces enforcing baseline and
// restricted on the real kube-apiserver, and through the oracle. Every Pod the server admits must
// be allowed by the oracle, every 403 must be the oracle's message byte for byte. Pods the server
// refuses in API validation (422, before admission) are counted and skipped; the oracle does not
// model validation. `--validate=false` because the oracle models a non-strict decode.
import { execFileSync } from 'node:child_process';
import fc from 'fast-check';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  createTestNamespace,
  deleteNamespace,
  kubeConfigFor,
  kubeconfigPath,
  kubectlPath,
  psaLabels,
} from '../harness/env.js';
import { oracleEvaluateSync } from '../helpers/oracle.js';
import { workload } from '../fuzz/arbitraries.js';

const COUNT = 300;
const seed = process.env['PODSEC_FUZZ_SEED'] ? Number(process.env['PODSEC_FUZZ_SEED']) : Date.now() % 2 ** 31;
const LEVELS = ['baseline', 'restricted'] as const;

function kubectlCreate(namespace: string, text: string): { stdout: string; stderr: string } {
  try {
    const stdout = execFileSync(
      kubectlPath(),
      [
        '--kubeconfig',
        kubeconfigPath('admin'),
        'create',
        '--dry-run=server',
        '--validate=false',
        '-n',
        namespace,
        '-f',
        '-',
      ],
      {
        input: text,
        encoding: 'utf8',
        stdio: ['pipe', 'pipe', 'pipe'],
        maxBuffer: 64 << 20,
      },
    );
    return { stdout, stderr: '' };
  } catch (err) {
    const e = err as { stdout?: string; stderr?: string };
    return { stdout: e.stdout ?? '', stderr: e.stderr ?? '' };
  }
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * Takes out what API validation always refuses on create, so most Pods reach admission: ephemeral
 * containers, volumes (most sources have required fields), out-of-range ports; containers get
 * unique names (still ones the generated AppArmor/seccomp annotations name).
 */
function valid(spec: unknown): unknown {
  if (!isObj(spec)) return spec;
  const names = ['c', 'app', 'init', 'dbg', 'a-b'];
  let n = 0;
  const fix = (list: unknown) =>
    Array.isArray(list)
      ? list.filter(isObj).map((c) => ({
          ...c,
          name: names[n++ % names.length]! + (n > names.length ? String(n) : ''),
          ports: Array.isArray(c['ports'])
            ? c['ports'].filter(isObj).map((p, i) => ({
                ...p,
                containerPort: 8000 + i,
                hostPort:
                  typeof p['hostPort'] === 'number' && p['hostPort'] > 0 && p['hostPort'] < 65536 ? 8000 + i : 0,
                protocol: 'TCP',
              }))
            : c['ports'],
        }))
      : list;
  const out: Obj = { ...spec, containers: fix(spec['containers']), initContainers: fix(spec['initContainers']) };
  delete out['ephemeralContainers'];
  delete out['volumes'];
  return out;
}

describe('the oracle agrees with the real kube-apiserver', () => {
  const kc = () => kubeConfigFor('admin');
  const ns: Record<string, string> = {};

  beforeAll(async () => {
    for (const level of LEVELS)
      ns[level] = await createTestNamespace(kc(), { prefix: `oracle-${level}`, labels: psaLabels({ enforce: level }) });
  });
  afterAll(async () => {
    await Promise.all(Object.values(ns).map((n) => deleteNamespace(kc(), n)));
  });

  it(`on ${COUNT} generated Pods at baseline and restricted (seed printed)`, () => {
    const pods = fc.sample(
      workload('engine').filter((o) => o['kind'] === 'Pod'),
      { numRuns: COUNT, seed },
    );
    const texts = pods.map((o, i) =>
      JSON.stringify({
        ...o,
        metadata: { ...(o['metadata'] as object), name: `o-${i}`, generateName: undefined },
        spec: valid(o['spec']),
      }),
    );
    const mismatches: string[] = [];
    let compared = 0;
    let denied = 0;
    let invalid = 0;
    for (const level of LEVELS) {
      const server = kubectlCreate(ns[level]!, texts.join('\n---\n'));
      const outcome = new Map<string, string>();
      for (const m of server.stdout.matchAll(/^pod\/(o-\d+) created/gm)) outcome.set(m[1]!, 'created');
      for (const line of server.stderr.split('\n')) {
        const m = /^Error from server \((\w+)\): error when creating "STDIN": (?:pods|Pod) "(o-\d+)" (.*)$/.exec(line);
        if (m) outcome.set(m[2]!, m[1] === 'Forbidden' ? `pods "${m[2]}" ${m[3]}` : `${m[1]}`);
      }
      const answers = oracleEvaluateSync(texts.map((text) => ({ text, levels: [level], versions: ['latest'] })));
      texts.forEach((_t, i) => {
        const name = `o-${i}`;
        const got = outcome.get(name);
        const r = answers[i]!.docs[0]?.results?.[0];
        if (got === 'Invalid') {
          invalid++;
          return;
        }
        if (got === undefined || r === undefined) {
          mismatches.push(
            `${level} ${name}: server ${got ?? 'no outcome'}, oracle ${JSON.stringify(answers[i])}\n  ${texts[i]}`,
          );
          return;
        }
        compared++;
        if (got !== 'created') denied++;
        const oracle = r.allowed ? 'created' : r.message;
        if (got !== oracle) mismatches.push(`${level} ${name}:\n  server: ${got}\n  oracle: ${oracle}\n  ${texts[i]}`);
      });
    }
    console.log(
      `oracle vs kube-apiserver: seed ${seed}, ${compared} evaluations compared (${denied} denied), ${invalid} refused by API validation first, ${mismatches.length} mismatches`,
    );
    expect(mismatches.slice(0, 10)).toEqual([]);
    expect(compared).toBeGreaterThan(COUNT / 5);
  });
});
