// Shell: the bundled demo estate (templates/demo/estate.yaml + evidence.yaml) as an Inventory with
// live state, and the fix-engine Evidence per workload. Used by `podsec demo` and plans/demo/.

import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import { InternalError } from '../errors.js';
import type { Evidence } from '../fix/index.js';
import { inventoryFromTexts } from '../inventory/manifests.js';
import { workloadKey, type Inventory, type Workload } from '../inventory/types.js';
import { parseDemoEvidence } from './demo-evidence.js';

/** File names of the demo estate inside templatesDir/demo/. */
export const DEMO_ESTATE_FILE = 'demo/estate.yaml';
export const DEMO_EVIDENCE_FILE = 'demo/evidence.yaml';

/** The demo inventory (origin `demo`, live state attached) and its evidence lookup. */
export interface DemoEstate {
  inventory: Inventory;
  evidenceFor: (w: Workload) => Evidence | undefined;
}

async function read(templatesDir: string, file: string): Promise<string> {
  try {
    return await readFile(join(templatesDir, file), 'utf8');
  } catch (err) {
    throw new InternalError(`cannot read the demo estate ${file}: ${(err as Error).message}`);
  }
}

/** Loads the demo estate. Sources read `estate.yaml` (document index as in the file). */
export async function loadDemoEstate(templatesDir: string): Promise<DemoEstate> {
  const [estate, evidenceText] = await Promise.all([
    read(templatesDir, DEMO_ESTATE_FILE),
    read(templatesDir, DEMO_EVIDENCE_FILE),
  ]);
  const observed = parseDemoEvidence(evidenceText);
  const inv = inventoryFromTexts([{ file: 'estate.yaml', text: estate }]);
  if (inv.errors.length > 0) throw new InternalError(`the demo estate does not parse: ${inv.errors[0]?.message ?? ''}`);
  const workloads = inv.workloads.map((w) => {
    const o = observed.get(workloadKey(w));
    return o !== undefined ? { ...w, live: o.live } : w;
  });
  return {
    inventory: { ...inv, origin: 'demo', workloads },
    evidenceFor: (w) => observed.get(workloadKey(w))?.evidence,
  };
}
