// Pure: reports fields whose type the API server would reject while decoding a pod spec, so the
// scanner can name them as input errors (the engine itself reads such fields as absent, which
// could hide a violation: `hostPath: /data` would otherwise look like a sourceless volume).

import { ALLOWED_VOLUME_SOURCES, RESTRICTED_VOLUME_SOURCES } from './checks/restricted-volumes.js';
import { obj } from './access.js';

/**
 * A field's Go type. A trailing `?` marks a pointer field (null decodes to nil: absent); other
 * scalars decode null to their zero value. Struct and list fields are pointers or slices (null:
 * absent); a null list entry is the item type's zero value.
 */
type Scalar = 'string' | 'boolean' | 'int32' | 'int64' | 'mapping';
type Field = Scalar | `${Scalar}?`;
type Schema = Field | { fields: Readonly<Record<string, Schema>> } | { items: Schema } | { values: 'string' };

const STR = 'string';
const BOOL = 'boolean';
const I32 = 'int32';
const fields = (f: Record<string, Schema>): Schema => ({ fields: f });
const listOf = (items: Schema): Schema => ({ items });

const PROFILE = fields({ type: STR, localhostProfile: 'string?' });
const SC_COMMON = {
  runAsNonRoot: 'boolean?',
  runAsUser: 'int64?',
  runAsGroup: 'int64?',
  seLinuxOptions: fields({ type: STR, user: STR, role: STR, level: STR }),
  seccompProfile: PROFILE,
  appArmorProfile: PROFILE,
  windowsOptions: fields({ hostProcess: 'boolean?', runAsUserName: 'string?', gmsaCredentialSpecName: 'string?' }),
} as const;
const POD_SC = fields({
  ...SC_COMMON,
  fsGroup: 'int64?',
  supplementalGroups: listOf('int64'),
  sysctls: listOf(fields({ name: STR, value: STR })),
});
const CONTAINER_SC = fields({
  ...SC_COMMON,
  privileged: 'boolean?',
  allowPrivilegeEscalation: 'boolean?',
  readOnlyRootFilesystem: 'boolean?',
  procMount: 'string?',
  capabilities: fields({ add: listOf(STR), drop: listOf(STR) }),
});
const HANDLER = fields({
  httpGet: fields({ host: STR }),
  tcpSocket: fields({ host: STR }),
  exec: 'mapping?',
  grpc: 'mapping?',
});
const CONTAINER = listOf(
  fields({
    name: STR,
    image: STR,
    securityContext: CONTAINER_SC,
    ports: listOf(fields({ containerPort: I32, hostPort: I32 })),
    livenessProbe: HANDLER,
    readinessProbe: HANDLER,
    startupProbe: HANDLER,
    lifecycle: fields({ postStart: HANDLER, preStop: HANDLER }),
  }),
);
const VOLUME = fields({
  name: STR,
  ...Object.fromEntries(
    [...ALLOWED_VOLUME_SOURCES, ...RESTRICTED_VOLUME_SOURCES].map((k): [string, Schema] => [k, 'mapping?']),
  ),
});
const POD_SPEC: Readonly<Record<string, Schema>> = {
  containers: CONTAINER,
  initContainers: CONTAINER,
  ephemeralContainers: CONTAINER,
  volumes: listOf(VOLUME),
  hostNetwork: BOOL,
  hostPID: BOOL,
  hostIPC: BOOL,
  hostUsers: 'boolean?',
  securityContext: POD_SC,
  os: fields({ name: STR }),
};

function typeName(v: unknown): string {
  if (v === null) return 'null';
  if (Array.isArray(v)) return 'list';
  if (typeof v === 'number') return Number.isInteger(v) ? 'integer' : 'number';
  return typeof v === 'object' ? 'mapping' : typeof v;
}

const EXPECTED: Record<Scalar | 'list', string> = {
  string: 'a string',
  boolean: 'a boolean',
  int32: 'an integer',
  int64: 'an integer',
  mapping: 'a mapping',
  list: 'a list',
};
const ZERO: Record<Scalar, unknown> = { string: '', boolean: false, int32: 0, int64: 0, mapping: {} };
// Inclusive lower and exclusive upper bounds (int64 values arrive as doubles; see go-yaml.ts).
const RANGE: Partial<Record<Scalar, [number, number]>> = {
  int32: [-2147483648, 2147483648],
  int64: [-9223372036854775808, 9223372036854775808],
};

