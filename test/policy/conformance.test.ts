// Every upstream PSA fixture (4,537 pods) evaluated at its own level and version: verdict,
// responsible check, upstream substring, and the full list of failing checks.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { evaluatePod, type Level } from '../../src/policy/index.js';
import { sharedPath } from '../helpers/shared.js';

interface Row {
  file: string;
  level: Level;
  version: string;
  expect: 'allow' | 'deny';
  responsible: string;
  substring: string;
  failing: string[];
}

function rows(): Row[] {
  const text = readFileSync(sharedPath('conformance', 'fixture-index.csv'), 'utf8').trim().split('\n');
  return text.slice(1).map((line) => {
    const [file, level, version, expectCol, , responsible, substring, failing] = line.split(',');
    return {
      file: file!,
      level: level as Level,
      version: version!,
      expect: expectCol as 'allow' | 'deny',
      responsible: responsible ?? '',
      substring: substring ?? '',
      failing: (failing ?? '').split(' ').filter((x) => x !== ''),
    };
  });
}

describe('upstream PSA conformance fixtures', () => {
  const all = rows();
  const root = sharedPath('conformance', 'pss-fixtures');

  it('indexes all 4,537 fixtures', () => {
    expect(all.length).toBe(4537);
  });

  it('gives every fixture its expected verdict, responsible check, substring and failing checks', () => {
    const problems: string[] = [];
    for (const row of all) {
      const pod = parse(readFileSync(join(root, row.file), 'utf8')) as { metadata: { annotations?: Record<string, string> }; spec: unknown };
      const result = evaluatePod(pod, row.level, row.version, { isPod: true });
      const ids = result.violations.map((v) => v.check);
      if (row.expect === 'allow') {
        if (!result.allowed) problems.push(`${row.file}: expected allow, got ${result.message}`);
        continue;
      }
      if (result.allowed) problems.push(`${row.file}: expected deny, got allow`);
      else if (!ids.includes(row.responsible as never)) problems.push(`${row.file}: ${row.responsible} not among ${ids.join(' ')}`);
      else if (!result.message.includes(row.substring)) problems.push(`${row.file}: message lacks "${row.substring}": ${result.message}`);
      else if (result.message.includes('unknown forbidden reason')) problems.push(`${row.file}: unknown forbidden reason`);
      else if (ids.join(' ') !== row.failing.join(' ')) problems.push(`${row.file}: failing ${ids.join(' ')} != ${row.failing.join(' ')}`);
    }
    expect(problems.slice(0, 20)).toEqual([]);
  });

  it('evaluates the v1.37 folder identically at latest and at a too-new v1.99', () => {
    const newest = all.filter((r) => r.version === 'v1.37');
    expect(newest.length).toBe(148); // README counts: baseline 15 + 34, restricted 23 + 76
    const problems: string[] = [];
    for (const row of newest) {
      const pod = parse(readFileSync(join(root, row.file), 'utf8')) as { metadata: { annotations?: Record<string, string> }; spec: unknown };
      const expected = evaluatePod(pod, row.level, 'v1.37', { isPod: true }).message;
      for (const version of ['latest', 'v1.99']) {
        const got = evaluatePod(pod, row.level, version, { isPod: true });
        if (got.message !== expected || got.allowed !== (row.expect === 'allow')) problems.push(`${row.file} at ${version}: ${got.message}`);
      }
    }
    expect(problems).toEqual([]);
  });
});
