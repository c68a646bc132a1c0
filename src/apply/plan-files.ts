// Pure: what a patch file that apply reads may change. The plan's patches only touch the pod
// template's security-relevant fields: securityContext (pod and containers), host namespaces
// (set to false), hostPorts (removed), probe/lifecycle `host` fields (removed), emptyDir volumes
// and their mounts, and the temporary ownership init container the plan added. Anything else
// (replicas, image, command, env, a Secret volume, another object) is refused, even when the file's
// digest was accepted with --accept-modified-plan-files; removals of volumes and mounts only when
// the plan's own changes remove them.

import { CancelledError, UserError } from '../errors.js';
import type { Plan, PlanStep } from '../plan/plan-schema.js';
import { outcome, type Run, type StepOutcome } from './run.js';
import type { StepView } from './steps.js';

type PatchStep = Extract<PlanStep, { type: 'patch' }>;
type Obj = Record<string, unknown>;

const isObj = (v: unknown): v is Obj => v !== null && typeof v === 'object' && !Array.isArray(v);

const POD_SPEC_KEYS = new Set([
  'securityContext',
  'hostNetwork',
  'hostPID',
  'hostIPC',
  'hostUsers',
  'containers',
  'initContainers',
  'ephemeralContainers',
  'volumes',
]);
const CONTAINER_LISTS = ['containers', 'initContainers', 'ephemeralContainers'];
const CONTAINER_KEYS = new Set([
  'name',
  'securityContext',
  'volumeMounts',
  'ports',
  'livenessProbe',
  'readinessProbe',
  'startupProbe',
  'lifecycle',
]);
const SECURITY_ANNOTATION =
  /^(container\.apparmor\.security\.beta\.kubernetes\.io\/|seccomp\.security\.alpha\.kubernetes\.io\/)/;

/** What the plan allows this step beyond the fixed set. */
interface Allowance {
  /** The temporary init container of the plan (added by `fix`, removed by `removeOwnershipInit`). */
  initContainer: string | null;
  purpose: PatchStep['purpose'];
  /** The plan's changes remove volumes / volume mounts (a hostPath the owner agreed to drop). */
  removesVolumes: boolean;
  removesMounts: boolean;
}

function allowanceOf(plan: Plan, step: PatchStep): Allowance {
  const w = plan.workloads.find((x) => x.namespace === step.namespace && x.kind === step.kind && x.name === step.name);
  const removes = (list: string) =>
    (w?.changes ?? []).some((c) => c.op === 'remove' && c.path.split('/').includes(list));
  return {
    initContainer: w?.ownershipInit?.container ?? null,
    purpose: step.purpose,
    removesVolumes: removes('volumes'),
    removesMounts: removes('volumeMounts'),
  };
}

/** `$setElementOrder/<list>`: a list of `{<mergeKey>: value}` only. */
function orderProblems(key: string, value: unknown, at: string): string[] {
  const list = key.slice('$setElementOrder/'.length);
  const mergeKey = list === 'volumeMounts' ? 'mountPath' : list === 'ports' ? 'containerPort' : 'name';
  if (!Array.isArray(value) || !value.every((x) => isObj(x) && Object.keys(x).length === 1 && mergeKey in x))
    return [`${at}.${key}: not a plain element order`];
  return [];
}

/** Every leaf under a probe or lifecycle handler is `host: null` (the hostProbes fix). */
function onlyHostRemovals(v: unknown): boolean {
  if (!isObj(v)) return false;
  return Object.entries(v).every(([k, x]) => (k === 'host' ? x === null : onlyHostRemovals(x)));
}

function annotationProblems(meta: unknown, at: string): string[] {
  if (!isObj(meta)) return [`${at}: not a mapping`];
  const out: string[] = [];
  for (const [k, v] of Object.entries(meta)) {
    if (k !== 'annotations') out.push(`${at}.${k}: outside the security-relevant fields`);
    else if (!isObj(v)) out.push(`${at}.annotations: not a mapping`);
    else
      for (const a of Object.keys(v))
        if (!SECURITY_ANNOTATION.test(a)) out.push(`${at}.annotations[${a}]: not a security annotation`);
  }
  return out;
}

