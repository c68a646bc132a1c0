// Pure: turns a parsed YAML document (yaml library nodes, failsafe schema: every scalar still a
// string) into the JSON value kubectl sends to the API server. kubectl reads manifests with
// sigs.k8s.io/yaml, i.e. go-yaml v2 (YAML 1.1 scalar resolution) followed by a YAML-to-JSON
// conversion; this module reproduces both: Go's resolve table (yes/no/on/off/y/n booleans,
// 0x/0o/0b/leading-0 octal integers, `_` separators, no sexagesimal), merge keys `<<` with go-yaml
// v2's precedence, a fresh copy per alias with go-yaml's alias-expansion budget, map keys turned
// into strings, and the documents go-yaml or encoding/json refuse (NaN, unknown anchors, ...).

import { isAlias, isMap, isScalar, isSeq, Scalar, type Alias, type Document, type Node } from 'yaml';
import type { SharedStrings } from './shared-strings.js';

/** A document kubectl could not decode; `offset` is where in the source (when known). */
export class YamlDecodeError extends Error {
  constructor(
    message: string,
    readonly offset?: number,
  ) {
    super(message);
  }
}

// 2^63 as a double; int64 values are exact only in the source text, so decodeInteger nudges the
// few in-range values whose nearest double is 2^63 (and out-of-range values that round to -2^63)
// to keep `-2^63 <= v < 2^63` equivalent to "fits in int64".
const TWO_63 = 9223372036854775808;
const BELOW_TWO_63 = 9223372036854774784; // the largest double below 2^63
const BELOW_MINUS_TWO_63 = -9223372036854777856; // the next double below -2^63
const INT64_MAX = 9223372036854775807n;
const INT64_MIN = -9223372036854775808n;
const UINT64_MAX = 18446744073709551615n;

const BOOL_NULL: ReadonlyMap<string, boolean | null> = new Map<string, boolean | null>([
  ...['y', 'Y', 'yes', 'Yes', 'YES', 'true', 'True', 'TRUE', 'on', 'On', 'ON'].map((s): [string, boolean] => [s, true]),
  ...['n', 'N', 'no', 'No', 'NO', 'false', 'False', 'FALSE', 'off', 'Off', 'OFF'].map((s): [string, boolean] => [
    s,
    false,
  ]),
  ...['', '~', 'null', 'Null', 'NULL'].map((s): [string, null] => [s, null]),
]);
const SPECIAL_FLOATS: ReadonlyMap<string, number> = new Map([
  ...['.nan', '.NaN', '.NAN'].map((s): [string, number] => [s, NaN]),
  ...['.inf', '.Inf', '.INF', '+.inf', '+.Inf', '+.INF'].map((s): [string, number] => [s, Infinity]),
  ...['-.inf', '-.Inf', '-.INF'].map((s): [string, number] => [s, -Infinity]),
]);
// strconv.ParseInt/ParseUint with base 0 (after go-yaml removed every `_`).
const GO_INT = /^([+-]?)(?:0[xX]([0-9a-fA-F]+)|0[oO]([0-7]+)|0[bB]([01]+)|0([0-7]+)|(0|[1-9][0-9]*))$/;
// go-yaml v2's yamlStyleFloat, then strconv.ParseFloat.
const GO_FLOAT = /^[-+]?(\.[0-9]+|[0-9]+(\.[0-9]*)?)([eE][-+]?[0-9]+)?$/;
const DOT_FLOAT = /^\.[0-9]+([eE][-+]?[0-9]+)?$/;

/** The JS number for an integer go-yaml decoded as int64 or uint64 (see TWO_63). */
function fromBig(v: bigint): number {
  const n = Number(v);
  if (n === TWO_63 && v <= INT64_MAX) return BELOW_TWO_63;
  if (n === -TWO_63 && v < INT64_MIN) return BELOW_MINUS_TWO_63;
  return n;
}

const BASE_PREFIX: Record<number, string> = { 16: '0x', 8: '0o', 2: '0b', 10: '' };

