// Shell: reads an --answers FILE (YAML) and validates it with the fix engine's answers schema; an
// invalid file is a usage error naming the field (`uids.shop/Deployment/vote: ...`).

import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { UsageError } from '../errors.js';
import { answersSchema, EMPTY_ANSWERS, type Answers } from '../fix/index.js';
import { parseYamlInput } from './yaml-input.js';

/** Parses answers text; `where` names the file in errors. */
export function parseAnswersText(text: string, where: string): Answers {
  let data: unknown;
  try {
    data = parseYamlInput(text) ?? {};
  } catch (err) {
    throw new UsageError(`--answers ${where} is not valid YAML: ${(err as Error).message.split('\n')[0] ?? ''}`);
  }
  const res = answersSchema.safeParse(data);
  if (!res.success) {
    const issue = res.error.issues[0];
    const field = issue !== undefined && issue.path.length > 0 ? issue.path.join('.') : '(root)';
    throw new UsageError(`--answers ${where}: ${field}: ${issue?.message ?? 'invalid'}`);
  }
  return res.data;
}

/** Reads the answers file (relative to cwd), or the empty answers when no file is given. */
export async function loadAnswersFile(path: string | undefined, cwd: string): Promise<Answers> {
  if (path === undefined) return EMPTY_ANSWERS;
  let text: string;
  try {
    text = await readFile(resolve(cwd, path), 'utf8');
  } catch (err) {
    throw new UsageError(
      `--answers ${path}: cannot read it (${(err as NodeJS.ErrnoException).code ?? (err as Error).message})`,
    );
  }
  return parseAnswersText(text, path);
}
