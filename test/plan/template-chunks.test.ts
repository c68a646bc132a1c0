import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { fillTemplate, fillTemplateChunks, joinedChunks, trimEndChunks } from '../../src/plan/template.js';

const pieces = fc.array(fc.oneof(fc.constantFrom('', ' ', '\n', '\n\n', ' x ', 'a\n', '\t'), fc.string()), {
  maxLength: 8,
});

describe('chunked template text', () => {
  it('trimEndChunks gives the pieces of String#trimEnd of the joined text', () => {
    fc.assert(
      fc.property(pieces, (ps) => {
        expect([...trimEndChunks(ps)].join('')).toBe(ps.join('').trimEnd());
      }),
    );
  });

  it('fillTemplateChunks with lazy values gives what fillTemplate gives with their joined text', () => {
    const text = '# {{a}}\n\n{{table}}\n\nend {{a}}\n';
    const rows = ['| x |', '| y |', '| z |'];
    const lazy = [...fillTemplateChunks(text, { a: 'A', table: () => joinedChunks(rows, (r) => r) })].join('');
    expect(lazy).toBe(fillTemplate(text, { a: 'A', table: rows.join('\n') }));
    expect(lazy).toBe('# A\n\n| x |\n| y |\n| z |\n\nend A\n');
  });

  it('a placeholder without a value is an error', () => {
    expect(() => [...fillTemplateChunks('{{missing}}', {})]).toThrow(/\{\{missing\}\} has no value/);
  });
});
