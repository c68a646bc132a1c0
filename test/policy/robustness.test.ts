// Property tests: malformed specs (any JSON value at any field the checks read) never make the
// engine throw or mutate its input, and results stay internally consistent.
import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  CHECK_IDS,
  evaluatePod,
  extractPodTemplate,
  strictestLevel,
  validatePodSpecShape,
  type Level,
} from '../../src/policy/index.js';
import { pod } from './pod.js';

type Path = (string | number)[];
const SC = ['securityContext'];
const CONTAINER_PATHS: Path[] = [
  [],
  ['name'],
  ['ports'],
  ['ports', 0],
  ['ports', 0, 'hostPort'],
  ['ports', 0, 'containerPort'],
  SC,
  [...SC, 'privileged'],
  [...SC, 'capabilities'],
  [...SC, 'capabilities', 'add'],
  [...SC, 'capabilities', 'drop'],
  [...SC, 'procMount'],
  [...SC, 'seLinuxOptions'],
  [...SC, 'seLinuxOptions', 'type'],
  [...SC, 'seccompProfile'],
  [...SC, 'seccompProfile', 'type'],
  [...SC, 'appArmorProfile'],
  [...SC, 'windowsOptions'],
  [...SC, 'windowsOptions', 'hostProcess'],
  [...SC, 'runAsNonRoot'],
  [...SC, 'runAsUser'],
  [...SC, 'allowPrivilegeEscalation'],
  ['livenessProbe'],
  ['livenessProbe', 'httpGet'],
  ['livenessProbe', 'httpGet', 'host'],
  ['lifecycle'],
  ['lifecycle', 'preStop'],
  ['lifecycle', 'preStop', 'tcpSocket', 'host'],
];
const PATHS: Path[] = [
  ['spec'],
  ['metadata'],
  ['metadata', 'annotations'],
  ['metadata', 'annotations', 'seccomp.security.alpha.kubernetes.io/pod'],
  ['metadata', 'annotations', 'container.apparmor.security.beta.kubernetes.io/app'],
  ...[
    'hostNetwork',
    'hostPID',
    'hostIPC',
    'hostUsers',
    'os',
    'volumes',
    'initContainers',
    'containers',
    'ephemeralContainers',
  ].map((k) => ['spec', k]),
  ['spec', 'os', 'name'],
  ['spec', 'volumes', 0],
  ['spec', 'volumes', 0, 'hostPath'],
  ['spec', 'securityContext'],
  ...[
    'sysctls',
    'seccompProfile',
    'seLinuxOptions',
    'appArmorProfile',
    'windowsOptions',
    'runAsNonRoot',
    'runAsUser',
  ].map((k) => ['spec', 'securityContext', k]),
  ['spec', 'securityContext', 'sysctls', 0],
  ['spec', 'securityContext', 'sysctls', 0, 'name'],
  ...CONTAINER_PATHS.map((p) => ['spec', 'containers', 0, ...p]),
  ...CONTAINER_PATHS.map((p) => ['spec', 'initContainers', 0, ...p]),
];

/** Sets `value` at `path`, creating objects on the way when the parent is not a container. */
function setAt(root: Record<string, unknown>, path: Path, value: unknown): void {
  let node: unknown = root;
  for (let i = 0; i < path.length - 1; i++) {
    const parent = node as Record<string | number, unknown>;
    const next = parent[path[i]!];
    if (next === null || typeof next !== 'object') parent[path[i]!] = typeof path[i + 1] === 'number' ? [] : {};
    node = parent[path[i]!];
  }
  (node as Record<string | number, unknown>)[path[path.length - 1]!] = value;
}

const mutation = fc.tuple(fc.constantFrom(...PATHS), fc.jsonValue({ maxDepth: 3 }));
const LEVELS: Level[] = ['baseline', 'restricted'];
const VERSIONS = ['v1.0', 'v1.18', 'v1.22', 'v1.25', 'v1.34', 'v1.35', 'latest', 'v1.01'];

describe('malformed input', () => {
  it('never throws, never mutates, and reports violations in upstream order', () => {
    fc.assert(
      fc.property(fc.array(mutation, { minLength: 1, maxLength: 6 }), fc.boolean(), (mutations, isPod) => {
        const p = pod() as unknown as Record<string, unknown>;
        for (const [path, value] of mutations) setAt(p, path, value);
        const before = JSON.stringify(p);
        for (const level of LEVELS) {
          for (const version of VERSIONS) {
            const r = evaluatePod(p as never, level, version, { isPod });
            expect(r.allowed).toBe(r.violations.length === 0);
            expect(r.allowed).toBe(r.message === '');
            const order = r.violations.map((v) => CHECK_IDS.indexOf(v.check));
            expect(order).toEqual([...order].sort((a, b) => a - b));
            expect(r.message).not.toContain('unknown forbidden reason');
          }
        }
        strictestLevel(p as never, 'latest');
        expect(Array.isArray(validatePodSpecShape(p['spec']))).toBe(true);
        extractPodTemplate({ kind: 'Deployment', spec: { template: p } });
        expect(JSON.stringify(p)).toBe(before);
      }),
      { numRuns: 400 },
    );
  });
});
