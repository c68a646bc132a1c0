/**
 * One real Kubernetes node for the test control plane: containerd + runc (Debian packages),
 * CNI bridge/host-local/loopback, and the kubelet built by test/kube/build.sh, all inside
 * namespaces this harness creates and that vanish with their processes. See
 * test/kube/BUILD.md ("The node") for every setting and why.
 *
 * Layout (one per cluster instance; several may run on one machine):
 *   - a holder process `unshare --mount --net` owns the node's network and mount namespaces.
 *     Its mount namespace is private and gets its own tmpfs on /run and /var/lib/cni, so
 *     containerd's runc state, the pods' network namespaces (/run/netns) and CNI results
 *     never show in the machine's namespaces. Everything mounted for pods lives only there.
 *   - a second holder `unshare --net` is the "peer" host; a veth pair joins it (10.200.0.1)
 *     to the node (10.200.0.2, the node IP). Pods get 10.244.0.0/24 on the bridge cni0 in the
 *     node's namespace; the peer routes that range via the node. No default route anywhere,
 *     so nothing inside can reach any address outside these namespaces.
 *   - kubelet -> apiserver: in the node's namespace 127.0.0.1:<apiPort> is a socat relay to a
 *     Unix socket, relayed in the machine's namespace to the apiserver on 127.0.0.1.
 *   - apiserver -> kubelet (logs, exec, port-forward): the node's name is `localhost`, so
 *     with --kubelet-preferred-address-types=Hostname the apiserver dials
 *     localhost:<kubeletPort>, a socat relay to a Unix socket relayed into the node's
 *     namespace to the kubelet.
 *   - every process (relays, containerd, its shims, kubelet, the pods) runs in the cgroup
 *     tree /podsec-<id> of each v1 controller; cleanup kills what is left there, removes
 *     the cgroups, and the namespaces and mounts disappear with the last process.
 */
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..');

/** Name the node registers with (the apiserver dials it as a hostname: see above). */
export const NODE_NAME = 'localhost';
export const NODE_IP = '10.200.0.2';
export const PEER_IP = '10.200.0.1';
export const POD_CIDR = '10.244.0.0/24';
export const CNI_BIN_DIR = '/usr/lib/cni';
/** Image tags built by test/node/images.sh. */
export const IMAGES = {
  pause: 'podsec.local/pause:1',
  vote: 'podsec.local/vote:1',
  nginx: 'podsec.local/nginx:1',
  redis: 'podsec.local/redis:1',
  postgres: 'podsec.local/postgres:1',
  rootonly: 'podsec.local/rootonly:1',
  busybox: 'podsec.local/busybox:1',
} as const;

const CGROUP_ROOT = '/sys/fs/cgroup';

/** Tools the node needs (installed by test/node/install.sh). */
export const NODE_TOOLS = [
  'containerd',
  'containerd-shim-runc-v2',
  'runc',
  'ctr',
  'socat',
  'unshare',
  'nsenter',
  'ip',
] as const;

export function missingNodeTools(): string[] {
  const dirs = (process.env['PATH'] ?? '').split(':').concat(['/usr/sbin', '/sbin']);
  const missing: string[] = NODE_TOOLS.filter((t) => !dirs.some((d) => fs.existsSync(path.join(d, t))));
  for (const p of ['bridge', 'host-local', 'loopback'])
    if (!fs.existsSync(path.join(CNI_BIN_DIR, p))) missing.push(`${CNI_BIN_DIR}/${p}`);
  return missing;
}

/** Build (or reuse) the image archive; returns its path (test/node/images.sh, cached). */
export function resolveImageArchive(log?: (m: string) => void): string {
  const fromEnv = process.env['PODSEC_NODE_IMAGES'];
  if (fromEnv) return fromEnv;
  const script = path.join(repoRoot, 'test', 'node', 'images.sh');
  log?.('running test/node/images.sh (cached after the first build)');
  const res = spawnSync('bash', [script], { stdio: ['ignore', 'pipe', 'inherit'], encoding: 'utf8' });
  if (res.status !== 0) throw new Error(`test/node/images.sh failed (exit ${res.status ?? res.signal})`);
  const lines = res.stdout.trim().split('\n');
  const file = lines[lines.length - 1]?.trim();
  if (!file || !fs.existsSync(file))
    throw new Error(`test/node/images.sh printed no archive: ${JSON.stringify(res.stdout)}`);
  return file;
}

