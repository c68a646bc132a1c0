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

export const USERS = ['admin', 'reader', 'applier', 'limited'] as const;
export type User = (typeof USERS)[number];

export type PodSecurityMode = 'enforce' | 'audit' | 'warn';
export type PodSecurityLevel = 'privileged' | 'baseline' | 'restricted';

export interface PodSecurityAdmissionOptions {
  /** Cluster-wide defaults; every mode defaults to privileged:latest. */
  defaults?: Partial<Record<PodSecurityMode, PodSecurityLevel>> &
    Partial<Record<`${PodSecurityMode}-version`, string>>;
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
  /** Stop all components (KCM, apiserver, etcd) and remove the dir. Idempotent. */
  stop(): Promise<void>;
}

export type ComponentName = 'etcd' | 'kube-apiserver' | 'kube-controller-manager';

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
    return text.split('\n').slice(-lines - 1).join('\n');
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
  run(['x509', '-req', '-in', csr, '-CA', caFile, '-CAkey', caKey, '-CAcreateserial', '-days', '30', '-sha256', '-extfile', ext, '-out', certFile]);
  return { caFile, certFile, keyFile };
}

interface Proc {
  name: ComponentName;
  child: ChildProcess;
  logFile: string;
  exited: Promise<void>;
  exitInfo?: string;
}

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

  constructor(
    readonly dir: string,
    readonly keepDir: boolean,
  ) {}

  start(name: ComponentName, bin: string, args: string[]): Proc {
    const logFile = path.join(this.dir, `${name}.log`);
    const fd = fs.openSync(logFile, 'a');
    fs.writeSync(fd, `+ ${bin} ${args.join(' ')}\n`);
    // detached: own process group, so a terminal Ctrl-C reaches only us and we stop the
    // components in order (controller manager, apiserver, etcd).
    const child = spawn(bin, args, { stdio: ['ignore', fd, fd], detached: true });
    fs.closeSync(fd);
    const proc: Proc = {
      name,
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
        // Reverse start order: controller manager, apiserver, etcd.
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

  killSync(): void {
    if (this.stopped) return;
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
    const tokens = { admin: token(), reader: token(), applier: token(), limited: token() } satisfies Record<User, string>;
    const tokenFile = path.join(dir, 'tokens.csv');
    fs.writeFileSync(
      tokenFile,
      [
        `${tokens.admin},admin,uid-admin,"system:masters"`,
        `${tokens.reader},reader,uid-reader`,
        `${tokens.applier},applier,uid-applier`,
        `${tokens.limited},limited,uid-limited`,
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
      ...(withKcm ? [] : ['--disable-admission-plugins=ServiceAccount']),
      ...(opts.apiServerArgs ?? []),
    ];
    if (opts.auditLog) {
      const policy = path.join(dir, 'audit-policy.yaml');
      fs.writeFileSync(policy, JSON.stringify({ apiVersion: 'audit.k8s.io/v1', kind: 'Policy', rules: [{ level: 'Metadata' }] }));
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
        `--controllers=${CONTROLLERS.join(',')}`,
      ]);
      await waitFor('serviceaccount default/default', deadline, plane, async () => {
        const r = await request(`${server}/api/v1/namespaces/default/serviceaccounts/default`, { ca: ca!, token: tokens.admin });
        return r.status === 200;
      });
    }
    log(`control plane ${version} ready in ${((Date.now() - t0) / 1000).toFixed(1)}s (dir ${dir})`);

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
      stop: () => plane.stop(),
    };
  } catch (err) {
    const msg = plane.describeFailure(err instanceof Error ? err.message : String(err));
    await plane.stop();
    throw new Error(msg);
  }
}
