// A fake-port container over the wizard fixture: the real fix engine proposes, the plan preview
// and the write are recorded instead of touching disk (the full demo walk uses the real ports).
import { proposeFixes, type Answers } from '../../src/fix/index.js';
import type { PlanResult, WizardPorts, WriteOutcome } from '../../src/wizard/ports.js';
import { fixtureInventory, VERSION } from '../wizard/fixture.js';

export interface Recorded {
  written: { answers: Answers; outDir: string }[];
  evidence: string[];
}

export function fakePorts(rec: Recorded = { written: [], evidence: [] }): WizardPorts {
  const inventory = fixtureInventory();
  const propose = async (_inv: unknown, answers: Answers) =>
    proposeFixes(inventory, { target: 'restricted', version: VERSION, answers });
  return {
    listContexts: async () => [
      { name: 'dev', cluster: 'dev', server: 'https://dev:6443', current: false },
      { name: 'prod', cluster: 'prod', server: 'https://prod:6443', current: true },
    ],
    scan: async (_ctx, onProgress, _signal) => {
      onProgress({
        namespaces: ['app', 'ok'],
        kinds: ['Deployment', 'DaemonSet'],
        workloads: 3,
        elapsedMs: 1200,
        serverVersion: 'v1.36.2',
      });
      const answers = (await import('../../src/fix/index.js')).EMPTY_ANSWERS;
      return {
        inventory,
        proposals: await propose(inventory, answers),
        target: 'restricted',
        version: VERSION,
        answers,
        evidence: [],
      };
    },
    propose,
    gatherEvidence: async (_inv, key) => {
      rec.evidence.push(key);
      return { found: true, note: `evidence for ${key}: 1 finding(s)` };
    },
    previewPlan: async () => ({
      phases: [
        { id: '1-observe', title: 'Observe', namespaces: [{ name: 'app', steps: 1 }] },
        { id: '2-fix', title: 'Fix workloads', namespaces: [{ name: 'app', steps: 1 }] },
      ],
      summary: { workloads: 3, compliant: 1, fixed: 0, review: 1, blocked: 1, skipped: 0 },
    }),
    writePlan: async (_inv, answers, _ev, outDir): Promise<WriteOutcome> => {
      rec.written.push({ answers, outDir });
      const written: PlanResult = {
        dir: `/abs/${outDir}`,
        files: 9,
        summary: {},
        report: `Wrote the plan to ${outDir}/\nNext: review it\n`,
      };
      return { written };
    },
  };
}
