// Differential fuzzing in the unit suite: a modest number of generated objects (every kind, every
// field the checks read, edge values) through podsec and the oracle (upstream PodSecurity in Go)
// at both levels and a spread of versions, in both domains (engine: values the server decodes
// plainly; decoding: plus null list entries, YAML 1.1 scalars, out-of-range integers, non-string
// annotations). `npm run fuzz` runs 100,000. The seed is printed; PODSEC_FUZZ_SEED=<n> reproduces.
import { afterAll, describe, expect, it } from 'vitest';
import { VERSION_SPREAD } from '../helpers/differential.js';
import { Oracle } from '../helpers/oracle.js';
import type { Domain } from './arbitraries.js';
import { describeFailure, runFuzz } from './fuzz.js';

const seed = process.env['PODSEC_FUZZ_SEED'] ? Number(process.env['PODSEC_FUZZ_SEED']) : Date.now() % 2 ** 31;
const RUNS = 1000;
const oracle = new Oracle();
afterAll(() => oracle.close());

describe('differential fuzz: podsec vs the upstream PodSecurity oracle', () => {
  it.each(['engine', 'decoding'] as Domain[])(
    'agrees on verdict, failing checks and full message for generated objects (%s domain)',
    async (domain) => {
      const r = await runFuzz({ runs: RUNS, seed, domain, versions: VERSION_SPREAD, oracle });
      console.log(
        `fuzz (${domain}): seed ${seed}, ${r.compared} objects, ${r.evaluations} evaluations compared (PODSEC_FUZZ_SEED=${seed} reproduces)`,
      );
      expect(describeFailure(r)).toBe('');
      expect(r.compared).toBe(RUNS);
    },
    120_000,
  );
});
