// JSON text in pieces: the same text as `JSON.stringify(value, null, 2)`, produced one array
// element or object member at a time down to `depth`, so a plan with 100k workloads never needs
// one string larger than a workload (V8 strings stop near 512 MB: "Invalid string length"). Pure.

function indentJson(value: unknown, indent: string): string {
  return JSON.stringify(value, null, 2).replace(/\n/g, `\n${indent}`);
}

/**
 * Pieces of `JSON.stringify(value, null, 2)` (plain JSON data: no toJSON, no cycles), split down to
 * `depth` levels; `memberDepth` gives some members of the top-level object their own depth (a value
 * known to be small is one piece: splitting is CPU, ~20 million generator steps for a 100k plan).
 */
export function* jsonChunks(
  value: unknown,
  depth = 2,
  indent = '',
  memberDepth?: Readonly<Record<string, number>>,
): Generator<string> {
  if (depth <= 0 || value === null || typeof value !== 'object') {
    yield indentJson(value ?? null, indent);
    return;
  }
  const inner = `${indent}  `;
  if (Array.isArray(value)) {
    if (value.length === 0) {
      yield '[]';
      return;
    }
    yield '[';
    for (let i = 0; i < value.length; i++) {
      yield `${i === 0 ? '' : ','}\n${inner}`;
      const v: unknown = value[i];
      // JSON.stringify writes null for undefined and functions inside arrays.
      yield* jsonChunks(v === undefined || typeof v === 'function' ? null : v, depth - 1, inner);
    }
    yield `\n${indent}]`;
    return;
  }
  const entries = Object.entries(value as Record<string, unknown>).filter(
    ([, v]) => v !== undefined && typeof v !== 'function',
  );
  if (entries.length === 0) {
    yield '{}';
    return;
  }
  yield '{';
  let first = true;
  for (const [k, v] of entries) {
    yield `${first ? '' : ','}\n${inner}${JSON.stringify(k)}: `;
    first = false;
    yield* jsonChunks(v, memberDepth?.[k] ?? depth - 1, inner);
  }
  yield `\n${indent}}`;
}
