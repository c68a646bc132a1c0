// asciiOnly: the first frame's stand-ins for the TUI's glyphs.
import { describe, expect, it } from 'vitest';
import { asciiOnly } from '../../src/ui/ascii.js';
import { hintLine } from '../../src/ui/keys.js';

describe('asciiOnly', () => {
  it('replaces the rail and hint glyphs with ASCII words or marks and keeps ASCII as is', () => {
    expect(asciiOnly('✓ Cluster › [Scan] › Plan')).toBe('+ Cluster > [Scan] > Plan');
    expect(asciiOnly('↑/k move up · ↓/j move down')).toBe('up/k move up | down/j move down');
    expect(asciiOnly('plain text 123')).toBe('plain text 123');
    expect(asciiOnly('日')).toBe('?');
  });

  it('leaves every step hint line ASCII-only', () => {
    for (const step of ['cluster', 'scanning', 'overview', 'namespace', 'plan', 'written', 'apply'] as const) {
      expect(asciiOnly(hintLine(step))).toMatch(/^[\x20-\x7e]*$/);
    }
  });
});
