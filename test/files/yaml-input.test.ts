// Operator YAML outside the scan (answers files, plan patch files): clean one-line errors, no Node
// warning on stderr, bounded aliases.
import { describe, expect, it } from 'vitest';
import { LineCounter, parseDocument } from 'yaml';
import { parseYamlInput } from '../../src/files/yaml-input.js';

const bomb = [
  'a: &a ["x","x","x","x","x","x","x","x","x"]',
  ...'bcdefgh'.split('').map((c, i) => `${c}: &${c} [${Array(9).fill(`*${'abcdefgh'[i]}`).join(',')}]`),
].join('\n');

describe('parseYamlInput', () => {
  it('refuses a mapping or list as a key (`? ? ?`) without a Node warning', async () => {
    const warnings: Error[] = [];
    const on = (w: Error) => warnings.push(w);
    process.on('warning', on);
    try {
      expect(() => parseYamlInput('? ? ?\n')).toThrow('a mapping or list cannot be a key (line 1)');
      expect(() => parseYamlInput('? [a, b]\n: 1\n')).toThrow(/cannot be a key/);
      await new Promise((r) => setImmediate(r));
    } finally {
      process.off('warning', on);
    }
    expect(warnings).toEqual([]);
  });

  it('stops an alias bomb', () => {
    expect(() => parseYamlInput(bomb)).toThrow(/[Ee]xcessive alias count/);
  });

  it('refuses duplicate keys and reports syntax errors on one line', () => {
    expect(() => parseYamlInput('a: 1\na: 2\n')).toThrow(/unique/);
    expect(() => parseYamlInput('a: [\n')).toThrow(/^[^\n]+$/);
  });

  it("reports the first duplicate key with the yaml library's own message and position", () => {
    // what the library's (quadratic) uniqueKeys check reports first, as parseYamlInput did before
    const library = (text: string) =>
      parseDocument(text, {
        uniqueKeys: true,
        prettyErrors: true,
        lineCounter: new LineCounter(),
      }).errors[0]?.message.split('\n')[0];
    const ours = (text: string) => {
      try {
        parseYamlInput(text);
        return undefined;
      } catch (err) {
        return (err as Error).message;
      }
    };
    const cases = [
      'a: 1\nb: 2\na: 3\n',
      'a: 1\nb: {x: 1, x: 2}\n',
      'c: 1\nx:\n  b: 1\n  b: 2\nc: 2\n',
      '!!str a: 1\na: 2\n',
      '"a": 1\n\'a\': 2\n',
      '1: a\n1: b\n',
      '0x1: a\n1: b\n',
      '? a\n: 1\n? a\n: 2\n',
      ': 1\n: 2\n',
      'null: 1\n~: 2\n',
      '- {a: 1, a: 2}\n- a: 1\n  a: 3\n',
      '{a: 1, b: 2, a}',
      '!!set\n? a\n? a\n',
      'a: 1\na: 2\nb: [1\n',
      'k: v\nk2: "unterminated\nk: 3\n',
      'a: [1\nb: 1\nb: 2\n',
    ];
    for (const text of cases) {
      const expected = library(text);
      expect(expected, text).toBeDefined();
      expect(ours(text), text).toBe(expected);
    }
    // not duplicates: a number and a string, NaN keys (=== never holds), alias keys
    expect(parseYamlInput('1: a\n"1": b\n')).toEqual({ 1: 'b' });
    expect(() => parseYamlInput('.nan: 1\n.nan: 2\n')).not.toThrow();
  });

  it('reads a 100,000-key mapping in linear time (no pairwise key comparison)', () => {
    const lines = ['uids:'];
    for (let i = 0; i < 100_000; i++) lines.push(`  team-${i % 50}/Deployment/app-${i}: ${10000 + i}`);
    const start = performance.now();
    const data = parseYamlInput(lines.join('\n') + '\n') as { uids: Record<string, number> };
    const ms = performance.now() - start;
    expect(Object.keys(data.uids)).toHaveLength(100_000);
    expect(data.uids['team-7/Deployment/app-99957']).toBe(109957);
    // the pairwise check took ~140 s here; linear parsing ~1-2 s on a loaded 2-core machine
    expect(ms).toBeLessThan(30_000);
    lines.push('  team-0/Deployment/app-0: 1');
    expect(() => parseYamlInput(lines.join('\n') + '\n')).toThrow('Map keys must be unique at line 100002, column 3:');
  });

  it('reads ordinary YAML and JSON', () => {
    expect(parseYamlInput('a: {b: [1, 2]}\n')).toEqual({ a: { b: [1, 2] } });
    expect(parseYamlInput('{"a": null}')).toEqual({ a: null });
    expect(parseYamlInput('')).toBeNull();
  });
});
