// `podsec explain [CHECK_ID]` (shell): prints what a check requires, at which policy versions,
// and how to fix it, wrapped to the terminal width (80 columns when stdout is not a terminal).

import { UsageError } from '../../errors.js';
import { CONTAINER_FIELDS_NOTE, EXPLANATIONS, findExplanation, type CheckExplanation } from '../../policy/explain.js';
import type { CommandContext } from '../context.js';
import type { Flags } from '../flags.js';

/** Word-wraps one paragraph, prefixing every line with `indent`; words longer than a line stay whole. */
export function wrap(text: string, width: number, indent: string): string {
  const lines: string[] = [];
  let line = '';
  for (const word of text.split(' ')) {
    if (line !== '' && indent.length + line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else line = line === '' ? word : `${line} ${word}`;
  }
  lines.push(line);
  return lines.map((l) => indent + l).join('\n');
}

function render(e: CheckExplanation, width: number): string {
  const containerFields = e.fields.some((f) => f.startsWith('spec.containers[*]'));
  return [
    `${e.id} (${e.level}): ${e.title}`,
    '',
    wrap(e.requires, width, '  '),
    '',
    'Fields:',
    ...e.fields.map((f) => wrap(f, width, '  ')),
    ...(containerFields ? [wrap(CONTAINER_FIELDS_NOTE, width, '  ')] : []),
    '',
    'Allowed:',
    wrap(e.allowed, width, '  '),
    '',
    'Policy versions:',
    wrap(e.versions, width, '  '),
    '',
    'How to fix:',
    wrap(e.fix, width, '  '),
    '',
    ...e.yaml.split('\n').map((l) => `    ${l}`),
    '',
  ].join('\n');
}

/** Lists every check, or explains one (exit 2 with the valid IDs for an unknown one). */
export async function run(_flags: Flags, args: string[], ctx: CommandContext): Promise<number> {
  const width = ctx.io.stdoutIsTTY ? Math.max(40, ctx.io.columns) : 80;
  const query = args[0];
  if (query === undefined) {
    const pad = Math.max(...EXPLANATIONS.map((e) => e.id.length));
    ctx.io.out('Pod Security Standards checks (podsec explain CHECK_ID for details):\n\n');
    for (const e of EXPLANATIONS) ctx.io.out(`  ${e.id.padEnd(pad)}  ${e.level.padEnd(10)}  ${e.title}\n`);
    return 0;
  }
  const found = findExplanation(query);
  if (found === undefined) {
    throw new UsageError(`unknown check "${query}"`, `valid checks: ${EXPLANATIONS.map((e) => e.id).join(', ')}`);
  }
  ctx.io.out(render(found, width));
  return 0;
}
