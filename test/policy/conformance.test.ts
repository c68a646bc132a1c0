// Every upstream PSA conformance fixture (4,537 pods, from the Go module k8s.io/pod-security-admission
// at the pinned release) read as `scan -f` reads it and evaluated by podsec:
// - at its own level and version: the verdict its folder promises, the responsible check among the
//   failing ones and the upstream test's substring in the message (upstream fixtures_test.go rules);
// - at every level and every version (v1.0 ... v1.37, latest, v1.99): verdict, failing checks and
//   the full 403 message identical to the oracle's (the upstream evaluator and admission wording).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { psaFixturesDir } from '../helpers/corpora.js';
import { ALL_VERSIONS, compareWithOracle, LEVELS } from '../helpers/differential.js';
import { oracleEvaluateSync, type OracleResponse } from '../helpers/oracle.js';
import { parseManifests } from '../../src/inventory/manifests.js';
import { evaluatePod, type Level } from '../../src/policy/index.js';

interface Fixture {
  file: string;
  level: Level;
  version: string;
  expect: 'pass' | 'fail';
  stem: string;
  text: string;
}

/**
 * Some fixture pods are named like `capabilities_baseline0`, which the API server rejects (422,
 * before admission) and podsec reports as an input error; podsec and the oracle both get the
 * fixture with `_` in metadata.name replaced by `-`. Nothing else changes.
 */
function apiName(text: string): string {
  return text.replace(/^( {2}name: )(\S+)$/m, (_m, head: string, name: string) => head + name.replaceAll('_', '-'));
}

function fixtures(root: string): Fixture[] {
  const out: Fixture[] = [];
  for (const level of ['baseline', 'restricted'] as const) {
    for (const version of readdirSync(join(root, level)).sort()) {
      for (const outcome of ['pass', 'fail'] as const) {
        const dir = join(root, level, version, outcome);
        for (const f of readdirSync(dir)
          .filter((x) => x.endsWith('.yaml'))
          .sort()) {
          const file = `${level}/${version}/${outcome}/${f}`;
          out.push({
            file,
            level,
            version,
            expect: outcome,
            stem: f.replace(/\d*\.yaml$/, ''),
            text: apiName(readFileSync(join(dir, f), 'utf8')),
          });
        }
      }
    }
  }
  return out;
}

const CHECK_BY_STEM: Record<string, string> = {
  allowprivilegeescalation: 'allowPrivilegeEscalation',
  apparmorprofile: 'appArmorProfile',
  capabilities_baseline: 'capabilities_baseline',
  capabilities_restricted: 'capabilities_restricted',
  hostnamespaces: 'hostNamespaces',
  hostpathvolumes: 'hostPathVolumes',
  hostports: 'hostPorts',
  hostprobesandhostlifecycle: 'hostProbesAndHostLifecycle',
  privileged: 'privileged',
  procmount: 'procMount',
  procmount_restricted: 'procMount_restricted',
  restrictedvolumes: 'restrictedVolumes',
  runasnonroot: 'runAsNonRoot',
  runasuser: 'runAsUser',
  selinuxoptions: 'seLinuxOptions',
  seccompprofile_baseline: 'seccompProfile_baseline',
  seccompprofile_restricted: 'seccompProfile_restricted',
  sysctls: 'sysctls',
  windowshostprocess: 'windowsHostProcess',
};

/** The substring upstream's fixtures_test.go expects in the message, per stem check. */
const SUBSTRING: Record<string, string> = {
  allowPrivilegeEscalation: 'allowPrivilegeEscalation',
  appArmorProfile: 'forbidden AppArmor profile',
  capabilities_baseline: 'capabilities',
  capabilities_restricted: 'unrestricted capabilities',
  hostNamespaces: 'host namespaces',
  hostPathVolumes: 'hostPath',
  hostPorts: 'hostPort',
  hostProbesAndHostLifecycle: 'probe or lifecycle host',
  privileged: 'privileged',
  procMount: 'procMount',
  procMount_restricted: 'procMount',
  restrictedVolumes: 'restricted volume types',
  runAsNonRoot: 'runAsNonRoot',
  runAsUser: 'runAsUser',
  seLinuxOptions: 'seLinuxOptions',
  seccompProfile_baseline: 'seccompProfile',
  seccompProfile_restricted: 'seccompProfile',
  sysctls: 'forbidden sysctl',
  windowsHostProcess: 'hostProcess',
};

/** At restricted, a restricted check overrides the stem's baseline check (from the version given). */
function responsible(check: string, level: Level, minor: number): string {
  if (level !== 'restricted') return check;
  if (check === 'hostPathVolumes') return 'restrictedVolumes';
  if (check === 'seccompProfile_baseline' && minor >= 19) return 'seccompProfile_restricted';
  if (check === 'capabilities_baseline' && minor >= 22) return 'capabilities_restricted';
  if (check === 'procMount' && minor >= 35) return 'procMount_restricted';
  return check;
}

describe('upstream PSA conformance fixtures', () => {
  let all: Fixture[] = [];
  let answers: OracleResponse[] = [];

  beforeAll(() => {
    all = fixtures(psaFixturesDir());
    answers = oracleEvaluateSync(all.map((f) => ({ text: f.text, levels: LEVELS, versions: ALL_VERSIONS })));
  }, 300_000);

  it('finds all 4,537 fixtures, 148 of them in the newest (v1.37) folders', () => {
    expect(all.length).toBe(4537);
    expect(all.filter((f) => f.version === 'v1.37').length).toBe(148);
  });

  it('gives every fixture its folder verdict, responsible check and upstream substring at its own level and version', () => {
    const problems: string[] = [];
    for (const f of all) {
      const [w] = parseManifests(f.file, f.text).workloads;
      if (!w) {
        problems.push(`${f.file}: not read as a workload`);
        continue;
      }
      const result = evaluatePod(w.template, f.level, f.version, { isPod: true });
      if (f.expect === 'pass') {
        if (!result.allowed) problems.push(`${f.file}: expected allow, got ${result.message}`);
        continue;
      }
      const check = CHECK_BY_STEM[f.stem];
      const ids: string[] = result.violations.map((v) => v.check);
      const want = check === undefined ? undefined : responsible(check, f.level, Number(f.version.slice(3)));
      if (result.allowed) problems.push(`${f.file}: expected deny, got allow`);
      else if (want === undefined) problems.push(`${f.file}: unknown fixture stem ${f.stem}`);
      else if (!ids.includes(want)) problems.push(`${f.file}: ${want} not among ${ids.join(' ')}`);
      else if (!result.message.includes(SUBSTRING[check!]!))
        problems.push(`${f.file}: message lacks "${SUBSTRING[check!]}": ${result.message}`);
      else if (result.message.includes('unknown forbidden reason'))
        problems.push(`${f.file}: unknown forbidden reason`);
    }
    expect(problems.slice(0, 20)).toEqual([]);
  });

  it('agrees with the oracle on every fixture at every level and version (verdict, failing checks, full message)', () => {
    const problems: string[] = [];
    let evaluations = 0;
    all.forEach((f, i) => {
      const a = answers[i]!;
      evaluations += a.docs.reduce((n, d) => n + (d.results?.length ?? 0), 0);
      for (const m of compareWithOracle(f.text, a, LEVELS, ALL_VERSIONS)) problems.push(`${f.file}: ${m}`);
    });
    expect(problems.slice(0, 20)).toEqual([]);
    expect(evaluations).toBe(4537 * LEVELS.length * ALL_VERSIONS.length);
  });
});