/** A plain (unquoted, untagged) scalar as go-yaml v2 resolves it, or undefined for "a string". */
function resolveNumber(s: string): number | undefined {
  const c = s.charCodeAt(0);
  if (c === 46 /* . */) {
    const special = SPECIAL_FLOATS.get(s);
    if (special !== undefined) return special;
    return DOT_FLOAT.test(s) ? Number(s) : undefined;
  }
  // Only a digit or a sign starts a number.
  if (!((c >= 48 && c <= 57) || c === 43 || c === 45)) return undefined;
  const special = SPECIAL_FLOATS.get(s);
  if (special !== undefined) return special;
  const plain = s.includes('_') ? s.replaceAll('_', '') : s;
  const m = GO_INT.exec(plain);
  if (m) {
    const [, sign, hex, oct, bin, oct0, dec] = m;
    const base = hex !== undefined ? 16 : oct !== undefined || oct0 !== undefined ? 8 : bin !== undefined ? 2 : 10;
    const digits = (hex ?? oct ?? bin ?? oct0 ?? dec)!;
    // Up to 15 decimal digits (or the equivalent) is exact as a double.
    if (digits.length <= (base === 10 ? 15 : base === 16 ? 12 : base === 8 ? 17 : 52)) {
      const v = parseInt(digits, base);
      return sign === '-' ? -v : v;
    }
    const big = BigInt(`${BASE_PREFIX[base]!}${digits}`);
    const v = sign === '-' ? -big : big;
    if (v >= INT64_MIN && v <= INT64_MAX) return fromBig(v); // ParseInt
    if (sign === '' && v <= UINT64_MAX) return fromBig(v); // ParseUint takes no sign
    // Otherwise a float if it reads as one (decimal digits only).
  }
  if (!GO_FLOAT.test(plain)) return undefined;
  const f = Number(plain);
  // ParseFloat refuses overflow (the text stays a string); encoding/json writes -2^63 as
  // -9223372036854776000, which no int64 field accepts.
  if (!Number.isFinite(f)) return undefined;
  return f === -TWO_63 ? BELOW_MINUS_TWO_63 : f;
}

/** The exact integer of a scalar that ParseInt/ParseUint read with base 0, or undefined. */
function exactInteger(text: string): bigint | undefined {
  const m = GO_INT.exec(text.replaceAll('_', ''));
  if (!m) return undefined;
  const [, sign, hex, oct, bin, oct0, dec] = m;
  const prefix =
    hex !== undefined ? '0x' : oct !== undefined || oct0 !== undefined ? '0o' : bin !== undefined ? '0b' : '';
  const big = BigInt(`${prefix}${hex ?? oct ?? bin ?? oct0 ?? dec}`);
  const v = sign === '-' ? -big : big;
  return (v >= INT64_MIN && v <= INT64_MAX) || (sign === '' && v <= UINT64_MAX) ? v : undefined;
}

/** The Go type go-yaml gives a scalar that resolved to a number: int (int64), uint (uint64) or float. */
function numberKind(text: string): 'int' | 'uint' | 'float' {
  const v = exactInteger(text);
  return v === undefined ? 'float' : v <= INT64_MAX ? 'int' : 'uint';
}

/** go-yaml v2's resolution of an untagged plain scalar. */
export function resolvePlainScalar(s: string): string | number | boolean | null {
  const known = BOOL_NULL.get(s);
  if (known !== undefined) return known;
  return resolveNumber(s) ?? s;
}

const YAML_TAG = 'tag:yaml.org,2002:';

/** A scalar with an explicit tag (`!!int "5"`): go-yaml's resolve() with that tag. */
function taggedScalar(tag: string, text: string, offset: number | undefined): unknown {
  if (!tag.startsWith(YAML_TAG)) return text; // a local tag (`!foo`): go-yaml keeps the text
  const short = tag.slice(YAML_TAG.length);
  if (short === 'str' || short === 'timestamp') return text;
  if (short === 'binary') {
    const clean = text.replace(/\s+/g, '');
    if (!/^(?:[A-Za-z0-9+/]{4})*(?:[A-Za-z0-9+/]{2}==|[A-Za-z0-9+/]{3}=)?$/.test(clean)) {
      throw new YamlDecodeError('!!binary value contains invalid base64 data', offset);
    }
    return Buffer.from(clean, 'base64').toString('utf8');
  }
  if (short !== 'bool' && short !== 'int' && short !== 'float' && short !== 'null') return text;
  const v = resolvePlainScalar(text);
  const kind =
    v === null
      ? 'null'
      : typeof v === 'boolean'
        ? 'bool'
        : typeof v === 'string'
          ? 'str'
          : numberKind(text) === 'float'
            ? 'float'
            : 'int';
  if (kind === short || (short === 'float' && kind === 'int')) return v;
  throw new YamlDecodeError(`cannot decode !!${kind} \`${text}\` as a !!${short}`, offset);
}

