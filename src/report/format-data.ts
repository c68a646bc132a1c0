// Pure: machine formats of a ScanReport. JSON is produced in chunks (one per array element) so a
// large report is written without building one huge string; the text equals JSON.stringify(r, null, 2).

import { stringify } from 'yaml';

/**
 * Chunks of `JSON.stringify(value, null, 2) + "\n"` for an object whose top-level arrays may be
 * long (workloads, errors); keys keep their insertion order.
 */
export function* jsonChunks(value: object): Generator<string> {
  const entries = Object.entries(value).filter(([, v]) => v !== undefined && typeof v !== 'function');
  if (entries.length === 0) {
    yield '{}\n';
    return;
  }
  yield '{\n';
  for (let i = 0; i < entries.length; i++) {
    const [key, v] = entries[i] as [string, unknown];
    const comma = i < entries.length - 1 ? ',' : '';
    if (Array.isArray(v) && v.length > 0) {
      yield `  ${JSON.stringify(key)}: [\n`;
      let buf = '';
      for (let j = 0; j < v.length; j++) {
        const item: unknown = v[j];
        const text =
          item === undefined || typeof item === 'function'
            ? 'null'
            : JSON.stringify(item, null, 2).replace(/\n/g, '\n    ');
        buf += `    ${text}${j < v.length - 1 ? ',' : ''}\n`;
        if (buf.length > 65536) {
          yield buf;
          buf = '';
        }
      }
      yield `${buf}  ]${comma}\n`;
    } else {
      yield `  ${JSON.stringify(key)}: ${JSON.stringify(v, null, 2).replace(/\n/g, '\n  ')}${comma}\n`;
    }
  }
  yield '}\n';
}

/** The report as YAML (same fields and order as JSON). */
export function formatYaml(value: object): string {
  return stringify(value, { lineWidth: 0, aliasDuplicateObjects: false });
}
