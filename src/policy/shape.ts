// Pure: reports fields whose type the API server would reject while decoding a pod spec, so the
// scanner can name them as input errors (the engine itself reads such fields as absent).

import { list, obj, type Obj } from './access.js';

type Kind = 'object' | 'list' | 'string' | 'boolean' | 'integer';

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'list';
  return typeof v === 'number' ? (Number.isInteger(v) ? 'integer' : 'number') : typeof v;
}

function is(v: unknown, kind: Kind): boolean {
  switch (kind) {
    case 'object':
      return obj(v) !== undefined;
    case 'list':
      return Array.isArray(v);
    case 'string':
      return typeof v === 'string';
    case 'boolean':
      return typeof v === 'boolean';
    case 'integer':
      return typeof v === 'number' && Number.isInteger(v);
  }
}

const POD_FIELDS: Record<string, Kind> = {
  containers: 'list', initContainers: 'list', ephemeralContainers: 'list', volumes: 'list',
  hostNetwork: 'boolean', hostPID: 'boolean', hostIPC: 'boolean', hostUsers: 'boolean',
  securityContext: 'object', os: 'object',
};
const SC_FIELDS: Record<string, Kind> = {
  runAsNonRoot: 'boolean', runAsUser: 'integer', runAsGroup: 'integer', fsGroup: 'integer',
  privileged: 'boolean', allowPrivilegeEscalation: 'boolean', readOnlyRootFilesystem: 'boolean',
  procMount: 'string', capabilities: 'object', seccompProfile: 'object', appArmorProfile: 'object',
  seLinuxOptions: 'object', windowsOptions: 'object', sysctls: 'list',
};
const CONTAINER_FIELDS: Record<string, Kind> = { name: 'string', image: 'string', securityContext: 'object', ports: 'list' };

const EXPECTED: Record<Kind, string> = { object: 'a mapping', list: 'a list', string: 'a string', boolean: 'a boolean', integer: 'an integer' };

function checkFields(o: Obj, fields: Record<string, Kind>, path: string, errors: string[]): void {
  for (const [key, kind] of Object.entries(fields)) {
    const v = o[key];
    if (v !== undefined && v !== null && !is(v, kind)) errors.push(`${path}.${key}: expected ${EXPECTED[kind]}, got ${typeName(v)}`);
  }
}

/** Human-readable type errors in a pod spec (`spec.containers: expected a list, got string`). */
export function validatePodSpecShape(spec: unknown, path = 'spec'): string[] {
  const errors: string[] = [];
  const s = obj(spec);
  if (s === undefined) return [`${path}: expected a mapping, got ${typeName(spec)}`];
  checkFields(s, POD_FIELDS, path, errors);
  const podSC = obj(s['securityContext']);
  if (podSC !== undefined) checkFields(podSC, SC_FIELDS, `${path}.securityContext`, errors);
  if (!Array.isArray(s['containers'])) {
    if (s['containers'] === undefined || s['containers'] === null) errors.push(`${path}.containers: required`);
  }
  for (const key of ['initContainers', 'containers', 'ephemeralContainers']) {
    list(s[key]).forEach((c, i) => {
      const p = `${path}.${key}[${i}]`;
      const container = obj(c);
      if (container === undefined) {
        errors.push(`${p}: expected a mapping, got ${typeName(c)}`);
        return;
      }
      checkFields(container, CONTAINER_FIELDS, p, errors);
      const sc = obj(container['securityContext']);
      if (sc !== undefined) {
        checkFields(sc, SC_FIELDS, `${p}.securityContext`, errors);
        const caps = obj(sc['capabilities']);
        if (caps !== undefined) checkFields(caps, { add: 'list', drop: 'list' }, `${p}.securityContext.capabilities`, errors);
      }
      list(container['ports']).forEach((port, j) => {
        const po = obj(port);
        if (po === undefined) errors.push(`${p}.ports[${j}]: expected a mapping, got ${typeName(port)}`);
        else checkFields(po, { containerPort: 'integer', hostPort: 'integer' }, `${p}.ports[${j}]`, errors);
      });
    });
  }
  list(s['volumes']).forEach((v, i) => {
    if (obj(v) === undefined) errors.push(`${path}.volumes[${i}]: expected a mapping, got ${typeName(v)}`);
  });
  return errors;
}
