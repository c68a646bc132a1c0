// go-yaml v2 scalar resolution, end to end against the oracle: tricky plain, quoted and tagged
// scalars (YAML 1.1 booleans and nulls, 0b/0o/0x/leading-0 integers, `_`, floats, overflow,
// timestamps, base-60 look-alikes, tags) in fields of every Go type the checks read (int32, int64,
// *bool, string, map[string]string value, []Capability entry) and as a map key. podsec and the
// API server must reject the same documents and give the same verdicts and messages.
import { describe, expect, it } from 'vitest';
import { compareWithOracle, LEVELS } from '../helpers/differential.js';
import { oracleEvaluateSync } from '../helpers/oracle.js';

// `-` alone inside a flow collection (`[-]`) is not tested: libyaml reads it as the string "-",
// the yaml library (like the YAML 1.2 spec) refuses it; podsec reports an input error there.
const SCALARS = [
  'yes', 'No', 'ON', 'oFF', 'y', 'Y', 'n', '~', 'null', 'NULL', 'Null', 'nUll', 'true', 'True', 'tRUE',
  '0', '-0', '+0', '00', '07', '08', '09', '010', '0o7', '0O7', '0o8', '0x0', '0X1f', '0xg', '0b0', '0b2', '-0b1', '+0b1', '0b', '0x',
  '1_0', '_1', '1_', '1__0', '0x_1', '0b_1', '1e3', '1E3', '1e+3', '1e-3', '1.', '.5', '.5e1', '-.5', '+.5', '.', '..', '1.5', '1.0',
  '8080.0', '1e21', '1e20', '-1', '+1', '2147483647', '2147483648', '-2147483648', '-2147483649', '4294967376',
  '9223372036854775807', '9223372036854775808', '-9223372036854775808', '-9223372036854775809', '18446744073709551615',
  '18446744073709551616', '+9223372036854775808', '99999999999999999999', '1e400', '-1e400', '.inf', '-.Inf', '+.INF', '.NaN', '.nan',
  '1:30', '190:20:30', '2001-12-14', '2001-12-14t21:59:43.10-05:00', '0x1p3', '1_000.5', '1,000', '12abc', '"1"', "'yes'",
  '!!int "5"', '!!str 5', '!!bool "on"', '!!float 1', '!!int 1.5', '!!null ""', '!!binary aGVsbG8=', '! 5', '<<', '=', '+',
  '0.0e0', '1.5e+3', '0e0', '-0.0', '00.5', '0755', '0o755', '0777777777777777777777', '0xFFFFFFFFFFFFFFFF', '0x8000000000000000',
  '-0x8000000000000000', '1e2.5', '',
];
const pod = (spec: string, meta = '') => `apiVersion: v1\nkind: Pod\nmetadata:\n  name: p\n${meta}spec:\n${spec}`;
const FIELDS: [string, (t: string) => string][] = [
  ['hostPort (int32)', (t) => pod(`  containers:\n  - name: c\n    image: i\n    ports: [{containerPort: 80, hostPort: ${t}}]\n`)],
  ['privileged (*bool)', (t) => pod(`  containers:\n  - name: c\n    image: i\n    securityContext: {privileged: ${t}}\n`)],
  ['runAsUser (*int64)', (t) => pod(`  securityContext: {runAsNonRoot: true, runAsUser: ${t}}\n  containers:\n  - name: c\n    image: i\n`)],
  ['container name (string)', (t) => pod(`  containers:\n  - name: ${t}\n    image: i\n`)],
  ['annotation value', (t) => pod('  containers:\n  - name: c\n    image: i\n', `  annotations: {container.apparmor.security.beta.kubernetes.io/c: ${t}}\n`)],
  ['capabilities.add entry', (t) => pod(`  containers:\n  - name: c\n    image: i\n    securityContext: {capabilities: {add: [${t}]}}\n`)],
  ['map key', (t) => pod(`  containers:\n  - name: c\n    image: i\n    securityContext: {${t}: true}\n`)],
];
const CASES = FIELDS.flatMap(([field, mk]) => SCALARS.map((s) => [field, s, mk(s)] as const));
const VERSIONS = ['v1.25', 'latest'];

describe('YAML scalars: podsec vs the oracle', () => {
  const answers = oracleEvaluateSync(CASES.map(([, , text]) => ({ text, levels: LEVELS, versions: VERSIONS })));
  it(`agrees on ${CASES.length} documents`, () => {
    const mismatches = CASES.flatMap(([field, scalar, text], i) => compareWithOracle(text, answers[i]!, LEVELS, VERSIONS).map((m) => `${field} ${JSON.stringify(scalar)}: ${m}`));
    expect(mismatches).toEqual([]);
  });
});
