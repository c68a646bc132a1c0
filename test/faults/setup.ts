/**
 * vitest globalSetup of the `faults` project (`npm run test:faults`, also part of `npm test`):
 * its own real control plane (etcd, kube-apiserver with an audit log, kube-controller-manager),
 * so fault cases may stop, restart and pause the API server without disturbing other tests; a
 * loopback control endpoint for that; and the shared tally (test/faults/tally.ts), printed at the
 * end. It provides the same keys as test/setup/global-cluster.ts, so test/harness/env.ts works.
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import * as os from 'node:os';
import * as path from 'node:path';
import type { TestProject } from 'vitest/node';
import { startControlPlane, USERS, type ControlPlane, type User } from '../harness/control-plane.js';
import type {} from '../harness/env.js';
import { formatTally, readTally } from './tally.js';

declare module 'vitest' {
  export interface ProvidedContext {
    /** POST {url}/apiserver/restart?downMs=N[&kill=1], POST {url}/apiserver/pause?ms=N */
    faultsControl: string;
    /** The API server's audit log (Metadata level, every request). */
    faultsAuditLog: string;
    /** JSON lines of the tally (test/faults/tally.ts). */
    faultsTally: string;
  }
}

let cp: ControlPlane | undefined;
let control: http.Server | undefined;
let tallyDir = '';

export async function setup(project: TestProject): Promise<void> {
  cp = await startControlPlane({ auditLog: true, log: (m) => process.stderr.write(`[faults control-plane] ${m}\n`) });
  const plane = cp;
  tallyDir = fs.mkdtempSync(path.join(os.tmpdir(), 'podsec-faults-tally-'));
  control = http.createServer((req, res) => {
    const url = new URL(req.url ?? '/', 'http://x');
    const done = (code: number, text: string) => res.writeHead(code, { 'Content-Type': 'text/plain' }).end(text);
    if (req.method === 'POST' && url.pathname === '/apiserver/restart') {
      plane
        .restartApiServer({
          downMs: Number(url.searchParams.get('downMs') ?? '0'),
          kill: url.searchParams.get('kill') === '1',
        })
        .then(
          () => done(200, 'restarted'),
          (err: unknown) => done(500, String(err)),
        );
      return;
    }
    if (req.method === 'POST' && url.pathname === '/apiserver/pause') {
      const pid = plane.apiServerPid();
      if (pid === undefined) return done(500, 'not running');
      process.kill(pid, 'SIGSTOP');
      setTimeout(() => process.kill(pid, 'SIGCONT'), Number(url.searchParams.get('ms') ?? '1000'));
      return done(200, 'paused');
    }
    done(404, 'unknown');
  });
  await new Promise<void>((r) => control!.listen(0, '127.0.0.1', r));
  project.provide('kubeconfig', cp.kubeconfigPath);
  project.provide(
    'kubeconfigs',
    Object.fromEntries(USERS.map((u) => [u, cp!.kubeconfigFor(u)])) as Record<User, string>,
  );
  project.provide('tokens', cp.tokens);
  project.provide('kubeServer', cp.server);
  project.provide('kubeCaFile', cp.caFile);
  project.provide('kubeVersion', cp.version);
  project.provide('kubeBinDir', cp.binDir);
  project.provide('faultsControl', `http://127.0.0.1:${(control.address() as AddressInfo).port}`);
  project.provide('faultsAuditLog', path.join(cp.dir, 'audit.log'));
  project.provide('faultsTally', path.join(tallyDir, 'tally.jsonl'));
}

export async function teardown(): Promise<void> {
  const records = readTally(path.join(tallyDir, 'tally.jsonl'));
  if (records.length > 0) process.stdout.write(`\n== podsec fault and abuse run ==\n${formatTally(records)}`);
  if (process.env['PODSEC_FAULTS_REPORT']) fs.writeFileSync(process.env['PODSEC_FAULTS_REPORT'], formatTally(records));
  await new Promise<void>((r) => (control ? control.close(() => r()) : r()));
  await cp?.stop();
  cp = undefined;
  fs.rmSync(tallyDir, { recursive: true, force: true });
}
