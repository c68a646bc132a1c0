/**
 * A real, local Kubernetes control plane for tests and manual trials: etcd, kube-apiserver
 * (with the built-in PodSecurity admission plugin) and kube-controller-manager, started as
 * three loopback processes from binaries built by `test/kube/build.sh`.
 *
 *   const cp = await startControlPlane();
 *   // cp.kubeconfigPath (admin), cp.kubeconfigFor('reader'), cp.tokens.limited, ...
 *   await cp.stop();
 *
 * Everything lives in one temp dir (`cp.dir`): certificates, tokens, admission config,
 * etcd data, kubeconfigs and one log per component. stop() ends only the processes it
 * started and removes the dir. The same happens on process exit, SIGINT/SIGTERM, and, via
 * a small watchdog process, even when the Node process is killed with SIGKILL.
 */
import { spawn, spawnSync, type ChildProcess } from 'node:child_process';
import { randomBytes, generateKeyPairSync } from 'node:crypto';
import * as fs from 'node:fs';
import * as https from 'node:https';
import * as http from 'node:http';
import * as net from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import {
  cgroupCleanupScript,
  createCgroups,
  IMAGES,
  inCgroupArgv,
  missingNodeTools,
  NODE_IP,
  NODE_NAME,
  nodeHolderArgv,
  peerHolderArgv,
  peerHttpGet,
  POD_CIDR,
  resolveImageArchive,
  wireNetwork,
  writeNodeConfig,
} from './node.js';

export const USERS = ['admin', 'reader', 'applier', 'limited'] as const;
export type User = (typeof USERS)[number];

export type PodSecurityMode = 'enforce' | 'audit' | 'warn';
export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

export interface PodSecurityAdmissionOptions {
  /** Cluster-wide defaults; every mode defaults to privileged:latest. */
  defaults?: Partial<Record<PodSecurityMode, PodSecurityLevel>> & Partial<Record<`${PodSecurityMode}-version`, string>>;
  exemptions?: { usernames?: string[]; runtimeClasses?: string[]; namespaces?: string[] };
}

export interface ControlPlaneOptions {
  /** Dir holding etcd, kube-apiserver, kube-controller-manager (default: $PODSEC_KUBE_BIN or build.sh). */
  binDir?: string;
  podSecurity?: PodSecurityAdmissionOptions;
  /** Start kube-controller-manager (default true). Without it, ServiceAccount admission is disabled. */
  controllerManager?: boolean;
  /** Write a Metadata-level audit log to `<dir>/audit.log` (default false). */
  auditLog?: boolean;
  /** 'openssl' (default when openssl is on PATH): our own CA + serving cert; 'self-signed': the apiserver's. */
  tls?: 'openssl' | 'self-signed';
  /** Extra kube-apiserver flags, e.g. ['--feature-gates=...']. */
  apiServerArgs?: string[];
  /** Overall startup timeout (default 120 s). */
  startTimeoutMs?: number;
  /** Keep the temp dir after stop() (also: PODSEC_KEEP_CLUSTER_DIR=1). */
  keepDir?: boolean;
  /** Install SIGINT/SIGTERM handlers that stop the control plane (default true). */
  handleSignals?: boolean;
  /** Progress messages (default: none). */
  log?: (message: string) => void;
  /**
   * Also start kube-scheduler and one real node (containerd, runc, CNI, kubelet) in namespaces
   * the harness creates; resolves once the node is Ready and untainted (see ./node.ts).
   */
  node?: boolean;
}

/** The running node (when started with `node: true`). */
export interface ClusterNode {
  /** Node name (`localhost`: the apiserver reaches the kubelet by that hostname, relayed). */
  name: string;
  /** Node IP (only inside the node's network namespace and its peer). */
  ip: string;
  podCidr: string;
  /** Pid of the process holding the node's network + mount namespaces (nsenter -t <pid> -n -m). */
  nsPid: number;
  /** Pid holding the peer network namespace (a client host that routes to the pod network). */
  peerPid: number;
  /** cgroup (v1, each controller) holding the node's processes and pods: /<cgroup>. */
  cgroup: string;
  /** containerd's socket (inside the node's mount namespace it is the same path). */
  containerdSocket: string;
  /** Run a command inside the node's (default) or the peer's network namespace. */
  exec(
    argv: string[],
    opts?: { where?: 'node' | 'peer'; timeoutMs?: number },
  ): { code: number | null; stdout: string; stderr: string };
  /** HTTP GET from inside the peer namespace (e.g. a pod IP); body and status. */
  httpGet(url: string, timeoutMs?: number): Promise<{ status: number; body: string }>;
  /** Resident memory (KiB) of kubelet, containerd and the shims, from /proc. */
  rss(): { kubelet: number; containerd: number; shims: number };
  /** Seconds from kubelet start to node Ready. */
  readySeconds: number;
}

