// Pure: Go's %q (strconv.Quote) for strings, as used in upstream PSA messages for annotation
// values. Printable runes (exactly Go's strconv.IsPrint, from a table generated with the Go
// toolchain) pass through; others become \a \b \f \n \r \t \v, \xNN, \uNNNN or \UNNNNNNNN.

import { GO_NON_PRINT_RANGES } from './go-print-ranges.js';

/** [lo0, hi0, lo1, hi1, …]: the non-printable runes >= U+0080, ascending. Decoded once. */
const NON_PRINT: Uint32Array = decode(GO_NON_PRINT_RANGES);

function decode(packed: string): Uint32Array {
  const deltas = packed.split(',').map((d) => parseInt(d, 36));
  const out = new Uint32Array(deltas.length);
  let prev = 0;
  for (let i = 0; i + 1 < deltas.length; i += 2) {
    out[i] = prev + deltas[i]!;
    out[i + 1] = out[i]! + deltas[i + 1]!;
    prev = out[i + 1]!;
  }
  return out;
}

/** Go's strconv.IsPrint for a code point (not a surrogate). */
function isPrint(cp: number): boolean {
  if (cp < 0x80) return cp >= 0x20 && cp !== 0x7f;
  let lo = 0;
  let hi = NON_PRINT.length / 2 - 1;
  while (lo <= hi) {
    const mid = (lo + hi) >> 1;
    if (cp < NON_PRINT[2 * mid]!) hi = mid - 1;
    else if (cp > NON_PRINT[2 * mid + 1]!) lo = mid + 1;
    else return false;
  }
  return true;
}

const SIMPLE: Readonly<Record<number, string>> = {
  7: '\\a',
  8: '\\b',
  12: '\\f',
  10: '\\n',
  13: '\\r',
  9: '\\t',
  11: '\\v',
};

function hex(n: number, width: number): string {
  return n.toString(16).padStart(width, '0');
}

/**
 * Go `fmt.Sprintf("%q", s)`. A lone UTF-16 surrogate cannot reach Go as such: Go's JSON and YAML
 * decoders turn it into U+FFFD, which is printable, so it is written as U+FFFD.
 */
export function goQuote(s: string): string {
  let out = '"';
  for (let i = 0; i < s.length; i++) {
    let cp = s.charCodeAt(i);
    if (cp >= 0xd800 && cp <= 0xdfff) {
      const next = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if (cp <= 0xdbff && next >= 0xdc00 && next <= 0xdfff) {
        cp = 0x10000 + ((cp - 0xd800) << 10) + (next - 0xdc00);
        i++;
      } else {
        cp = 0xfffd;
      }
    }
    if (cp === 0x22) out += '\\"';
    else if (cp === 0x5c) out += '\\\\';
    else if (isPrint(cp)) out += String.fromCodePoint(cp);
    else if (SIMPLE[cp] !== undefined) out += SIMPLE[cp];
    else if (cp < 0x80) out += `\\x${hex(cp, 2)}`;
    else if (cp <= 0xffff) out += `\\u${hex(cp, 4)}`;
    else out += `\\U${hex(cp, 8)}`;
  }
  return `${out}"`;
}