/** The zero value Go decodes a null list entry to. */
function zero(schema: Schema): unknown {
  if (typeof schema === 'string') return ZERO[schema.replace('?', '') as Scalar];
  return 'items' in schema ? [] : {};
}

/**
 * Checks `v` against `schema`; with `fix`, a null list entry becomes its zero value, a null
 * non-pointer field its zero value and a null pointer, list or map field is removed, in place
 * (what the API server's Go structs would hold).
 */
function check(v: unknown, schema: Schema, path: string, errors: string[], fix: boolean): void {
  if (v === undefined || v === null) return;
  if (typeof schema === 'string') {
    const type = schema.replace('?', '') as Scalar;
    const range = RANGE[type];
    let ok: boolean;
    if (type === 'mapping') ok = obj(v) !== undefined;
    else if (range) {
      ok = typeof v === 'number' && Number.isInteger(v);
      if (ok && ((v as number) < range[0] || (v as number) >= range[1])) {
        errors.push(`${path}: ${String(v)} is out of range for ${type} (the API server cannot decode it)`);
        return;
      }
    } else ok = typeof v === type;
    if (!ok) errors.push(`${path}: expected ${EXPECTED[type]}, got ${typeName(v)}`);
    return;
  }
  if ('items' in schema) {
    if (!Array.isArray(v)) {
      errors.push(`${path}: expected ${EXPECTED.list}, got ${typeName(v)}`);
      return;
    }
    for (let i = 0; i < v.length; i++) {
      if (fix && v[i] === null) v[i] = zero(schema.items);
      check(v[i], schema.items, `${path}[${i}]`, errors, fix);
    }
    return;
  }
  const o = obj(v);
  if (o === undefined) {
    errors.push(`${path}: expected ${EXPECTED.mapping}, got ${typeName(v)}`);
    return;
  }
  if ('values' in schema) {
    for (const key in o) {
      if (fix && o[key] === null) o[key] = '';
      else if (typeof o[key] !== 'string') errors.push(`${path}.${key}: expected a string, got ${typeName(o[key])}`);
    }
    return;
  }
  for (const key in schema.fields) {
    const field = schema.fields[key]!;
    if (fix && o[key] === null) {
      if (typeof field === 'string' && !field.endsWith('?')) o[key] = zero(field);
      else delete o[key];
      continue;
    }
    check(o[key], field, `${path}.${key}`, errors, fix);
  }
}

/**
 * Human-readable type errors in a pod spec (`spec.containers: expected a list, got string`), for
 * every field the checks read; [] when the spec decodes cleanly. `path` names the spec in messages.
 * Does not change `spec`.
 */
export function validatePodSpecShape(spec: unknown, path = 'spec'): string[] {
  return podSpecErrors(spec, path, false);
}

/**
 * Decodes a freshly parsed pod spec as the API server's Go structs would, in place: null list
 * entries become zero values (`add: [null]` is the capability "", `containers: [null]` a
 * container named ""), null fields their zero value or absent; returns the errors the server's
 * decoder would report for the fields the checks read (wrong types, int32/int64 overflow).
 */
export function decodePodSpec(spec: unknown, path = 'spec'): string[] {
  return podSpecErrors(spec, path, true);
}

function podSpecErrors(spec: unknown, path: string, fix: boolean): string[] {
  const s = obj(spec);
  if (s === undefined) return [`${path}: expected a mapping, got ${typeName(spec)}`];
  const errors: string[] = [];
  if (s['containers'] === undefined || s['containers'] === null) errors.push(`${path}.containers: required`);
  check(s, { fields: POD_SPEC }, path, errors, fix);
  return errors;
}

/**
 * A map[string]string field (labels, annotations) as Go decodes it, in place: null values become
 * "", a null map is removed from `parent`; errors for values of another type.
 */
export function decodeStringMap(parent: Record<string, unknown>, key: string, path: string, errors: string[]): void {
  if (parent[key] === null) {
    delete parent[key];
    return;
  }
  check(parent[key], { values: 'string' }, path, errors, true);
}
