// The YAML edge-case documents (test/fixtures/yaml-edge) end to end: podsec reads the bytes as
// `scan -f` does, the oracle decodes the same bytes as kubectl and the API server do
// (k8s.io/apimachinery's YAMLOrJSONDecoder with sigs.k8s.io/yaml, then the server's JSON decoding
// and defaulting) and asks upstream PodSecurity. Both must reject the same documents, and agree on
// verdict, failing checks and full message at every level and version for the rest.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { FIXTURES_DIR } from '../helpers/corpora.js';
import { ALL_VERSIONS, compareWithOracle, LEVELS } from '../helpers/differential.js';
import { oracleEvaluateSync } from '../helpers/oracle.js';

const DIR = join(FIXTURES_DIR, 'yaml-edge');
const files = readdirSync(DIR)
  .filter((f) => f.endsWith('.yaml'))
  .sort();
const texts = files.map((f) => readFileSync(join(DIR, f), 'utf8'));

describe('YAML edge cases: podsec vs the oracle on the same bytes', () => {
  const answers = oracleEvaluateSync(texts.map((text) => ({ text, levels: LEVELS, versions: ALL_VERSIONS })));

  it('has the edge-case documents', () => {
    expect(files.length).toBeGreaterThanOrEqual(40);
  });

  it.each(files.map((f, i) => [f, i] as const))('%s', (_file, i) => {
    expect(compareWithOracle(texts[i]!, answers[i]!, LEVELS, ALL_VERSIONS)).toEqual([]);
  });
});
