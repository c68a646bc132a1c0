// fast-check generators of edge-biased Kubernetes objects for the differential test against the
// oracle: every field the 19 PodSecurity checks read, with the values at the edges of each check
// (allowed/forbidden neighbours, case and spelling variants, empty strings, nulls), deprecated
// annotations of old policy versions (AppArmor, seccomp), Windows pods, init and ephemeral
// containers, sysctls added across versions, host ports, volumes of every VolumeSource type, and
// every kind whose pod template PodSecurity checks.
//
// Two domains:
// - `engine` (default): values the API server decodes without error, written as JSON or as YAML
//   that means the same in YAML 1.1 (what kubectl reads) and YAML 1.2;
// - `decoding` adds what only a kubectl-exact reader gets right: null list entries, YAML 1.2 text
//   whose plain scalars YAML 1.1 reads differently (`yes`, `on`, `0b1`, `1_000`), out-of-range
//   integers, non-string annotation values.
import fc from 'fast-check';
import { stringify } from 'yaml';

export type Domain = 'engine' | 'decoding';

export interface Generated {
  /** The manifest text podsec and the oracle both read. */
  text: string;
  /** How the object was written. */
  format: 'json' | 'yaml-1.1' | 'yaml-1.2';
}

type Arb<T> = fc.Arbitrary<T>;
type Obj = Record<string, unknown>;

/** The value, sometimes null (Go: the zero value / a nil pointer). */
function orNull<T>(a: Arb<T>, nullWeight = 1): Arb<T | null> {
  return fc.oneof({ weight: 8, arbitrary: a }, { weight: nullWeight, arbitrary: fc.constant(null) });
}

/** Generation settings: the domain, and how often an optional field is present. */
interface Knobs {
  domain: Domain;
  presence: number;
}

/** An object of optional fields, each present with probability k.presence (shrinks to absent). */
function some(model: Record<string, Arb<unknown>>, k: Knobs): Arb<Obj> {
  const on = Math.round(k.presence * 100);
  const fields = Object.entries(model).map(([key, a]) =>
    fc.oneof(
      { weight: 100 - on, arbitrary: fc.constant(undefined) },
      { weight: on, arbitrary: a.map((v): [string, unknown] => [key, v]) },
    ),
  );
  return fc
    .tuple(...fields)
    .map((kvs) => Object.fromEntries(kvs.filter((kv): kv is [string, unknown] => kv !== undefined)));
}

/** A list of up to `max` items; in the decoding domain some entries may be null. */
function listOf<T>(item: Arb<T>, k: Knobs, max = 3): Arb<(T | null)[]> {
  const entry: Arb<T | null> =
    k.domain === 'decoding'
      ? fc.oneof({ weight: 6, arbitrary: item }, { weight: 1, arbitrary: fc.constant(null) })
      : item;
  return fc.array(entry, { maxLength: max });
}

const NAMES = ['c', 'app', 'init', 'dbg', '', 'a-b', 'x.y', 'C'];
const name = fc.constantFrom(...NAMES);

const bool = fc.boolean();
/** Strings that YAML 1.1 reads as something else when unquoted (only where a string is valid). */
const YAML11_SCALARS = [
  'yes',
  'no',
  'on',
  'off',
  'y',
  'n',
  'Yes',
  'ON',
  '0b1',
  '0x1F',
  '1_000',
  '0o17',
  '017',
  '1:20',
  '.5',
  '~',
  'null',
  'true',
];

function str(values: readonly string[], k: Knobs): Arb<string> {
  return k.domain === 'decoding'
    ? fc.oneof(
        { weight: 5, arbitrary: fc.constantFrom(...values) },
        { weight: 1, arbitrary: fc.constantFrom(...YAML11_SCALARS) },
      )
    : fc.constantFrom(...values);
}

function int(values: readonly number[], outOfRange: readonly number[], k: Knobs): Arb<number> {
  return k.domain === 'decoding'
    ? fc.oneof(
        { weight: 8, arbitrary: fc.constantFrom(...values) },
        { weight: 1, arbitrary: fc.constantFrom(...outOfRange) },
      )
    : fc.constantFrom(...values);
}