/** v1 controllers mounted on this machine (cgroup v1 hierarchy), e.g. ['blkio', 'cpu', ...]. */
export function cgroupControllers(): string[] {
  try {
    return fs
      .readdirSync(CGROUP_ROOT)
      .filter((c) => fs.existsSync(path.join(CGROUP_ROOT, c, 'cgroup.procs')))
      .filter((c) => {
        try {
          return !fs.lstatSync(path.join(CGROUP_ROOT, c)).isSymbolicLink();
        } catch {
          return false;
        }
      });
  } catch {
    return [];
  }
}

/** Create /podsec-<id>/node in every controller (cpuset initialised from the root). */
export function createCgroups(group: string): void {
  for (const c of cgroupControllers()) {
    for (const sub of [group, `${group}/node`]) {
      const dir = path.join(CGROUP_ROOT, c, sub);
      fs.mkdirSync(dir, { recursive: true });
      if (c === 'cpuset') {
        for (const f of ['cpuset.cpus', 'cpuset.mems']) {
          const parent = fs.readFileSync(path.join(path.dirname(dir), f), 'utf8').trim();
          if (!fs.readFileSync(path.join(dir, f), 'utf8').trim()) fs.writeFileSync(path.join(dir, f), parent);
        }
      }
    }
  }
}

/**
 * Shell lines that kill every process left in the cgroup tree /<group> and remove it; used by
 * stop(), the exit hook and the SIGKILL watchdog alike (so it must be plain sh).
 */
