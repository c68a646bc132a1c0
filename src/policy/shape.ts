// Pure: reports fields whose type the API server would reject while decoding a pod spec, so the
// scanner can name them as input errors (the engine itself reads such fields as absent, which
// could hide a violation: `hostPath: /data` would otherwise look like a sourceless volume).

import { ALLOWED_VOLUME_SOURCES, RESTRICTED_VOLUME_SOURCES } from './checks/restricted-volumes.js';
import { obj } from './access.js';

type Scalar = 'string' | 'boolean' | 'integer' | 'mapping';
/** A field's expected type; mappings and lists may describe their content. */
type Schema = Scalar | { fields: Readonly<Record<string, Schema>> } | { items: Schema };

const STR = 'string';
const BOOL = 'boolean';
const INT = 'integer';
const fields = (f: Record<string, Schema>): Schema => ({ fields: f });
const listOf = (items: Schema): Schema => ({ items });

const PROFILE = fields({ type: STR, localhostProfile: STR });
const SC_COMMON = {
  runAsNonRoot: BOOL, runAsUser: INT, runAsGroup: INT,
  seLinuxOptions: fields({ type: STR, user: STR, role: STR, level: STR }),
  seccompProfile: PROFILE, appArmorProfile: PROFILE,
  windowsOptions: fields({ hostProcess: BOOL, runAsUserName: STR, gmsaCredentialSpecName: STR }),
} as const;
const POD_SC = fields({
  ...SC_COMMON, fsGroup: INT, supplementalGroups: listOf(INT), sysctls: listOf(fields({ name: STR, value: STR })),
});
const CONTAINER_SC = fields({
  ...SC_COMMON, privileged: BOOL, allowPrivilegeEscalation: BOOL, readOnlyRootFilesystem: BOOL, procMount: STR,
  capabilities: fields({ add: listOf(STR), drop: listOf(STR) }),
});
const HANDLER = fields({ httpGet: fields({ host: STR }), tcpSocket: fields({ host: STR }), exec: 'mapping', grpc: 'mapping' });
const CONTAINER = listOf(
  fields({
    name: STR, image: STR, securityContext: CONTAINER_SC,
    ports: listOf(fields({ containerPort: INT, hostPort: INT })),
    livenessProbe: HANDLER, readinessProbe: HANDLER, startupProbe: HANDLER,
    lifecycle: fields({ postStart: HANDLER, preStop: HANDLER }),
  }),
);
const VOLUME = fields({
  name: STR,
  ...Object.fromEntries([...ALLOWED_VOLUME_SOURCES, ...RESTRICTED_VOLUME_SOURCES].map((k): [string, Schema] => [k, 'mapping'])),
});
const POD_SPEC: Readonly<Record<string, Schema>> = {
  containers: CONTAINER, initContainers: CONTAINER, ephemeralContainers: CONTAINER, volumes: listOf(VOLUME),
  hostNetwork: BOOL, hostPID: BOOL, hostIPC: BOOL, hostUsers: BOOL, securityContext: POD_SC, os: fields({ name: STR }),
};

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v === 'object' ? 'mapping' : typeof v;
}

const EXPECTED: Record<Scalar | 'list', string> = {
  string: 'a string', boolean: 'a boolean', integer: 'an integer', mapping: 'a mapping', list: 'a list',
};

function check(v: unknown, schema: Schema, path: string, errors: string[]): void {
  // Go decodes null as the zero value: never a type error.
  if (v === undefined || v === null) return;
  if (typeof schema === 'string') {
    const ok =
      schema === 'mapping' ? obj(v) !== undefined : schema === 'integer' ? typeof v === 'number' && Number.isInteger(v) : typeof v === schema;
    if (!ok) errors.push(`${path}: expected ${EXPECTED[schema]}, got ${typeName(v)}`);
    return;
  }
  if ('items' in schema) {
    if (!Array.isArray(v)) errors.push(`${path}: expected ${EXPECTED.list}, got ${typeName(v)}`);
    else v.forEach((item, i) => check(item, schema.items, `${path}[${i}]`, errors));
    return;
  }
  const o = obj(v);
  if (o === undefined) {
    errors.push(`${path}: expected ${EXPECTED.mapping}, got ${typeName(v)}`);
    return;
  }
  for (const key in schema.fields) check(o[key], schema.fields[key]!, `${path}.${key}`, errors);
}

/**
 * Human-readable type errors in a pod spec (`spec.containers: expected a list, got string`), for
 * every field the checks read; [] when the spec decodes cleanly. `path` names the spec in messages.
 */
export function validatePodSpecShape(spec: unknown, path = 'spec'): string[] {
  const s = obj(spec);
  if (s === undefined) return [`${path}: expected a mapping, got ${typeName(spec)}`];
  const errors: string[] = [];
  if (s['containers'] === undefined || s['containers'] === null) errors.push(`${path}.containers: required`);
  check(s, { fields: POD_SPEC }, path, errors);
  return errors;
}