const CAPABILITIES = [
  'ALL',
  'all',
  'All',
  'NET_BIND_SERVICE',
  'CAP_NET_BIND_SERVICE',
  'net_bind_service',
  'SYS_ADMIN',
  'CAP_SYS_ADMIN',
  'NET_RAW',
  'AUDIT_WRITE',
  'CHOWN',
  'DAC_OVERRIDE',
  'FOWNER',
  'FSETID',
  'KILL',
  'MKNOD',
  'SETFCAP',
  'SETGID',
  'SETPCAP',
  'SETUID',
  'SYS_CHROOT',
  'SYS_TIME',
  'BPF',
  '',
  ' ALL',
  'NET_ADMIN',
  'SYS_PTRACE',
  'é',
];
const PROFILE_TYPES = ['RuntimeDefault', 'Localhost', 'Unconfined', '', 'runtimedefault', 'bogus'];
const SELINUX_TYPES = [
  '',
  'container_t',
  'container_init_t',
  'container_kvm_t',
  'container_engine_t',
  'spc_t',
  'unconfined_t',
];
const SYSCTLS = [
  'kernel.shm_rmid_forced',
  'net.ipv4.ip_local_port_range',
  'net.ipv4.ip_unprivileged_port_start',
  'net.ipv4.tcp_syncookies',
  'net.ipv4.ping_group_range',
  'net.ipv4.ip_local_reserved_ports',
  'net.ipv4.tcp_keepalive_time',
  'net.ipv4.tcp_fin_timeout',
  'net.ipv4.tcp_keepalive_intvl',
  'net.ipv4.tcp_keepalive_probes',
  'net.ipv4.tcp_rmem',
  'net.ipv4.tcp_wmem',
  'kernel.msgmax',
  'net.core.somaxconn',
  'net/ipv4/tcp_syncookies',
  'kernel.shm_rmid_forced ',
  '',
];
const HOSTS = ['', '127.0.0.1', 'localhost', 'example.com', '::1', '10.0.0.1'];
const USERS = [0, 1, 1000, 65534, -1, 2147483648];
const INT64_OVER = [9223372036854775808, 1e20];
const INT32_OVER = [4294967376, 2147483648, -2147483649];
const VOLUME_SOURCES = [
  'hostPath',
  'emptyDir',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'gitRepo',
  'secret',
  'nfs',
  'iscsi',
  'glusterfs',
  'persistentVolumeClaim',
  'rbd',
  'flexVolume',
  'cinder',
  'cephfs',
  'flocker',
  'downwardAPI',
  'fc',
  'azureFile',
  'configMap',
  'vsphereVolume',
  'quobyte',
  'azureDisk',
  'photonPersistentDisk',
  'projected',
  'portworxVolume',
  'scaleIO',
  'storageos',
  'csi',
  'ephemeral',
  'image',
];

/** Knobs for the fields inside an object that is present (a profile without a type is rare). */
const inner = (k: Knobs): Knobs => ({ ...k, presence: Math.max(k.presence, 0.6) });

function profile(k: Knobs): Arb<Obj | null> {
  return orNull(
    some({ type: str(PROFILE_TYPES, k), localhostProfile: orNull(fc.constantFrom('p', '', 'a/b', ' p')) }, inner(k)),
  );
}

function seLinux(k: Knobs): Arb<Obj | null> {
  return orNull(
    some(
      {
        type: str(SELINUX_TYPES, k),
        user: fc.constantFrom('', 'system_u', 'user_u'),
        role: fc.constantFrom('', 'object_r', 'system_r'),
        level: fc.constantFrom('', 's0:c1,c2', 's0'),
      },
      inner(k),
    ),
  );
}

function windowsOptions(k: Knobs): Arb<Obj | null> {
  return orNull(
    some(
      { hostProcess: orNull(bool), runAsUserName: fc.constantFrom('NT AUTHORITY\\system', 'ContainerUser') },
      inner(k),
    ),
  );
}

function handler(k: Knobs): Arb<Obj> {
  return fc.oneof(
    fc.record({
      httpGet: some({ host: fc.constantFrom(...HOSTS), port: fc.constantFrom(80, 8080, 'http') }, inner(k)),
    }),
    fc.record({ tcpSocket: some({ host: fc.constantFrom(...HOSTS), port: fc.constantFrom(80, 'http') }, inner(k)) }),
    fc.record({ exec: fc.constant({ command: ['true'] }) }),
    fc.record({ grpc: fc.constant({ port: 9000 }) }),
    fc.record({ sleep: fc.constant({ seconds: 1 }) }),
  );
}