/** strconv.FormatFloat(f, 'g', -1, 32): how sigs.k8s.io/yaml turns a float map key into a string. */
function formatFloatKey(f: number): string {
  if (Number.isNaN(f)) return '.nan';
  if (f === Infinity) return '.inf';
  if (f === -Infinity) return '-.inf';
  const x = Math.fround(f);
  if (x === 0) return Object.is(x, -0) ? '-0' : '0';
  let digits = '';
  for (let p = 1; p <= 9; p++) {
    digits = x.toPrecision(p);
    if (Math.fround(Number(digits)) === x) break;
  }
  const [mant = '', expPart] = Number(digits).toExponential().split('e');
  const exp = Number(expPart);
  if (exp < -4 || exp >= 6) {
    const e = Math.abs(exp);
    return `${mant}e${exp < 0 ? '-' : '+'}${e < 10 ? `0${e}` : e}`;
  }
  return String(Number(digits));
}

// go-yaml v2's alias-expansion limit (decode.go allowedAliasRatio).
function allowedAliasRatio(decodeCount: number): number {
  if (decodeCount <= 400_000) return 0.99;
  if (decodeCount >= 4_000_000) return 0.1;
  return 0.99 - 0.89 * ((decodeCount - 400_000) / 3_600_000);
}

/** A scalar's text as the source gave it (the failsafe schema still decodes a few tags, e.g. !!binary). */
function scalarText(node: Scalar): string {
  if (typeof node.value === 'string') return node.value;
  const source = (node as Scalar & { source?: unknown }).source;
  return typeof source === 'string' ? source : String(node.value);
}

type Obj = Record<string, unknown>;
type AnyNode = Node | null | undefined;

function setKey(o: Obj, k: string, v: unknown): void {
  if (k === '__proto__')
    Object.defineProperty(o, k, { value: v, enumerable: true, writable: true, configurable: true });
  else o[k] = v;
}

class Decoder {
  private decodeCount = 0;
  private aliasCount = 0;
  private aliasDepth = 0;
  private readonly active = new Set<Alias>();
  private targets: Map<Alias, Node | undefined> | undefined;

  constructor(
    private readonly root: AnyNode,
    private readonly strings: SharedStrings | undefined,
  ) {}

  decode(): unknown {
    return this.value(this.root);
  }

  private count(node: AnyNode): void {
    this.decodeCount++;
    if (this.aliasDepth > 0) this.aliasCount++;
    if (
      this.aliasCount > 100 &&
      this.decodeCount > 1000 &&
      this.aliasCount / this.decodeCount > allowedAliasRatio(this.decodeCount)
    ) {
      throw new YamlDecodeError('document contains excessive aliasing', node?.range?.[0]);
    }
  }

  private value(node: AnyNode): unknown {
    this.count(node);
    if (node === null || node === undefined) return null;
    if (isScalar(node)) return this.scalar(node);
    if (isMap(node)) {
      const out: Obj = {};
      this.mapInto(node, out);
      return out;
    }
    if (isSeq(node)) return node.items.map((item) => this.value(item as AnyNode));
    if (isAlias(node)) return this.alias(node, (target) => this.value(target));
    throw new YamlDecodeError('unsupported YAML node', (node as Node).range?.[0]);
  }

  private scalar(node: Scalar): unknown {
    const v = this.resolved(node);
    return typeof v === 'string' && this.strings !== undefined ? this.strings.share(v) : v;
  }

  private resolved(node: Scalar): unknown {
    const text = scalarText(node);
    let v: unknown;
    // The non-specific tag `!` keeps the text (go-yaml cannot resolve it).
    if (node.tag === '!') return text;
    if (node.tag !== undefined) v = taggedScalar(node.tag, text, node.range?.[0]);
    else if (node.type !== Scalar.PLAIN && node.type !== undefined) return text;
    else v = resolvePlainScalar(text);
    if (typeof v === 'number' && !Number.isFinite(v)) {
      // encoding/json has no NaN or infinity: YAMLToJSON fails for the whole document.
      throw new YamlDecodeError(
        `json: unsupported value: ${Number.isNaN(v) ? 'NaN' : v > 0 ? '+Inf' : '-Inf'} (${text})`,
        node.range?.[0],
      );
    }
    return v;
  }

