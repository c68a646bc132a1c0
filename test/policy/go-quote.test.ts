// goQuote must equal Go's %q: hand-written cases from the strconv.Quote rules, then a comparison
// with the Go toolchain itself (which the test suite needs anyway to build Kubernetes).
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { goQuote } from '../../src/policy/index.js';
import { GO_NON_PRINT_RANGES } from '../../src/policy/go-print-ranges.js';

const here = dirname(fileURLToPath(import.meta.url));
const repo = join(here, '..', '..');

describe('goQuote follows strconv.Quote', () => {
  const cases: [string, string, string][] = [
    ['printable ASCII', 'runtime/default', '"runtime/default"'],
    ['quote and backslash', 'a"b\\c', '"a\\"b\\\\c"'],
    ['named control escapes', '\u0007\b\f\n\r\t\v', '"\\a\\b\\f\\n\\r\\t\\v"'],
    ['other C0 controls and DEL as \\x', '\u0000\u0001\u001b\u007f', '"\\x00\\x01\\x1b\\x7f"'],
    ['C1 control U+0085 and NBSP U+00A0', '\u0085\u00a0', '"\\u0085\\u00a0"'],
    ['soft hyphen and BOM (format characters)', '\u00ad\ufeff', '"\\u00ad\\ufeff"'],
    ['line and paragraph separators', '\u2028\u2029', '"\\u2028\\u2029"'],
    ['ideographic space is not printable, letters are', '日\u3000本é', '"日\\u3000本é"'],
    ['unassigned U+0378 is escaped', '\u0378', '"\\u0378"'],
    ['private use is escaped', '\ue000', '"\\ue000"'],
    [
      'astral printable passes, astral format and noncharacters use \\U',
      '😀\u{e0001}\u{10ffff}',
      '"😀\\U000e0001\\U0010ffff"',
    ],
    ['a lone surrogate arrives in Go as U+FFFD, which is printable', 'a\ud800b\udc00', '"a\ufffdb\ufffd"'],
    ['empty string', '', '""'],
  ];
  for (const [name, input, expected] of cases) {
    it(name, () => expect(goQuote(input)).toBe(expected));
  }
});

function goAvailable(): boolean {
  try {
    execFileSync('go', ['version'], { stdio: 'ignore' });
    return true;
  } catch {
    return false;
  }
}

describe.skipIf(!goAvailable())('goQuote against the Go toolchain', () => {
  let dir = '';
  let tool = '';
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), 'podsec-go-print-'));
    tool = join(dir, 'go-print');
    execFileSync('go', ['build', '-o', tool, join(here, 'go-print', 'main.go')], {
      stdio: ['ignore', 'ignore', 'inherit'],
    });
  }, 180_000);
  afterAll(() => {
    if (dir !== '') rmSync(dir, { recursive: true, force: true });
  });

  it('has the table the installed Go generates', () => {
    const generated = execFileSync(tool, ['table'], { encoding: 'utf8' });
    const committed = readFileSync(join(repo, 'src', 'policy', 'go-print-ranges.ts'), 'utf8');
    // The first line names the Go version; only the data must match.
    const body = (s: string) => s.split('\n').slice(1).join('\n');
    expect(body(committed)).toBe(body(generated));
  });

  it('quotes every range boundary, controls and surrogates exactly like Go', () => {
    const points = new Set<number>([0, 7, 31, 32, 126, 127, 128, 0xfffd, 0x10000, 0x10ffff]);
    const values = GO_NON_PRINT_RANGES.split(',').map((d) => parseInt(d, 36));
    let prev = 0;
    for (let i = 0; i + 1 < values.length; i += 2) {
      const lo = prev + values[i]!;
      const hi = lo + values[i + 1]!;
      for (const p of [lo - 1, lo, hi, hi + 1])
        if (p >= 0 && p <= 0x10ffff && (p < 0xd800 || p > 0xdfff)) points.add(p);
      prev = hi;
    }
    const inputs = [...points].map((p) => `x${String.fromCodePoint(p)}y`);
    inputs.push('\ud800', 'a\udfffb', '\udbff\udfff', 'é"\\\u2028', '');
    const out = execFileSync(tool, ['quote'], {
      input: inputs.map((s) => JSON.stringify(s)).join('\n') + '\n',
      encoding: 'utf8',
    });
    const expected = out.split('\n').slice(0, inputs.length);
    const mismatches = inputs.map((s, i) => [s, goQuote(s), expected[i]]).filter(([, ours, go]) => ours !== go);
    expect(mismatches.slice(0, 10)).toEqual([]);
    expect(inputs.length).toBeGreaterThan(2000);
  });
});
