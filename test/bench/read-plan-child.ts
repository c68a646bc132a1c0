// `npm run bench` child: reads DIR/plan.json with readPlan (streamed above 64 MiB) and prints the
// workload count and the time taken; the parent measures its peak RSS with /usr/bin/time.
import { readPlan } from '../../src/files/read-plan.js';

const dir = process.argv[2];
if (dir === undefined) throw new Error('usage: read-plan-child.ts DIR');
const t0 = performance.now();
const plan = await readPlan(dir);
process.stdout.write(`${plan.workloads.length} ${((performance.now() - t0) / 1000).toFixed(2)}\n`);
