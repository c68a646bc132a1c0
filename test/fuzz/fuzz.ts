// The differential fuzz loop shared by the unit test (a modest count) and `npm run fuzz` (100,000
// by default): generated objects go to podsec and to the oracle, and every level and version of
// the spread must give the same verdict, failing checks and full message. fast-check shrinks a
// failure to a minimal counterexample; the seed reproduces it.
import fc from 'fast-check';
import { compareWithOracle, LEVELS } from '../helpers/differential.js';
import type { Oracle } from '../helpers/oracle.js';
import { manifest, type Domain, type Generated } from './arbitraries.js';

export interface FuzzOptions {
  runs: number;
  seed: number;
  domain: Domain;
  versions: readonly string[];
  oracle: Oracle;
  /** Called every 10,000 objects with the count so far. */
  progress?: (done: number) => void;
  /** fast-check replay path: start at that run (with the same seed) and shrink from there. */
  path?: string;
}

export interface FuzzOutcome {
  runs: number;
  seed: number;
  domain: Domain;
  /** Objects compared (all of them unless a mismatch stopped the run). */
  compared: number;
  /** Evaluations compared (objects x levels x versions, for objects the server evaluates). */
  evaluations: number;
  failed: boolean;
  /** The minimal counterexample after shrinking, with what differs. */
  counterexample?: { text: string; format: Generated['format']; mismatches: string[] };
  /** fast-check's replay path (with the seed, reruns exactly the failing case). */
  path?: string;
}

export async function runFuzz(o: FuzzOptions): Promise<FuzzOutcome> {
  let compared = 0;
  let evaluations = 0;
  const versions = o.versions;
  const check = async (g: Generated): Promise<string[]> => {
    const answer = await o.oracle.ask({ text: g.text, levels: LEVELS, versions });
    return compareWithOracle(g.text, answer, LEVELS, versions);
  };
  const details = await fc.check(
    fc.asyncProperty(manifest(o.domain), async (g) => {
      const mismatches = await check(g);
      if (mismatches.length === 0) {
        compared++;
        evaluations += LEVELS.length * versions.length;
        if (o.progress && compared % 10_000 === 0) o.progress(compared);
      }
      return mismatches.length === 0;
    }),
    { numRuns: o.runs, seed: o.seed, endOnFailure: false, ...(o.path === undefined ? {} : { path: o.path }) },
  );
  const out: FuzzOutcome = {
    runs: o.runs,
    seed: o.seed,
    domain: o.domain,
    compared,
    evaluations,
    failed: details.failed,
  };
  if (details.failed && details.counterexample) {
    const [g] = details.counterexample;
    out.counterexample = { text: g.text, format: g.format, mismatches: await check(g) };
    out.path = details.counterexamplePath ?? undefined;
  }
  return out;
}

/** A failure as text: the seed and path to replay it, the minimal object, and what differs. */
export function describeFailure(r: FuzzOutcome): string {
  if (!r.counterexample) return '';
  return [
    `podsec and the oracle disagree (domain ${r.domain}, seed ${r.seed}, path ${r.path ?? '?'}); minimal counterexample (${r.counterexample.format}):`,
    r.counterexample.text.trimEnd(),
    'differences:',
    ...r.counterexample.mismatches.map((m) => `  - ${m}`),
  ].join('\n');
}