export interface ControlPlane {
  /** Admin kubeconfig (user in system:masters). */
  kubeconfigPath: string;
  /** https://127.0.0.1:<port> */
  server: string;
  /** CA that signed the serving certificate (PEM file). */
  caFile: string;
  /** The apiserver's /version gitVersion, e.g. "v1.37.2". */
  version: string;
  /** Bearer tokens. admin is in system:masters; the others have no privileged group (grant RBAC yourself). */
  tokens: Record<User, string>;
  /** Path of a kubeconfig for that user (written at startup). */
  kubeconfigFor(user: User): string;
  /** Temp dir holding everything, including `<component>.log`. */
  dir: string;
  binDir: string;
  logs: Record<ComponentName, string>;
  ports: { etcd: number; etcdPeer: number; apiserver: number };
  /** The node, when started with `node: true`. */
  node?: ClusterNode;
  /**
   * Stops kube-apiserver (SIGTERM, or SIGKILL with `kill`), keeps it down for `downMs`, starts it
   * again with the same flags and resolves once /readyz answers (fault tests).
   */
  restartApiServer(opts?: { downMs?: number; kill?: boolean }): Promise<void>;
  /** The running kube-apiserver's pid (SIGSTOP/SIGCONT pause it). */
  apiServerPid(): number | undefined;
  /** Stop all components (KCM, apiserver, etcd) and remove the dir. Idempotent. */
  stop(): Promise<void>;
}

export type ComponentName =
  | 'etcd'
  | 'kube-apiserver'
  | 'kube-controller-manager'
  | 'kube-scheduler'
  | 'node-ns'
  | 'peer-ns'
  | 'relay-api-host'
  | 'relay-api-node'
  | 'relay-kubelet-host'
  | 'relay-kubelet-node'
  | 'containerd'
  | 'kubelet';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..');

/** Controllers the harness runs; names from cmd/kube-controller-manager/names. */
export const CONTROLLERS = [
  'namespace-controller',
  'serviceaccount-controller',
  'garbage-collector-controller',
  'deployment-controller',
  'replicaset-controller',
  'replicationcontroller-controller',
  'statefulset-controller',
  'daemonset-controller',
  'job-controller',
  'cronjob-controller',
  'clusterrole-aggregation-controller',
];

/**
 * Find the Kubernetes binaries: $PODSEC_KUBE_BIN, else run test/kube/build.sh (a no-op
 * taking well under a second when cached; a cold build takes many minutes, see BUILD.md).
 */
export function resolveKubeBinDir(log?: (m: string) => void): string {
  const fromEnv = process.env['PODSEC_KUBE_BIN'];
  if (fromEnv) {
    for (const b of ['etcd', 'kube-apiserver', 'kube-controller-manager']) {
      if (!fs.existsSync(path.join(fromEnv, b))) {
        throw new Error(`PODSEC_KUBE_BIN=${fromEnv} has no ${b} binary`);
      }
    }
    return fromEnv;
  }
  const script = path.join(repoRoot, 'test', 'kube', 'build.sh');
  log?.(`running ${path.relative(process.cwd(), script) || script} (cached after the first build)`);
  const res = spawnSync('bash', [script], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (res.status !== 0) {
    throw new Error(`test/kube/build.sh failed (exit ${res.status ?? res.signal})`);
  }
  const lines = res.stdout.trim().split('\n');
  const dir = lines[lines.length - 1]?.trim();
  if (!dir || !fs.existsSync(path.join(dir, 'kube-apiserver'))) {
    throw new Error(`test/kube/build.sh printed no usable bin dir: ${JSON.stringify(res.stdout)}`);
  }
  return dir;
}

/** A free TCP port on 127.0.0.1 (listen on 0, close; the small race is acceptable). */
export async function freePort(): Promise<number> {
  return await new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.unref();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const addr = srv.address();
      const port = typeof addr === 'object' && addr ? addr.port : 0;
      srv.close(() => resolve(port));
    });
  });
}

function which(cmd: string): string | undefined {
  for (const dir of (process.env['PATH'] ?? '').split(':')) {
    const p = path.join(dir, cmd);
    try {
      fs.accessSync(p, fs.constants.X_OK);
      return p;
    } catch {
      // keep looking
    }
  }
  return undefined;
}

