// Operator YAML outside the scan (answers files, plan patch files): clean one-line errors, no Node
// warning on stderr, bounded aliases.
import { describe, expect, it } from 'vitest';
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

  it('reads ordinary YAML and JSON', () => {
    expect(parseYamlInput('a: {b: [1, 2]}\n')).toEqual({ a: { b: [1, 2] } });
    expect(parseYamlInput('{"a": null}')).toEqual({ a: null });
    expect(parseYamlInput('')).toBeNull();
  });
});