export function cgroupCleanupScript(group: string): string {
  const q = (s: string) => `'${s.replace(/'/g, `'\\''`)}'`;
  const dirs = cgroupControllers().map((c) => q(path.join(CGROUP_ROOT, c, group)));
  if (!dirs.length) return ':';
  return [
    `for i in 1 2 3 4 5 6 7 8 9 10 11 12 13 14 15 16 17 18 19 20; do`,
    `  pids=$(for d in ${dirs.join(' ')}; do [ -d "$d" ] && find "$d" -name cgroup.procs -exec cat {} + 2>/dev/null; done | sort -u)`,
    `  [ -z "$pids" ] && break`,
    `  kill -KILL $pids 2>/dev/null`,
    `  sleep 0.3`,
    `done`,
    `for d in ${dirs.join(' ')}; do [ -d "$d" ] && find "$d" -depth -type d -exec rmdir {} + 2>/dev/null; done`,
    `true`,
  ].join('\n');
}

/** `sh -c` prefix that moves the shell into /<group>/node of every controller, then execs the command. */
export function inCgroupArgv(group: string, argv: string[]): string[] {
  const files = cgroupControllers().map((c) => path.join(CGROUP_ROOT, c, group, 'node', 'cgroup.procs'));
  const script = `for f in ${files.map((f) => `'${f}'`).join(' ')}; do echo $$ > "$f"; done; exec "$@"`;
  return ['sh', '-c', script, 'sh', ...argv];
}

export interface NodeConfigInput {
  dir: string;
  group: string;
  apiPort: number;
  kubeletPort: number;
  caFile: string;
  nodeToken: string;
}

export interface NodePaths {
  containerdConfig: string;
  containerdSocket: string;
  kubeletConfig: string;
  kubeletKubeconfig: string;
  kubeletRoot: string;
  podLogs: string;
  apiSock: string;
  kubeletSock: string;
}

/** Write containerd's config, the CNI config, the kubelet's config and kubeconfig. */
export function writeNodeConfig(c: NodeConfigInput): NodePaths {
  const d = (...p: string[]) => path.join(c.dir, 'node', ...p);
  for (const sub of ['containerd/root', 'containerd/state', 'cni/net.d', 'cni/ipam', 'kubelet', 'pod-logs', 'sock'])
    fs.mkdirSync(d(sub), { recursive: true });
  const containerdSocket = d('sock', 'containerd.sock');
  const containerdConfig = d('containerd.toml');
  // TOML by hand: a few keys, all strings/bools.
  fs.writeFileSync(
    containerdConfig,
    [
      'version = 2',
      `root = "${d('containerd/root')}"`,
      `state = "${d('containerd/state')}"`,
      'disabled_plugins = ["io.containerd.snapshotter.v1.btrfs", "io.containerd.snapshotter.v1.zfs", "io.containerd.snapshotter.v1.aufs", "io.containerd.snapshotter.v1.devmapper", "io.containerd.tracing.processor.v1.otlp", "io.containerd.internal.v1.tracing"]',
      '[grpc]',
      `  address = "${containerdSocket}"`,
      '[ttrpc]',
      `  address = "${containerdSocket}.ttrpc"`,
      '[plugins."io.containerd.internal.v1.opt"]',
      `  path = "${d('containerd/opt')}"`,
      '[plugins."io.containerd.grpc.v1.cri"]',
      `  sandbox_image = "${IMAGES.pause}"`,
      '  restrict_oom_score_adj = true',
      '  stream_server_address = "127.0.0.1"',
      '  stream_server_port = "0"',
      '  enable_selinux = false',
      '  [plugins."io.containerd.grpc.v1.cri".containerd]',
      '    snapshotter = "overlayfs"',
      '    default_runtime_name = "runc"',
      '    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]',
      '      runtime_type = "io.containerd.runc.v2"',
      '      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]',
      '        SystemdCgroup = false',
      `        Root = "${d('containerd/runc')}"`,
      '  [plugins."io.containerd.grpc.v1.cri".cni]',
      `    bin_dir = "${CNI_BIN_DIR}"`,
      `    conf_dir = "${d('cni/net.d')}"`,
      '    max_conf_num = 1',
      '',
    ].join('\n'),
  );
  fs.writeFileSync(
    d('cni/net.d/10-podsec.conflist'),
    JSON.stringify(
      {
        cniVersion: '1.0.0',
        name: `podsec-${c.group.replace(/^podsec-/, '')}`,
        plugins: [
          {
            type: 'bridge',
            bridge: 'cni0',
            isGateway: true,
            ipMasq: false,
            hairpinMode: true,
            ipam: {
              type: 'host-local',
              ranges: [[{ subnet: POD_CIDR }]],
              routes: [{ dst: '0.0.0.0/0' }],
              dataDir: d('cni/ipam'),
            },
          },
        ],
      },
      null,
      2,
    ),
  );
  const kubeletKubeconfig = d('kubelet.kubeconfig');
  fs.writeFileSync(
    kubeletKubeconfig,
    JSON.stringify({
      apiVersion: 'v1',
      kind: 'Config',
      clusters: [
        {
          name: 'podsec-test',
          cluster: { server: `https://127.0.0.1:${c.apiPort}`, 'certificate-authority': c.caFile },
        },
      ],
      users: [{ name: 'node', user: { token: c.nodeToken } }],
      contexts: [{ name: 'node', context: { cluster: 'podsec-test', user: 'node' } }],
      'current-context': 'node',
    }),
    { mode: 0o600 },
  );
  const kubeletConfig = d('kubelet-config.yaml');
  fs.writeFileSync(
    kubeletConfig,
    JSON.stringify(
      {
        apiVersion: 'kubelet.config.k8s.io/v1beta1',
        kind: 'KubeletConfiguration',
        failCgroupV1: false,
        cgroupDriver: 'cgroupfs',
        cgroupRoot: `/${c.group}`,
        containerRuntimeEndpoint: `unix://${containerdSocket}`,
        address: '127.0.0.1',
        port: c.kubeletPort,
        readOnlyPort: 0,
        healthzPort: 0,
        authentication: { anonymous: { enabled: true }, webhook: { enabled: false }, x509: {} },
        authorization: { mode: 'AlwaysAllow' },
        podLogsDir: d('pod-logs'),
        resolvConf: '',
        clusterDomain: 'cluster.local',
        // A nameserver address inside the harness's namespaces (the peer; nothing listens on
        // :53, so a lookup fails at once). Unset, the kubelet posts a MissingClusterDNS warning
        // event on every pod, which podsec would then show among a failing pod's events.
        clusterDNS: [PEER_IP],
        failSwapOn: false,
        imageGCHighThresholdPercent: 100,
        imageGCLowThresholdPercent: 99,
        evictionHard: { 'memory.available': '1Mi', 'nodefs.available': '1%', 'imagefs.available': '1%' },
        serializeImagePulls: false,
        registerNode: true,
        volumePluginDir: d('kubelet', 'volume-plugins'),
        staticPodPath: '',
        maxPods: 110,
        nodeStatusUpdateFrequency: '2s',
        nodeStatusReportFrequency: '10s',
        syncFrequency: '5s',
        fileCheckFrequency: '5s',
        kubeAPIQPS: 50,
        kubeAPIBurst: 100,
        // Only the 'pods' cgroup is enforced; nothing reserved for a system slice that does not exist.
        enforceNodeAllocatable: ['pods'],
      },
      null,
      2,
    ),
  );
  return {
    containerdConfig,
    containerdSocket,
    kubeletConfig,
    kubeletKubeconfig,
    kubeletRoot: d('kubelet'),
    podLogs: d('pod-logs'),
    apiSock: d('sock', 'api.sock'),
    kubeletSock: d('sock', 'kubelet.sock'),
  };
}

