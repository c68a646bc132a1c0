// Pure: Go's %q (strconv.Quote) for strings, as used in upstream PSA messages for annotation
// values. Printable runes pass through; others become \a \b \f \n \r \t \v, \xNN (< 0x80 or
// unpaired surrogates, which Go sees as invalid UTF-8 bytes), \uNNNN or \UNNNNNNNN.

/**
 * Runes Go's unicode.IsPrint rejects beyond ASCII control characters: C1 controls and Latin-1
 * NBSP/soft hyphen, and the non-graphic ranges that occur in practice (format characters,
 * separators, private use, noncharacters). Go's table is larger; these are the ranges listed in
 * unicode.IsPrint's categories L, M, N, P, S and the ASCII space complement: Cc, Cf, Co, Cs, Zl,
 * Zp and Zs except U+0020.
 */
const NON_PRINT_RANGES: readonly (readonly [number, number])[] = [
  [0x7f, 0xa0],
  [0xad, 0xad],
  [0x600, 0x605],
  [0x61c, 0x61c],
  [0x6dd, 0x6dd],
  [0x70f, 0x70f],
  [0x890, 0x891],
  [0x8e2, 0x8e2],
  [0x1680, 0x1680],
  [0x180e, 0x180e],
  [0x2000, 0x200f],
  [0x2028, 0x202f],
  [0x205f, 0x2064],
  [0x2066, 0x206f],
  [0x3000, 0x3000],
  [0xd800, 0xf8ff],
  [0xfdd0, 0xfdef],
  [0xfeff, 0xfeff],
  [0xfff9, 0xfffb],
  [0xfffe, 0xffff],
  [0x110bd, 0x110bd],
  [0x110cd, 0x110cd],
  [0x13430, 0x1343f],
  [0x1bca0, 0x1bca3],
  [0x1d173, 0x1d17a],
  [0xe0001, 0xe0001],
  [0xe0020, 0xe007f],
  [0xf0000, 0x10ffff],
];

function isPrint(cp: number): boolean {
  if (cp < 0x20) return false;
  if (cp < 0x7f) return true;
  for (const [lo, hi] of NON_PRINT_RANGES) {
    if (cp < lo) return true;
    if (cp <= hi) return false;
  }
  return (cp & 0xfffe) !== 0xfffe;
}

const SIMPLE: Record<number, string> = { 7: '\\a', 8: '\\b', 12: '\\f', 10: '\\n', 13: '\\r', 9: '\\t', 11: '\\v' };

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/** Go `fmt.Sprintf("%q", s)`. */
export function goQuote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    const unit = s.charCodeAt(i);
    let cp = unit;
    if (unit >= 0xd800 && unit <= 0xdbff && i + 1 < s.length) {
      const next = s.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        cp = 0x10000 + ((unit - 0xd800) << 10) + (next - 0xdc00);
        i++;
      }
    }
    if (cp === 0x22) out += '\\"';
    else if (cp === 0x5c) out += '\\\\';
    else if (cp >= 0xd800 && cp <= 0xdfff) {
      // A lone surrogate has no UTF-8 form; Go would see the replacement's bytes as invalid.
      out += '\\ufffd';
    } else if (isPrint(cp)) out += String.fromCodePoint(cp);
    else if (SIMPLE[cp] !== undefined) out += SIMPLE[cp];
    else if (cp < 0x80) out += `\\x${hex(cp, 2)}`;
    else if (cp <= 0xffff) out += `\\u${hex(cp, 4)}`;
    else out += `\\U${hex(cp, 8)}`;
  }
  return `${out}"`;
}