  private key(node: AnyNode): string {
    if (isMap(node) || isSeq(node) || (isAlias(node) && (isMap(this.target(node)) || isSeq(this.target(node))))) {
      throw new YamlDecodeError('invalid map key: a mapping or list cannot be a key', node.range?.[0]);
    }
    let k: unknown;
    if (isScalar(node) && (node.type === Scalar.PLAIN || node.type === undefined) && node.tag === undefined) {
      // Same as value(), but a non-finite float is a legal key (".inf").
      this.count(node);
      k = resolvePlainScalar(scalarText(node));
    } else {
      k = this.value(node);
    }
    if (typeof k === 'string') return k;
    if (typeof k === 'boolean') return k ? 'true' : 'false';
    let type = k === null ? '<nil>' : typeof k;
    if (typeof k === 'number') {
      const scalar = isAlias(node) ? this.target(node) : node;
      const kind = isScalar(scalar) ? numberKind(String(scalar.value)) : 'float';
      if (kind === 'float') return formatFloatKey(k);
      if (kind === 'int')
        return Number.isSafeInteger(k) ? String(k) : String(exactInteger(String((scalar as Scalar).value)));
      type = 'uint64';
    }
    throw new YamlDecodeError(`unsupported map key of type: ${type}`, node?.range?.[0]);
  }

  /** go-yaml v2 mapping(): pairs in order, a later key (or merge) overriding an earlier one. */
  private mapInto(node: AnyNode, out: Obj): void {
    if (!isMap(node))
      throw new YamlDecodeError('map merge requires map or sequence of maps as the value', node?.range?.[0]);
    for (const pair of node.items) {
      const k = pair.key as AnyNode;
      if (
        isScalar(k) &&
        k.value === '<<' &&
        (k.type === Scalar.PLAIN || k.type === undefined) &&
        (k.tag === undefined || k.tag === 'tag:yaml.org,2002:merge')
      ) {
        this.merge(pair.value as AnyNode, out);
        continue;
      }
      const key = this.key(k);
      setKey(out, key, this.value(pair.value as AnyNode));
    }
  }

  private merge(node: AnyNode, out: Obj): void {
    const fail = (): never => {
      throw new YamlDecodeError('map merge requires map or sequence of maps as the value', node?.range?.[0]);
    };
    if (isMap(node)) {
      this.count(node);
      this.mapInto(node, out);
    } else if (isAlias(node)) {
      if (!isMap(this.target(node))) fail();
      this.count(node);
      this.alias(node, (target) => (this.count(target), this.mapInto(target, out)));
    } else if (isSeq(node)) {
      // Earlier maps take precedence: go-yaml applies them last to first.
      for (let i = node.items.length - 1; i >= 0; i--) {
        const item = node.items[i] as AnyNode;
        if (isAlias(item) ? !isMap(this.target(item)) : !isMap(item)) fail();
        this.merge(item, out);
      }
    } else {
      fail();
    }
  }

  private alias<T>(node: Alias, decode: (target: Node) => T): T {
    const target = this.target(node);
    if (target === undefined) throw new YamlDecodeError(`unknown anchor '${node.source}' referenced`, node.range?.[0]);
    if (this.active.has(node))
      throw new YamlDecodeError(`anchor '${node.source}' value contains itself`, node.range?.[0]);
    this.active.add(node);
    this.aliasDepth++;
    try {
      return decode(target);
    } finally {
      this.aliasDepth--;
      this.active.delete(node);
    }
  }

  /** The node an alias names: the latest anchor of that name before it, in document order. */
  private target(node: Alias): Node | undefined {
    if (this.targets === undefined) {
      const targets = new Map<Alias, Node | undefined>();
      const anchors = new Map<string, Node>();
      const walk = (n: AnyNode): void => {
        if (n === null || n === undefined) return;
        if (isAlias(n)) {
          targets.set(n, anchors.get(n.source));
          return;
        }
        if (n.anchor !== undefined) anchors.set(n.anchor, n);
        if (isMap(n)) {
          for (const p of n.items) {
            walk(p.key as AnyNode);
            walk(p.value as AnyNode);
          }
        } else if (isSeq(n)) {
          for (const item of n.items) walk(item as AnyNode);
        }
      };
      walk(this.root);
      this.targets = targets;
    }
    return this.targets.get(node);
  }
}

/**
 * The JSON value kubectl would send for a document parsed with the failsafe schema (so every
 * scalar is still text), or a YamlDecodeError where kubectl fails to read it. String values go
 * through `strings` when given (one table for a whole input: see SharedStrings).
 */
export function decodeYamlDocument(doc: Document.Parsed, strings?: SharedStrings): unknown {
  return new Decoder(doc.contents as AnyNode, strings).decode();
}