function container(k: Knobs): Arb<Obj> {
  const securityContext = orNull(
    some(
      {
        privileged: orNull(bool),
        allowPrivilegeEscalation: orNull(bool),
        capabilities: orNull(
          some(
            { add: orNull(listOf(str(CAPABILITIES, k), k)), drop: orNull(listOf(str(CAPABILITIES, k), k)) },
            inner(k),
          ),
        ),
        runAsNonRoot: orNull(bool),
        runAsUser: orNull(int(USERS, INT64_OVER, k)),
        seLinuxOptions: seLinux(k),
        seccompProfile: profile(k),
        appArmorProfile: profile(k),
        procMount: str(['Default', 'Unmasked', '', 'unmasked'], k),
        windowsOptions: windowsOptions(k),
        readOnlyRootFilesystem: bool,
      },
      k,
    ),
  );
  const port = some(
    {
      containerPort: fc.constantFrom(80, 8080, 0, 65535),
      hostPort: orNull(int([0, 80, 8080, 65535, 65536, -1], INT32_OVER, k)),
      protocol: fc.constantFrom('TCP', 'UDP'),
    },
    inner(k),
  );
  return fc
    .tuple(
      name,
      some(
        {
          securityContext,
          ports: orNull(listOf(port, k)),
          livenessProbe: orNull(handler(k)),
          readinessProbe: orNull(handler(k)),
          startupProbe: orNull(handler(k)),
          lifecycle: orNull(some({ postStart: orNull(handler(k)), preStop: orNull(handler(k)) }, inner(k))),
        },
        k,
      ),
    )
    .map(([n, rest]) => ({ name: n, image: 'registry.example/app:1', ...rest }));
}

function volume(): Arb<Obj> {
  const source = fc
    .constantFrom(...VOLUME_SOURCES)
    .chain((k) =>
      fc.tuple(
        fc.constant(k),
        fc.oneof(
          { weight: 6, arbitrary: fc.constant(k === 'hostPath' ? { path: '/data' } : {}) },
          { weight: 1, arbitrary: fc.constant(null) },
        ),
      ),
    );
  // Usually one source; sometimes none (defaulted to emptyDir) or two (invalid, but decoded).
  return fc.tuple(name, fc.array(source, { minLength: 0, maxLength: 2 })).map(([n, sources]) => {
    const v: Obj = { name: n };
    for (const [k, val] of sources) v[k] = val;
    return v;
  });
}

const ANNOTATION_KEYS = (n: string) => [
  `container.apparmor.security.beta.kubernetes.io/${n}`,
  `container.seccomp.security.alpha.kubernetes.io/${n}`,
];
const ANNOTATION_VALUES = [
  'unconfined',
  'runtime/default',
  'docker/default',
  'localhost/p',
  'localhost/',
  'localhost/ p',
  '',
  'bogus',
];

function annotations(k: Knobs): Arb<Obj | null> {
  const key = fc.oneof(
    name.chain((n) => fc.constantFrom(...ANNOTATION_KEYS(n))),
    fc.constantFrom('seccomp.security.alpha.kubernetes.io/pod', 'example.com/owner'),
  );
  const value: Arb<unknown> =
    k.domain === 'decoding'
      ? fc.oneof(
          { weight: 8, arbitrary: fc.constantFrom(...ANNOTATION_VALUES) },
          { weight: 1, arbitrary: fc.constantFrom(1, true, null) },
        )
      : fc.constantFrom(...ANNOTATION_VALUES);
  return orNull(fc.dictionary(key, value, { maxKeys: 3 }));
}

function podSpec(k: Knobs): Arb<Obj> {
  const podSC = orNull(
    some(
      {
        runAsNonRoot: orNull(bool),
        runAsUser: orNull(int(USERS, INT64_OVER, k)),
        seLinuxOptions: seLinux(k),
        seccompProfile: profile(k),
        appArmorProfile: profile(k),
        sysctls: orNull(
          listOf(some({ name: fc.constantFrom(...SYSCTLS), value: fc.constantFrom('1', '0') }, inner(k)), k),
        ),
        windowsOptions: windowsOptions(k),
        fsGroup: fc.constantFrom(0, 2000),
      },
      k,
    ),
  );
  return fc
    .tuple(
      listOf(container(k), k, 2),
      some(
        {
          initContainers: orNull(listOf(container(k), k, 1)),
          ephemeralContainers: orNull(listOf(container(k), k, 1)),
          volumes: orNull(listOf(volume(), k, 3)),
          hostNetwork: orNull(bool),
          hostPID: orNull(bool),
          hostIPC: orNull(bool),
          hostUsers: orNull(bool),
          os: orNull(some({ name: fc.constantFrom('linux', 'windows', 'Windows', '') }, inner(k))),
          securityContext: podSC,
        },
        k,
      ),
    )
    .map(([containers, rest]) => ({ containers, ...rest }));
}

