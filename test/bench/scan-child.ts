// Child process of `npm run bench:cluster`: one live scan (read + engine verdicts at baseline and
// restricted, no verification) against KUBECONFIG; prints {ms, maxRssMb, workloads, pods} as JSON.
import { readLive } from '../../src/cluster/inventory.js';
import type { CommandContext } from '../../src/cli/context.js';
import { evaluatePod } from '../../src/policy/index.js';
import { resolveLiveVersion } from '../../src/inventory/server-policy.js';

const ctx = {
  env: process.env,
  signal: new AbortController().signal,
  now: () => new Date(),
} as unknown as CommandContext;
const t0 = performance.now();
const live = await readLive({ file: [], namespace: [], allNamespaces: true }, ctx);
live.session.client.close();
const version = resolveLiveVersion('latest', live.session.policyMinor);
let failing = 0;
for (const w of live.inventory.workloads) {
  for (const level of ['baseline', 'restricted'] as const) {
    if (!evaluatePod(w.template, level, version, { isPod: w.kind === 'Pod' }).allowed) failing++;
  }
}
const ms = performance.now() - t0;
const pods = [...live.pods.values()].reduce((n, l) => n + l.length, 0);
process.stdout.write(
  `${JSON.stringify({ ms: Math.round(ms), maxRssMb: Math.round(process.resourceUsage().maxRSS / 1024), workloads: live.inventory.workloads.length, pods, failing })}\n`,
);
