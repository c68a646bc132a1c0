/**
 * npm run cluster [-- --seed] [-- --keep-dir]
 *
 * Starts a local control plane (etcd, kube-apiserver, kube-controller-manager) in the
 * foreground for manual trials, prints the KUBECONFIG export line, optionally loads the
 * demo estate (test/harness/seed/*.yaml), and runs until Ctrl-C, which stops everything and
 * removes the temp dir.
 */
import * as path from 'node:path';
import { startControlPlane, USERS } from './control-plane.js';
import { seedEstate } from './seed.js';

const USAGE = `usage: npm run cluster [-- --seed] [--keep-dir]
  --seed      load the demo estate (namespaces shop, web, batch, monitoring, staging, legacy, payments)
  --keep-dir  keep the temp dir (logs, etcd data) after stopping
env: PODSEC_KUBE_BIN=<dir with etcd, kube-apiserver, kube-controller-manager> skips test/kube/build.sh`;

async function main(): Promise<void> {
  const args = process.argv.slice(2);
  if (args.includes('-h') || args.includes('--help')) {
    console.log(USAGE);
    return;
  }
  const unknown = args.filter((a) => !['--seed', '--keep-dir'].includes(a));
  if (unknown.length) {
    console.error(`unknown argument(s): ${unknown.join(' ')}\n${USAGE}`);
    process.exitCode = 2;
    return;
  }
  const log = (m: string): void => void process.stderr.write(`[cluster] ${m}\n`);

  // Our own signal handling: stop cleanly, then exit.
  const cp = await startControlPlane({ log, handleSignals: false, keepDir: args.includes('--keep-dir') });
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

  if (args.includes('--seed')) {
    log('seeding the demo estate');
    const res = await seedEstate(cp.kubeconfigPath, { log });
    const pods = res.workloads.reduce((n, w) => n + w.pods.length, 0);
    log(`seeded ${res.namespaces.length} namespaces, ${res.workloads.length} workloads, ${pods} pods (Pending: no scheduler/kubelet)`);
  }

  const kubectl = path.join(cp.binDir, 'kubectl');
  console.log(`
Kubernetes ${cp.version} control plane at ${cp.server} (dir ${cp.dir})
Users (static tokens): admin (system:masters); ${USERS.filter((u) => u !== 'admin').join(', ')} (no RBAC until you grant it)
  ${USERS.map((u) => `${u}: ${cp.kubeconfigFor(u)}`).join('\n  ')}
Logs: ${Object.values(cp.logs).join(' ')}
Version-matched kubectl: ${kubectl}

export KUBECONFIG=${cp.kubeconfigPath}

Press Ctrl-C to stop.`);
  // Keep running until a signal arrives.
  setInterval(() => {}, 1 << 30);
}

main().catch((err: unknown) => {
  console.error(err instanceof Error ? err.message : err);
  process.exit(1);
});