/** The holder of the node's namespaces: private mounts for /run and /var/lib/cni, then sleep. */
export function nodeHolderArgv(): string[] {
  const script = [
    'set -e',
    'mount --make-rprivate /',
    'mount -t tmpfs -o mode=0755 podsec-node-run /run',
    'mkdir -p /run/netns',
    // CNI caches its results in /var/lib/cni: private too (the empty dir is created once, like the package would).
    'mkdir -p /var/lib/cni && mount -t tmpfs podsec-node-cni /var/lib/cni',
    'ip link set lo up',
    'exec sleep 2147483647',
  ].join('\n');
  return ['unshare', '--mount', '--net', '--propagation', 'private', '--', 'sh', '-c', script];
}

export function peerHolderArgv(): string[] {
  return ['unshare', '--net', '--', 'sh', '-c', 'ip link set lo up; exec sleep 2147483647'];
}

function run(argv: string[], what: string): string {
  const r = spawnSync(argv[0]!, argv.slice(1), { encoding: 'utf8' });
  if (r.status !== 0)
    throw new Error(`${what}: ${argv.join(' ')} failed (exit ${r.status ?? r.signal}): ${r.stderr.trim()}`);
  return r.stdout;
}

/** veth between the node and the peer namespace, addresses, routes, forwarding. */
export function wireNetwork(nodePid: number, peerPid: number, vethName: string): void {
  run(['ip', 'link', 'add', vethName, 'type', 'veth', 'peer', 'name', 'eth0', 'netns', String(nodePid)], 'veth');
  run(['ip', 'link', 'set', vethName, 'netns', String(peerPid)], 'veth to peer');
  const inNode = (...a: string[]) => run(['nsenter', '-t', String(nodePid), '-n', ...a], 'node net');
  const inPeer = (...a: string[]) => run(['nsenter', '-t', String(peerPid), '-n', ...a], 'peer net');
  inNode('ip', 'addr', 'add', `${NODE_IP}/24`, 'dev', 'eth0');
  inNode('ip', 'link', 'set', 'eth0', 'up');
  inNode('sysctl', '-qw', 'net.ipv4.ip_forward=1');
  inPeer('ip', 'link', 'set', vethName, 'name', 'eth0');
  inPeer('ip', 'addr', 'add', `${PEER_IP}/24`, 'dev', 'eth0');
  inPeer('ip', 'link', 'set', 'eth0', 'up');
  inPeer('ip', 'route', 'add', POD_CIDR, 'via', NODE_IP);
}

/**
 * HTTP GET from inside the peer namespace `peerPid` (e.g. to a pod IP): status and body. socat
 * (installed for the relays) does the request; no shell, no curl in the namespace needed.
 */
export async function peerHttpGet(
  peerPid: number,
  url: string,
  timeoutMs = 5000,
): Promise<{ status: number; body: string }> {
  const u = new URL(url);
  const req = `GET ${u.pathname}${u.search} HTTP/1.0\r\nHost: ${u.host}\r\n\r\n`;
  const secs = String(Math.ceil(timeoutMs / 1000));
  const r = spawnSync(
    'nsenter',
    [
      '-t',
      String(peerPid),
      '-n',
      '--',
      'socat',
      '-T',
      secs,
      '-',
      `TCP:${u.hostname}:${u.port || 80},connect-timeout=${secs}`,
    ],
    { input: req, encoding: 'utf8', timeout: timeoutMs + 2000 },
  );
  const out = r.stdout ?? '';
  const m = /^HTTP\/\d\.\d (\d{3})/.exec(out);
  if (!m)
    throw new Error(`GET ${url} from the peer namespace failed: ${(r.stderr ?? '').trim() || 'no HTTP response'}`);
  return { status: Number(m[1]), body: out.slice(out.indexOf('\r\n\r\n') + 4) };
}