function containerProblems(
  list: string,
  item: unknown,
  at: string,
  allow: Allowance,
  emptyDirs: ReadonlySet<string>,
): string[] {
  if (!isObj(item) || typeof item['name'] !== 'string') return [`${at}: a container entry without a name`];
  const name = item['name'];
  const where = `${at}[${name}]`;
  const theInit = list === 'initContainers' && name === allow.initContainer;
  if (item['$patch'] === 'delete')
    return theInit && allow.purpose === 'removeOwnershipInit' ? [] : [`${where}: removes a container`];
  if (item['$patch'] !== undefined) return [`${where}: $patch ${JSON.stringify(item['$patch'])} is not allowed`];
  // The plan's own ownership init container is added whole by the fix patch.
  if (theInit && allow.purpose === 'fix') return [];
  const out: string[] = [];
  for (const [k, v] of Object.entries(item)) {
    if (k.startsWith('$setElementOrder/')) {
      out.push(...orderProblems(k, v, where));
      continue;
    }
    if (!CONTAINER_KEYS.has(k)) {
      out.push(`${where}.${k}: outside the security-relevant fields`);
      continue;
    }
    if (k === 'securityContext' && v !== null && !isObj(v)) out.push(`${where}.securityContext: not a mapping`);
    if (
      (k === 'livenessProbe' || k === 'readinessProbe' || k === 'startupProbe' || k === 'lifecycle') &&
      !onlyHostRemovals(v)
    )
      out.push(`${where}.${k}: only the removal of \`host\` is allowed`);
    if (k === 'ports') {
      const ok =
        Array.isArray(v) &&
        v.every(
          (p) =>
            isObj(p) && Object.keys(p).every((pk) => pk === 'containerPort' || (pk === 'hostPort' && p[pk] === null)),
        );
      if (!ok) out.push(`${where}.ports: only the removal of hostPort is allowed`);
    }
    if (k === 'volumeMounts') {
      if (!Array.isArray(v)) {
        out.push(`${where}.volumeMounts: not a list`);
        continue;
      }
      for (const m of v) {
        if (!isObj(m)) out.push(`${where}.volumeMounts: not a mapping`);
        else if (m['$patch'] === 'delete') {
          if (!allow.removesMounts)
            out.push(`${where}.volumeMounts[${String(m['mountPath'])}]: removes a mount the plan does not remove`);
        } else if (Object.keys(m).length === 1 && typeof m['mountPath'] === 'string') {
          // Names an existing mount (its place in the list), changes nothing.
        } else if (
          typeof m['name'] !== 'string' ||
          !emptyDirs.has(m['name']) ||
          !Object.keys(m).every((mk) => ['name', 'mountPath', 'readOnly', 'subPath'].includes(mk))
        ) {
          out.push(
            `${where}.volumeMounts[${String(m['mountPath'])}]: only mounts of the emptyDir volumes the patch adds are allowed`,
          );
        }
      }
    }
  }
  return out;
}

function podSpecProblems(spec: unknown, at: string, allow: Allowance): string[] {
  if (!isObj(spec)) return [`${at}: not a mapping`];
  const out: string[] = [];
  const emptyDirs = new Set<string>();
  const volumes = spec['volumes'];
  if (volumes !== undefined) {
    if (!Array.isArray(volumes)) out.push(`${at}.volumes: not a list`);
    else {
      for (const v of volumes) {
        if (!isObj(v) || typeof v['name'] !== 'string') out.push(`${at}.volumes: an entry without a name`);
        else if (v['$patch'] === 'delete') {
          if (!allow.removesVolumes) out.push(`${at}.volumes[${v['name']}]: removes a volume the plan does not remove`);
        } else if (Object.keys(v).length === 1) {
          // Names an existing volume (its place in the list), changes nothing.
        } else if (Object.keys(v).every((k) => k === 'name' || k === 'emptyDir') && 'emptyDir' in v)
          emptyDirs.add(v['name']);
        else out.push(`${at}.volumes[${v['name']}]: only emptyDir volumes may be added`);
      }
    }
  }
  for (const [k, v] of Object.entries(spec)) {
    if (k.startsWith('$setElementOrder/')) {
      out.push(...orderProblems(k, v, at));
      continue;
    }
    if (!POD_SPEC_KEYS.has(k)) {
      out.push(`${at}.${k}: outside the security-relevant fields`);
      continue;
    }
    if ((k === 'hostNetwork' || k === 'hostPID' || k === 'hostIPC' || k === 'hostUsers') && v !== false && v !== null)
      out.push(`${at}.${k}: may only be set to false or removed`);
    if (k === 'securityContext' && v !== null && !isObj(v)) out.push(`${at}.securityContext: not a mapping`);
    if (CONTAINER_LISTS.includes(k)) {
      if (!Array.isArray(v)) out.push(`${at}.${k}: not a list`);
      else for (const item of v) out.push(...containerProblems(k, item, `${at}.${k}`, allow, emptyDirs));
    }
  }
  return out;
}

