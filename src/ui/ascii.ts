// ASCII stand-ins for the TUI's few non-ASCII glyphs, used for the very first frame only: measuring
// the first non-ASCII string (string-width: Intl.Segmenter, emoji regex) costs ~40 ms. Pure.

const GLYPHS: Record<string, string> = {
  '✓': '+',
  '›': '>',
  '·': '|',
  '↑': 'up',
  '↓': 'down',
  '←': 'left',
  '→': 'right',
  '…': '...',
};

/** `s` with every non-ASCII character replaced by an ASCII stand-in (`?` when there is none). */
export function asciiOnly(s: string): string {
  return s.replace(/[^\x20-\x7e]/g, (c) => GLYPHS[c] ?? '?');
}
