// `podsec explain [CHECK_ID]`: what a check requires, at which policy versions, how to fix it.

import { UsageError } from '../../errors.js';
import { EXPLANATIONS, findExplanation, type CheckExplanation } from '../../policy/explain.js';
import type { CommandContext } from '../context.js';

function wrap(text: string, width: number, indent: string): string {
  return text
    .split('\n')
    .map((para) => {
      const lines: string[] = [];
      let line = '';
      for (const word of para.split(' ')) {
        if (line !== '' && indent.length + line.length + 1 + word.length > width) {
          lines.push(line);
          line = word;
        } else line = line === '' ? word : `${line} ${word}`;
      }
      lines.push(line);
      return lines.map((l) => indent + l).join('\n');
    })
    .join('\n');
}

function render(e: CheckExplanation, width: number): string {
  const fix = e.fix.includes('\n') || e.fix.includes(':\n') ? e.fix.split('\n').map((l) => `  ${l}`).join('\n') : wrap(e.fix, width, '  ');
  return [
    `${e.id} (${e.level}): ${e.title}`,
    '',
    wrap(e.requires, width, '  '),
    '',
    'Fields:',
    ...e.fields.map((f) => wrap(f, width, '  ')),
    '',
    'Allowed:',
    wrap(e.allowed, width, '  '),
    '',
    'Policy versions:',
    wrap(e.versions, width, '  '),
    '',
    'How to fix:',
    fix,
    '',
  ].join('\n');
}

export async function run(_flags: Record<string, unknown>, args: string[], ctx: CommandContext): Promise<number> {
  const width = Math.max(60, Math.min(ctx.io.columns, 100));
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