/** A restricted-compliant container: the base the sparse tweaks are laid over. */
const COMPLIANT_SC = {
  allowPrivilegeEscalation: false,
  capabilities: { drop: ['ALL'] },
  runAsNonRoot: true,
  seccompProfile: { type: 'RuntimeDefault' },
};

function isPlain(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** `over` laid over `base`: objects merge key by key, anything else (null, lists) replaces. */
function merge(base: unknown, over: unknown): unknown {
  if (!isPlain(base) || !isPlain(over)) return over;
  const out: Obj = { ...base };
  for (const [key, v] of Object.entries(over)) out[key] = key in base ? merge(base[key], v) : v;
  return out;
}

function compliantish(c: unknown): unknown {
  return isPlain(c) ? { ...c, securityContext: merge(COMPLIANT_SC, c['securityContext'] ?? {}) } : c;
}

/** Mostly a compliant pod with a few tweaks (so single edges decide), sometimes anything goes. */
function pod(k: Knobs): Arb<Obj> {
  const sparse = podSpec({ ...k, presence: 0.12 }).map((spec) => {
    const out: Obj = { ...spec, containers: (spec['containers'] as unknown[]).map(compliantish) };
    for (const key of ['initContainers', 'ephemeralContainers'])
      if (Array.isArray(out[key])) out[key] = (out[key] as unknown[]).map(compliantish);
    return out;
  });
  return fc.oneof({ weight: 3, arbitrary: sparse }, { weight: 1, arbitrary: podSpec({ ...k, presence: 0.5 }) });
}

const KINDS = [
  'Pod',
  'PodTemplate',
  'ReplicationController',
  'ReplicaSet',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'CronJob',
] as const;
const API_VERSION: Record<(typeof KINDS)[number], string> = {
  Pod: 'v1',
  PodTemplate: 'v1',
  ReplicationController: 'v1',
  ReplicaSet: 'apps/v1',
  Deployment: 'apps/v1',
  StatefulSet: 'apps/v1',
  DaemonSet: 'apps/v1',
  Job: 'batch/v1',
  CronJob: 'batch/v1',
};

/** A whole object of one of the nine kinds PodSecurity checks, around a generated pod. */
export function workload(domain: Domain = 'engine'): Arb<Obj> {
  const k: Knobs = { domain, presence: 0.3 };
  return fc
    .record({
      kind: fc.constantFrom(...KINDS),
      name: fc.constantFrom('w', 'web-1', ''),
      annotations: fc.oneof(fc.constant(null), annotations(k)),
      spec: pod(k),
    })
    .map(({ kind, name: n, annotations: a, spec }) => {
      const metadata: Obj = n === '' ? { generateName: 'gen-' } : { name: n };
      const tmeta: Obj = a === null ? {} : { annotations: a };
      const template = { metadata: tmeta, spec };
      const base: Obj = { apiVersion: API_VERSION[kind], kind, metadata };
      switch (kind) {
        case 'Pod':
          return { ...base, metadata: { ...metadata, ...tmeta }, spec };
        case 'PodTemplate':
          return { ...base, template };
        case 'CronJob':
          return { ...base, spec: { schedule: '@daily', jobTemplate: { spec: { template } } } };
        case 'ReplicationController':
          return { ...base, spec: { selector: { app: 'x' }, template } };
        default:
          return { ...base, spec: { selector: { matchLabels: { app: 'x' } }, template } };
      }
    });
}

/** A generated object written as manifest text. */
export function manifest(domain: Domain = 'engine'): Arb<Generated> {
  const formats: Generated['format'][] =
    domain === 'decoding' ? ['json', 'yaml-1.1', 'yaml-1.2'] : ['json', 'yaml-1.1'];
  return fc.tuple(workload(domain), fc.constantFrom(...formats)).map(([o, format]) => ({
    format,
    text: format === 'json' ? JSON.stringify(o) : stringify(o, { version: format === 'yaml-1.1' ? '1.1' : '1.2' }),
  }));
}