/**
 * Why the patch a step reads may not be applied (empty = fine): it must name the step's object and
 * change only the security-relevant fields of its pod template.
 */
export function patchFileProblems(plan: Plan, step: PatchStep, patch: unknown): string[] {
  if (!isObj(patch)) return ['the patch is not a mapping'];
  const allow = allowanceOf(plan, step);
  const out: string[] = [];
  for (const [k, v] of Object.entries(patch)) {
    if (k === 'apiVersion' || k === 'kind') {
      const want = k === 'kind' ? step.kind : undefined;
      if (typeof v !== 'string' || (want !== undefined && v !== want))
        out.push(`${k}: ${JSON.stringify(v)} is not the step's ${k}`);
    } else if (k === 'metadata') {
      if (!isObj(v)) out.push('metadata: not a mapping');
      else
        for (const [mk, mv] of Object.entries(v)) {
          if (mk === 'name' && mv === step.name) continue;
          if (mk === 'namespace' && mv === step.namespace) continue;
          if (mk === 'annotations' && step.kind === 'Pod')
            out.push(...annotationProblems({ annotations: mv }, 'metadata'));
          else
            out.push(
              `metadata.${mk}: ${mk === 'name' || mk === 'namespace' ? `${JSON.stringify(mv)} is not the step's object` : 'outside the security-relevant fields'}`,
            );
        }
    } else if (k !== 'spec') out.push(`${k}: outside the pod template`);
  }
  const spec = patch['spec'];
  if (spec === undefined) return out;
  if (step.kind === 'Pod') return [...out, ...podSpecProblems(spec, 'spec', allow)];
  // Down to the pod template: spec.template, or spec.jobTemplate.spec.template for a CronJob.
  const path = step.kind === 'CronJob' ? ['spec', 'jobTemplate', 'spec', 'template'] : ['spec', 'template'];
  let cur: unknown = spec;
  for (let i = 1; i < path.length; i++) {
    const parent = cur;
    const at = path.slice(0, i).join('.');
    if (!isObj(parent)) return [...out, `${at}: not a mapping`];
    for (const k of Object.keys(parent))
      if (k !== path[i])
        out.push(
          `${at}.${k}: outside the pod template${k === 'replicas' ? ' (replicas are never changed by a plan)' : ''}`,
        );
    cur = parent[path[i]!];
    if (cur === undefined) return out;
  }
  const at = path.join('.');
  if (!isObj(cur)) return [...out, `${at}: not a mapping`];
  for (const [k, v] of Object.entries(cur)) {
    if (k === 'spec') out.push(...podSpecProblems(v, `${at}.spec`, allow));
    else if (k === 'metadata') out.push(...annotationProblems(v, `${at}.metadata`));
    else out.push(`${at}.${k}: outside the pod template's fields`);
  }
  return out;
}

/**
 * Reads and checks the patch file of every patch step in `views` before anything is written: a
 * file that is missing, unreadable, edited, a symlink, malformed, or changes more than the
 * security-relevant fields becomes a `refused` outcome for its step (never an exception).
 */
export async function readPhasePatches(
  run: Run,
  views: readonly StepView[],
): Promise<{ patches: Map<string, Record<string, unknown>>; refused: StepOutcome[] }> {
  const patches = new Map<string, Record<string, unknown>>();
  const refused: StepOutcome[] = [];
  for (const v of views) {
    const step = v.step;
    if (step.type !== 'patch') continue;
    let data: unknown;
    try {
      data = await run.ports.readPlanFile(step.file);
    } catch (err) {
      if (err instanceof CancelledError) throw err;
      const [first = '', ...rest] = (err instanceof Error ? err.message : String(err)).split('\n');
      const hint = err instanceof UserError && err.hint !== undefined ? [err.hint] : [];
      refused.push(
        outcome(v, 'refused', first.includes(step.file) ? first : `plan file ${step.file}: ${first}`, [
          ...rest,
          ...hint,
        ]),
      );
      continue;
    }
    const problems = patchFileProblems(run.plan, step, data);
    if (problems.length > 0) {
      refused.push(
        outcome(
          v,
          'refused',
          `plan file ${step.file} changes more than the pod template's security settings`,
          problems,
        ),
      );
      continue;
    }
    patches.set(v.id, data as Record<string, unknown>);
  }
  return { patches, refused };
}