function token(): string {
  return randomBytes(24).toString('hex');
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

/** Last `lines` lines of a file ('' if missing). */
export function tailFile(file: string, lines = 40): string {
  try {
    const text = fs.readFileSync(file, 'utf8');
    return text
      .split('\n')
      .slice(-lines - 1)
      .join('\n');
  } catch {
    return '';
  }
}

interface HttpResult {
  status: number;
  body: string;
}

function request(url: string, opts: { ca?: Buffer; token?: string; timeoutMs?: number } = {}): Promise<HttpResult> {
  return new Promise((resolve, reject) => {
    const u = new URL(url);
    const headers: Record<string, string> = {};
    if (opts.token) headers['Authorization'] = `Bearer ${opts.token}`;
    const mod = u.protocol === 'https:' ? https : http;
    const req = mod.request(
      u,
      { method: 'GET', headers, ...(opts.ca ? { ca: opts.ca } : {}), timeout: opts.timeoutMs ?? 5000 },
      (res) => {
        let body = '';
        res.setEncoding('utf8');
        res.on('data', (c: string) => (body += c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
        res.on('error', reject);
      },
    );
    req.on('timeout', () => req.destroy(new Error(`timeout requesting ${url}`)));
    req.on('error', reject);
    req.end();
  });
}

function kubeconfigYaml(server: string, caFile: string, user: string, tok: string): string {
  // JSON is valid YAML; kubectl and client-node both read it.
  return (
    JSON.stringify(
      {
        apiVersion: 'v1',
        kind: 'Config',
        clusters: [{ name: 'podsec-test', cluster: { server, 'certificate-authority': caFile } }],
        users: [{ name: user, user: { token: tok } }],
        contexts: [{ name: `${user}@podsec-test`, context: { cluster: 'podsec-test', user, namespace: 'default' } }],
        'current-context': `${user}@podsec-test`,
        preferences: {},
      },
      null,
      2,
    ) + '\n'
  );
}

function admissionConfigYaml(psa: PodSecurityAdmissionOptions): string {
  const d = psa.defaults ?? {};
  const defaults: Record<string, string> = {};
  for (const mode of ['enforce', 'audit', 'warn'] as const) {
    defaults[mode] = d[mode] ?? 'privileged';
    defaults[`${mode}-version`] = d[`${mode}-version`] ?? 'latest';
  }
  const ex = psa.exemptions ?? {};
  return (
    JSON.stringify(
      {
        apiVersion: 'apiserver.config.k8s.io/v1',
        kind: 'AdmissionConfiguration',
        plugins: [
          {
            name: 'PodSecurity',
            configuration: {
              apiVersion: 'pod-security.admission.config.k8s.io/v1',
              kind: 'PodSecurityConfiguration',
              defaults,
              exemptions: {
                usernames: ex.usernames ?? [],
                runtimeClasses: ex.runtimeClasses ?? [],
                namespaces: ex.namespaces ?? [],
              },
            },
          },
        ],
      },
      null,
      2,
    ) + '\n'
  );
}

/** CA + serving cert for 127.0.0.1/localhost with openssl. Returns file paths. */
function opensslCerts(certDir: string): { caFile: string; certFile: string; keyFile: string } {
  const caKey = path.join(certDir, 'ca.key');
  const caFile = path.join(certDir, 'ca.crt');
  const keyFile = path.join(certDir, 'apiserver.key');
  const csr = path.join(certDir, 'apiserver.csr');
  const certFile = path.join(certDir, 'apiserver.crt');
  const ext = path.join(certDir, 'apiserver.ext');
  const run = (args: string[]): void => {
    const r = spawnSync('openssl', args, { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`openssl ${args[0]} failed: ${r.stderr}`);
  };
  run(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', caKey]);
  run(['req', '-x509', '-new', '-key', caKey, '-sha256', '-days', '30', '-subj', '/CN=podsec-test-ca', '-out', caFile]);
  run(['ecparam', '-name', 'prime256v1', '-genkey', '-noout', '-out', keyFile]);
  run(['req', '-new', '-key', keyFile, '-subj', '/CN=kube-apiserver', '-out', csr]);
  fs.writeFileSync(
    ext,
    [
      'basicConstraints=CA:FALSE',
      'keyUsage=critical,digitalSignature,keyEncipherment',
      'extendedKeyUsage=serverAuth',
      'subjectAltName=IP:127.0.0.1,IP:10.0.0.1,DNS:localhost,DNS:kubernetes,DNS:kubernetes.default,DNS:kubernetes.default.svc',
      '',
    ].join('\n'),
  );
  run([
    'x509',
    '-req',
    '-in',
    csr,
    '-CA',
    caFile,
    '-CAkey',
    caKey,
    '-CAcreateserial',
    '-days',
    '30',
    '-sha256',
    '-extfile',
    ext,
    '-out',
    certFile,
  ]);
  return { caFile, certFile, keyFile };
}

interface Proc {
  name: ComponentName;
  bin: string;
  args: string[];
  child: ChildProcess;
  logFile: string;
  exited: Promise<void>;
  exitInfo?: string;
}

/** Extra controllers when a node runs: taints/untaints it, publishes kube-root-ca.crt. */
export const NODE_CONTROLLERS = [
  'node-lifecycle-controller',
  'root-ca-certificate-publisher-controller',
  'endpointslice-controller',
];

const live = new Set<RunningPlane>();
let exitHookInstalled = false;

function installExitHook(): void {
  if (exitHookInstalled) return;
  exitHookInstalled = true;
  // 'exit' handlers must be synchronous: SIGKILL what is left and remove the dirs.
  process.on('exit', () => {
    for (const plane of live) plane.killSync();
  });
}

class RunningPlane {
  procs: Proc[] = [];
  watchdog: ChildProcess | undefined;
  stopped = false;
  stopping: Promise<void> | undefined;
  signalHandlers: Array<[NodeJS.Signals, () => void]> = [];
  /** sh lines that remove what the node left (cgroups and their processes); run on every stop path. */
  cleanupScript = '';

  constructor(
    readonly dir: string,
    readonly keepDir: boolean,
  ) {}

  /** `wrap` turns the command line into the one spawned (e.g. nsenter into the node's namespaces). */
  start(name: ComponentName, bin: string, args: string[], wrap?: (argv: string[]) => string[]): Proc {
    const logFile = path.join(this.dir, `${name}.log`);
    const fd = fs.openSync(logFile, 'a');
    const argv = wrap ? wrap([bin, ...args]) : [bin, ...args];
    fs.writeSync(fd, `+ ${argv.join(' ')}\n`);
    // detached: own process group, so a terminal Ctrl-C reaches only us and we stop the
    // components in order (controller manager, apiserver, etcd).
    const child = spawn(argv[0]!, argv.slice(1), { stdio: ['ignore', fd, fd], detached: true });
    fs.closeSync(fd);
    const proc: Proc = {
      name,
      bin,
      args,
      child,
      logFile,
      exited: new Promise((resolve) => {
        child.once('exit', (code, signal) => {
          proc.exitInfo = signal ? `signal ${signal}` : `exit code ${code}`;
          resolve();
        });
        child.once('error', (err) => {
          proc.exitInfo = `spawn error: ${err.message}`;
          resolve();
        });
      }),
    };
    this.procs.push(proc);
    this.refreshWatchdog();
    return proc;
  }

  /**
   * A detached shell that outlives us only to clean up: if our pid disappears (SIGKILL,
   * crash), it kills the component pids and removes the dir. Restarted whenever the set
   * of pids changes.
   */
  refreshWatchdog(): void {
    this.watchdog?.kill('SIGKILL');
    const pids = this.procs.map((p) => p.child.pid).filter((p): p is number => typeof p === 'number');
    const rm = this.keepDir ? ':' : `rm -rf '${this.dir.replace(/'/g, `'\\''`)}'`;
    const script = [
      `while kill -0 ${process.pid} 2>/dev/null; do sleep 1; done`,
      `kill -TERM ${pids.join(' ')} 2>/dev/null`,
      'sleep 3',
      `kill -KILL ${pids.join(' ')} 2>/dev/null`,
      this.cleanupScript || ':',
      rm,
    ].join('\n');
    const wd = spawn('sh', ['-c', script], { stdio: 'ignore', detached: true });
    wd.unref();
    this.watchdog = wd;
  }

  async stopProc(p: Proc, graceMs: number): Promise<void> {
    if (p.exitInfo !== undefined || p.child.exitCode !== null || p.child.signalCode !== null) return;
    p.child.kill('SIGTERM');
    const done = await Promise.race([p.exited.then(() => true), sleep(graceMs).then(() => false)]);
    if (!done) {
      p.child.kill('SIGKILL');
      await p.exited;
    }
  }

  stop(): Promise<void> {
    if (!this.stopping) {
      this.stopping = (async () => {
        // The node first: SIGKILL everything in its cgroups (kubelet, containerd, shims,
        // pods, relays, namespace holders); its namespaces and mounts go with them.
        this.runCleanupScript();
        // Reverse start order: scheduler, controller manager, apiserver, etcd.
        for (const p of [...this.procs].reverse()) await this.stopProc(p, p.name === 'etcd' ? 5000 : 10000);
        this.watchdog?.kill('SIGKILL');
        this.watchdog = undefined;
        if (!this.keepDir) fs.rmSync(this.dir, { recursive: true, force: true });
        this.stopped = true;
        live.delete(this);
        for (const [sig, h] of this.signalHandlers) process.off(sig, h);
        this.signalHandlers = [];
      })();
    }
    return this.stopping;
  }

  runCleanupScript(): void {
    if (!this.cleanupScript) return;
    spawnSync('sh', ['-c', this.cleanupScript], { stdio: 'ignore', timeout: 30_000 });
  }

  killSync(): void {
    if (this.stopped) return;
    this.runCleanupScript();
    for (const p of this.procs) {
      if (p.child.exitCode === null && p.child.signalCode === null) {
        try {
          p.child.kill('SIGKILL');
        } catch {
          // already gone
        }
      }
    }
    try {
      this.watchdog?.kill('SIGKILL');
    } catch {
      // already gone
    }
    if (!this.keepDir) {
      // etcd may still hold files for a moment after SIGKILL; rmSync copes with that on Linux.
      fs.rmSync(this.dir, { recursive: true, force: true, maxRetries: 3 });
    }
    this.stopped = true;
    live.delete(this);
  }

  installSignalHandlers(): void {
    for (const sig of ['SIGINT', 'SIGTERM'] as const) {
      const handler = (): void => {
        // If nobody else listens, this handler replaced Node's default "exit on signal":
        // stop, then re-raise the signal with the default behaviour restored.
        const alone = process.listenerCount(sig) === 1;
        void this.stop().finally(() => {
          if (alone) process.kill(process.pid, sig);
        });
      };
      process.on(sig, handler);
      this.signalHandlers.push([sig, handler]);
    }
  }

  describeFailure(reason: string): string {
    const parts = [`control plane failed to start: ${reason}`, `(dir ${this.dir})`];
    for (const p of this.procs) {
      parts.push(`----- ${p.name} (${p.exitInfo ?? 'running'}) last lines of ${p.logFile} -----`);
      parts.push(tailFile(p.logFile, 40));
    }
    return parts.join('\n');
  }
}

async function waitFor(
  what: string,
  deadline: number,
  plane: RunningPlane,
  check: () => Promise<boolean>,
): Promise<void> {
  let lastErr = '';
  while (Date.now() < deadline) {
    const dead = plane.procs.find((p) => p.exitInfo !== undefined);
    if (dead) throw new Error(`${dead.name} exited (${dead.exitInfo}) while waiting for ${what}`);
    try {
      if (await check()) return;
    } catch (err) {
      lastErr = err instanceof Error ? err.message : String(err);
    }
    await sleep(250);
  }
  throw new Error(`timed out waiting for ${what}${lastErr ? ` (last error: ${lastErr})` : ''}`);
}

/** Start etcd, kube-apiserver and (by default) kube-controller-manager; resolves when ready. */
export async function startControlPlane(opts: ControlPlaneOptions = {}): Promise<ControlPlane> {
  const log = opts.log ?? (() => {});
  const t0 = Date.now();
  const binDir = opts.binDir ?? resolveKubeBinDir(log);
  const withKcm = opts.controllerManager ?? true;
  const keepDir = opts.keepDir ?? process.env['PODSEC_KEEP_CLUSTER_DIR'] === '1';
  const tlsMode = opts.tls ?? (which('openssl') ? 'openssl' : 'self-signed');
  const withNode = opts.node ?? false;
  if (withNode) {
    const missing = missingNodeTools();
    if (missing.length)
      throw new Error(`node: true needs ${missing.join(', ')}: run \`bash test/node/install.sh\` (as root)`);
    if (process.getuid?.() !== 0) throw new Error('node: true needs root (namespaces, cgroups, mounts)');
  }

  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'podsec-cp-'));
  const plane = new RunningPlane(dir, keepDir);
  live.add(plane);
  installExitHook();
  if (opts.handleSignals ?? true) plane.installSignalHandlers();

  try {
    const deadline = Date.now() + (opts.startTimeoutMs ?? 120_000);
    const certDir = path.join(dir, 'certs');
    fs.mkdirSync(certDir, { mode: 0o700 });

    // Credentials: four static token users, one service-account signing key.
    const tokens = { admin: token(), reader: token(), applier: token(), limited: token() } satisfies Record<
      User,
      string
    >;
    const nodeToken = token();
    const tokenFile = path.join(dir, 'tokens.csv');
    fs.writeFileSync(
      tokenFile,
      [
        `${tokens.admin},admin,uid-admin,"system:masters"`,
        `${tokens.reader},reader,uid-reader`,
        `${tokens.applier},applier,uid-applier`,
        `${tokens.limited},limited,uid-limited`,
        // The kubelet's identity (Node authorizer + NodeRestriction admission).
        `${nodeToken},system:node:${NODE_NAME},uid-node,"system:nodes"`,
        '',
      ].join('\n'),
      { mode: 0o600 },
    );
    const saKeyFile = path.join(certDir, 'service-account.key');
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    fs.writeFileSync(saKeyFile, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });

    const admissionFile = path.join(dir, 'admission.yaml');
    fs.writeFileSync(admissionFile, admissionConfigYaml(opts.podSecurity ?? {}));

    const [etcdPort, etcdPeerPort, apiPort] = [await freePort(), await freePort(), await freePort()];
    const server = `https://127.0.0.1:${apiPort}`;

    let tlsArgs: string[];
    let caFile: string;
    if (tlsMode === 'openssl') {
      const c = opensslCerts(certDir);
      caFile = c.caFile;
      tlsArgs = [`--tls-cert-file=${c.certFile}`, `--tls-private-key-file=${c.keyFile}`];
    } else {
      // The apiserver writes apiserver.crt (leaf + its self-signed CA) into --cert-dir.
      caFile = path.join(certDir, 'apiserver.crt');
      tlsArgs = [`--cert-dir=${certDir}`];
    }

    // 1. etcd
    log(`starting etcd on 127.0.0.1:${etcdPort}`);
    plane.start('etcd', path.join(binDir, 'etcd'), [
      '--name=default',
      `--data-dir=${path.join(dir, 'etcd')}`,
      `--listen-client-urls=http://127.0.0.1:${etcdPort}`,
      `--advertise-client-urls=http://127.0.0.1:${etcdPort}`,
      `--listen-peer-urls=http://127.0.0.1:${etcdPeerPort}`,
      `--initial-advertise-peer-urls=http://127.0.0.1:${etcdPeerPort}`,
      `--initial-cluster=default=http://127.0.0.1:${etcdPeerPort}`,
      '--unsafe-no-fsync',
      '--log-level=warn',
    ]);
    await waitFor('etcd /health', deadline, plane, async () => {
      const r = await request(`http://127.0.0.1:${etcdPort}/health`);
      return r.status === 200 && /"health"\s*:\s*"true"/.test(r.body);
    });

    // 2. kube-apiserver
    const apiArgs = [
      `--etcd-servers=http://127.0.0.1:${etcdPort}`,
      '--bind-address=127.0.0.1',
      `--secure-port=${apiPort}`,
      '--advertise-address=127.0.0.1',
      '--endpoint-reconciler-type=none',
      ...tlsArgs,
      '--authorization-mode=Node,RBAC',
      `--token-auth-file=${tokenFile}`,
      '--allow-privileged=true',
      `--admission-control-config-file=${admissionFile}`,
      '--service-account-issuer=https://kubernetes.default.svc.cluster.local',
      `--service-account-key-file=${saKeyFile}`,
      `--service-account-signing-key-file=${saKeyFile}`,
      '--service-cluster-ip-range=10.0.0.0/24',
      '--profiling=false',
      // The node is named `localhost` and reached through a loopback relay (see node.ts).
      '--kubelet-preferred-address-types=Hostname',
      ...(withKcm ? [] : ['--disable-admission-plugins=ServiceAccount']),
      ...(opts.apiServerArgs ?? []),
    ];
    if (opts.auditLog) {
      const policy = path.join(dir, 'audit-policy.yaml');
      fs.writeFileSync(
        policy,
        JSON.stringify({ apiVersion: 'audit.k8s.io/v1', kind: 'Policy', rules: [{ level: 'Metadata' }] }),
      );
      apiArgs.push(`--audit-policy-file=${policy}`, `--audit-log-path=${path.join(dir, 'audit.log')}`);
    }
    log(`starting kube-apiserver on ${server}`);
    plane.start('kube-apiserver', path.join(binDir, 'kube-apiserver'), apiArgs);
    let ca: Buffer | undefined;
    await waitFor('kube-apiserver /readyz', deadline, plane, async () => {
      if (!ca) {
        if (!fs.existsSync(caFile)) return false;
        ca = fs.readFileSync(caFile);
      }
      const r = await request(`${server}/readyz`, { ca });
      return r.status === 200;
    });
    const versionRes = await request(`${server}/version`, { ca: ca!, token: tokens.admin });
    const version = String((JSON.parse(versionRes.body) as { gitVersion?: string }).gitVersion ?? '');

    // 3. kubeconfigs
    const kubeconfigs = {} as Record<User, string>;
    for (const user of USERS) {
      const file = path.join(dir, user === 'admin' ? 'kubeconfig' : `kubeconfig-${user}`);
      fs.writeFileSync(file, kubeconfigYaml(server, caFile, user, tokens[user]), { mode: 0o600 });
      kubeconfigs[user] = file;
    }

    // 4. kube-controller-manager
    if (withKcm) {
      log('starting kube-controller-manager');
      plane.start('kube-controller-manager', path.join(binDir, 'kube-controller-manager'), [
        `--kubeconfig=${kubeconfigs.admin}`,
        '--leader-elect=false',
        '--bind-address=127.0.0.1',
        '--secure-port=0',
        `--controllers=${[...CONTROLLERS, ...(withNode ? NODE_CONTROLLERS : [])].join(',')}`,
        // kube-root-ca.crt in every namespace (projected service-account volumes need it).
        ...(withNode ? [`--root-ca-file=${caFile}`, '--node-monitor-period=1s'] : []),
      ]);
      await waitFor('serviceaccount default/default', deadline, plane, async () => {
        const r = await request(`${server}/api/v1/namespaces/default/serviceaccounts/default`, {
          ca: ca!,
          token: tokens.admin,
        });
        return r.status === 200;
      });
    }
    let node: ClusterNode | undefined;
    if (withNode) {
      if (!withKcm) throw new Error('node: true needs the controller manager (node lifecycle, root CA publisher)');
      log('starting kube-scheduler');
      plane.start('kube-scheduler', path.join(binDir, 'kube-scheduler'), [
        `--kubeconfig=${kubeconfigs.admin}`,
        '--leader-elect=false',
        '--bind-address=127.0.0.1',
        '--secure-port=0',
      ]);
      node = await startNode(plane, {
        dir,
        binDir,
        apiPort,
        caFile,
        nodeToken,
        server,
        ca: ca!,
        adminToken: tokens.admin,
        deadline,
        log,
      });
    }
    log(
      `control plane ${version}${node ? ' + node' : ''} ready in ${((Date.now() - t0) / 1000).toFixed(1)}s (dir ${dir})`,
    );

    const logs = Object.fromEntries(plane.procs.map((p) => [p.name, p.logFile])) as Record<ComponentName, string>;
    return {
      kubeconfigPath: kubeconfigs.admin,
      server,
      caFile,
      version,
      tokens,
      kubeconfigFor: (user: User) => kubeconfigs[user],
      dir,
      binDir,
      logs,
      ports: { etcd: etcdPort, etcdPeer: etcdPeerPort, apiserver: apiPort },
      ...(node ? { node } : {}),
      async restartApiServer(o = {}) {
        const old = plane.procs.find((p) => p.name === 'kube-apiserver' && p.exitInfo === undefined);
        if (!old) throw new Error('kube-apiserver is not running');
        if (o.kill) {
          old.child.kill('SIGKILL');
          await old.exited;
        } else await plane.stopProc(old, 10_000);
        plane.procs = plane.procs.filter((p) => p !== old);
        await sleep(o.downMs ?? 0);
        plane.start('kube-apiserver', old.bin, old.args);
        await waitFor(
          'kube-apiserver /readyz after a restart',
          Date.now() + 120_000,
          plane,
          async () => (await request(`${server}/readyz`, { ca: ca! })).status === 200,
        );
      },
      apiServerPid: () => plane.procs.find((p) => p.name === 'kube-apiserver' && p.exitInfo === undefined)?.child.pid,
      stop: () => plane.stop(),
    };
  } catch (err) {
    const msg = plane.describeFailure(err instanceof Error ? err.message : String(err));
    await plane.stop();
    throw new Error(msg, { cause: err });
  }
}

interface StartNodeInput {
  dir: string;
  binDir: string;
  apiPort: number;
  caFile: string;
  nodeToken: string;
  server: string;
  ca: Buffer;
  adminToken: string;
  deadline: number;
  log: (m: string) => void;
}

/** Namespaces, relays, containerd (+ images), kubelet; resolves when the node is Ready and untainted. */
async function startNode(plane: RunningPlane, i: StartNodeInput): Promise<ClusterNode> {
  const imagesTar = resolveImageArchive(i.log);
  const id = path
    .basename(i.dir)
    .replace(/^podsec-cp-/, '')
    .toLowerCase()
    .replace(/[^a-z0-9]/g, '');
  const group = `podsec-${id}`;
  plane.cleanupScript = cgroupCleanupScript(group);
  createCgroups(group);
  plane.refreshWatchdog();
  const cg = (argv: string[]) => inCgroupArgv(group, argv);
  const kubeletPort = await freePort();
  const paths = writeNodeConfig({
    dir: i.dir,
    group,
    apiPort: i.apiPort,
    kubeletPort,
    caFile: i.caFile,
    nodeToken: i.nodeToken,
  });

  // 1. namespaces: the node (net + private mounts) and its peer, joined by a veth pair.
  const holder = plane.start('node-ns', nodeHolderArgv()[0]!, nodeHolderArgv().slice(1), cg);
  const peer = plane.start('peer-ns', peerHolderArgv()[0]!, peerHolderArgv().slice(1), cg);
  const nsPid = holder.child.pid!;
  const peerPid = peer.child.pid!;
  // The holder's shell execs sleep once its mounts are in place.
  await waitFor('node namespace', i.deadline, plane, async () => {
    try {
      return fs.readFileSync(`/proc/${nsPid}/cmdline`, 'utf8').startsWith('sleep');
    } catch {
      return false;
    }
  });
  wireNetwork(nsPid, peerPid, `psn${id.slice(-8)}`);
  const inNode = (m: boolean) => (argv: string[]) =>
    cg(['nsenter', '-t', String(nsPid), '-n', ...(m ? ['-m'] : []), '--', ...argv]);

  // 2. relays: kubelet -> apiserver, apiserver -> kubelet, each as TCP <-> Unix socket <-> TCP.
  plane.start(
    'relay-api-host',
    'socat',
    [`UNIX-LISTEN:${paths.apiSock},fork,unlink-early`, `TCP:127.0.0.1:${i.apiPort}`],
    cg,
  );
  plane.start(
    'relay-api-node',
    'socat',
    [`TCP-LISTEN:${i.apiPort},bind=127.0.0.1,reuseaddr,fork`, `UNIX-CONNECT:${paths.apiSock}`],
    inNode(false),
  );
  plane.start(
    'relay-kubelet-node',
    'socat',
    [`UNIX-LISTEN:${paths.kubeletSock},fork,unlink-early`, `TCP:127.0.0.1:${kubeletPort}`],
    inNode(false),
  );
  plane.start(
    'relay-kubelet-host',
    'socat',
    [`TCP-LISTEN:${kubeletPort},bind=127.0.0.1,reuseaddr,fork`, `UNIX-CONNECT:${paths.kubeletSock}`],
    cg,
  );

  // 3. containerd, then the images (sandbox image first of all).
  i.log('starting containerd');
  plane.start('containerd', 'containerd', ['--config', paths.containerdConfig, '--log-level', 'warn'], inNode(true));
  await waitFor('containerd socket', i.deadline, plane, async () => fs.existsSync(paths.containerdSocket));
  const t0 = Date.now();
  const imp = spawnSync(
    inNode(true)(['ctr', '--address', paths.containerdSocket, '-n', 'k8s.io', 'images', 'import', imagesTar])[0]!,
    inNode(true)(['ctr', '--address', paths.containerdSocket, '-n', 'k8s.io', 'images', 'import', imagesTar]).slice(1),
    { encoding: 'utf8' },
  );
  if (imp.status !== 0) throw new Error(`importing ${imagesTar} into containerd failed: ${imp.stderr}`);
  i.log(`imported ${Object.keys(IMAGES).length} images in ${((Date.now() - t0) / 1000).toFixed(1)}s`);

  // 4. kubelet.
  i.log(`starting kubelet (node ${NODE_NAME}, ${NODE_IP}, port ${kubeletPort})`);
  const kubeletStart = Date.now();
  plane.start(
    'kubelet',
    path.join(i.binDir, 'kubelet'),
    [
      `--config=${paths.kubeletConfig}`,
      `--kubeconfig=${paths.kubeletKubeconfig}`,
      `--root-dir=${paths.kubeletRoot}`,
      `--hostname-override=${NODE_NAME}`,
      `--node-ip=${NODE_IP}`,
      '--v=1',
    ],
    inNode(true),
  );
  const nodeUrl = `${i.server}/api/v1/nodes/${NODE_NAME}`;
  await waitFor(`node ${NODE_NAME} Ready`, i.deadline, plane, async () => {
    const r = await request(nodeUrl, { ca: i.ca, token: i.adminToken });
    if (r.status !== 200) return false;
    const n = JSON.parse(r.body) as { status?: { conditions?: Array<{ type: string; status: string }> } };
    return n.status?.conditions?.some((c) => c.type === 'Ready' && c.status === 'True') ?? false;
  });
  const readySeconds = (Date.now() - kubeletStart) / 1000;
  await waitFor('the not-ready taint to be removed', i.deadline, plane, async () => {
    const r = await request(nodeUrl, { ca: i.ca, token: i.adminToken });
    const n = JSON.parse(r.body) as { spec?: { taints?: Array<{ key: string }> } };
    return !(n.spec?.taints ?? []).some((t) => t.key.startsWith('node.kubernetes.io/'));
  });
  i.log(`node ${NODE_NAME} Ready ${readySeconds.toFixed(1)}s after kubelet start`);

  const procRss = (pid: number): number => {
    try {
      const m = /VmRSS:\s+(\d+)/.exec(fs.readFileSync(`/proc/${pid}/status`, 'utf8'));
      return m ? Number(m[1]) : 0;
    } catch {
      return 0;
    }
  };
  const pidsOf = (name: ComponentName) => plane.procs.filter((p) => p.name === name).map((p) => p.child.pid ?? 0);
  const cmdlineHas = (pid: number, s: string) => {
    try {
      return fs.readFileSync(`/proc/${pid}/cmdline`, 'utf8').includes(s);
    } catch {
      return false;
    }
  };
  return {
    name: NODE_NAME,
    ip: NODE_IP,
    podCidr: POD_CIDR,
    nsPid,
    peerPid,
    cgroup: group,
    containerdSocket: paths.containerdSocket,
    readySeconds,
    exec(argv, opts = {}) {
      const pid = opts.where === 'peer' ? peerPid : nsPid;
      const r = spawnSync(
        'nsenter',
        ['-t', String(pid), '-n', ...(opts.where === 'peer' ? [] : ['-m']), '--', ...argv],
        {
          encoding: 'utf8',
          timeout: opts.timeoutMs ?? 30_000,
        },
      );
      return { code: r.status, stdout: r.stdout ?? '', stderr: r.stderr ?? '' };
    },
    httpGet(url, timeoutMs) {
      return peerHttpGet(peerPid, url, timeoutMs);
    },
    rss() {
      const shims = fs
        .readdirSync('/proc')
        .filter((p) => /^\d+$/.test(p))
        .map(Number)
        .filter((pid) => cmdlineHas(pid, 'containerd-shim') && cmdlineHas(pid, paths.containerdSocket));
      const sum = (pids: number[]) => pids.reduce((s, p) => s + procRss(p), 0);
      return { kubelet: sum(pidsOf('kubelet')), containerd: sum(pidsOf('containerd')), shims: sum(shims) };
    },
  };
}
