/**
 * npm run cluster [-- --seed] [-- --no-node] [-- --keep-dir]
 *
 * Starts a local control plane (etcd, kube-apiserver, kube-controller-manager, kube-scheduler)
 * and one real node (containerd + kubelet, see node.ts) in the foreground for manual trials,
 * optionally seeds the runnable estate (test/harness/seed-node: namespace shop on local
 * images, `vote` crash-looping read-only), prints `KUBECONFIG=<path>` once all that is done,
 * and runs until Ctrl-C/SIGTERM, which stops everything and removes the temp dir, the node's
 * namespaces, mounts and cgroups. `--no-node` gives the control plane alone, and then
 * `--seed` loads the story estate (test/harness/seed/*.yaml) with Pending pods.
 */
import * as path from 'node:path';
import { startControlPlane, USERS } from './control-plane.js';
import { loadKubeConfig } from './kube-helpers.js';
import { listPods, seedRunnableEstate, summarizePod } from './runtime.js';
import { seedEstate } from './seed.js';

const USAGE = `usage: npm run cluster [-- --seed] [--no-node] [--keep-dir]
  --seed      with the node: the runnable estate (namespace shop on local images; vote crash-loops
              read-only, the rest runs); with --no-node: the story estate (shop, web, batch,
              monitoring, staging, legacy, payments) with Pending pods
  --no-node   control plane only (no kube-scheduler, containerd or kubelet; no root needed)
  --keep-dir  keep the temp dir (logs, etcd data) after stopping
The node needs root and test/node/install.sh's packages.
env: PODSEC_KUBE_BIN=<dir with etcd, kube-apiserver, kube-controller-manager> skips test/kube/build.sh`;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('-h') || args.includes('--help')) {
    console.log(USAGE);
    return;
  }
  const unknown = args.filter((a) => !['--seed', '--keep-dir', '--no-node'].includes(a));
  if (unknown.length) {
    console.error(`unknown argument(s): ${unknown.join(' ')}\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const log = (m: string): void => void process.stderr.write(`[cluster] ${m}\n`);

  // Our own signal handling: stop cleanly, then exit.
  const withNode = !args.includes('--no-node');
  const cp = await startControlPlane({
    log,
    handleSignals: false,
    keepDir: args.includes('--keep-dir'),
    node: withNode,
  });
  let stopping = false;
  const shutdown = (sig: string): void => {
    if (stopping) return;
    stopping = true;
    log(`${sig}: stopping control plane`);
    void cp.stop().then(
      () => {
        log('stopped');
        process.exit(0);
      },
      (err: unknown) => {
        console.error(err);
        process.exit(1);
      },
    );
  };
  process.on('SIGINT', () => shutdown('SIGINT'));
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGHUP', () => shutdown('SIGHUP'));

  if (args.includes('--seed') && withNode) {
    log('seeding the runnable estate (namespace shop on local images)');
    const kc = loadKubeConfig(cp.kubeconfigPath);
    const res = await seedRunnableEstate(cp.kubeconfigPath, kc, { log });
    log(`shop/vote crash-looping as in the incident: ${res.crashing.join(', ')}`);
    for (const p of await listPods(kc, 'shop')) {
      const s = summarizePod(p);
      log(`  ${s.name.padEnd(28)} ${s.ready ? 'Ready   ' : 'NotReady'} ${s.status.padEnd(17)} restarts ${s.restarts}`);
    }
  } else if (args.includes('--seed')) {
    log('seeding the demo estate');
    const res = await seedEstate(cp.kubeconfigPath, { log });
    const pods = res.workloads.reduce((n, w) => n + w.pods.length, 0);
    log(
      `seeded ${res.namespaces.length} namespaces, ${res.workloads.length} workloads, ${pods} pods (Pending: no scheduler/kubelet)`,
    );
  }

  const kubectl = path.join(cp.binDir, 'kubectl');
  console.log(`
Kubernetes ${cp.version} control plane at ${cp.server} (dir ${cp.dir})
Users (static tokens): admin (system:masters); ${USERS.filter((u) => u !== 'admin').join(', ')} (no RBAC until you grant it)
  ${USERS.map((u) => `${u}: ${cp.kubeconfigFor(u)}`).join('\n  ')}
Logs: ${Object.values(cp.logs).join(' ')}
Version-matched kubectl: ${kubectl}
${cp.node ? `Node ${cp.node.name} (${cp.node.ip}) Ready ${cp.node.readySeconds.toFixed(1)}s after kubelet start; pods ${cp.node.podCidr}; shell in its network: nsenter -t ${cp.node.nsPid} -n -m\n` : ''}
export KUBECONFIG=${cp.kubeconfigPath}
KUBECONFIG=${cp.kubeconfigPath}

Press Ctrl-C to stop.`);
  // Keep running until a signal arrives.
  setInterval(() => {}, 1 << 30);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
