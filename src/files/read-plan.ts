// Shell: reads DIR/plan.json back and validates it against the plan schema; a broken plan is a
// UserError naming the field paths (`workloads.3.patch: ...`). A plan.json above STREAM_ABOVE bytes
// (100k workloads make ~500 MB, near V8's longest string) is read in pieces: each workload is
// parsed and validated on its own, and only the validated plan is kept.

import { createReadStream } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { UserError } from '../errors.js';
import { planIssues, planSchema, planWorkloadSchema, type Plan, type PlanWorkload } from '../plan/plan-schema.js';
import { JsonArraySplitter } from './json-split.js';

/** plan.json files larger than this are read workload by workload. */
export const STREAM_ABOVE = 64 * 1024 * 1024;

export interface ReadPlanOptions {
  /** Size in bytes above which plan.json is streamed (tests lower it). */
  streamAbove?: number;
}

function unreadable(path: string, err: unknown): UserError {
  const code = (err as NodeJS.ErrnoException).code;
  return new UserError(
    `cannot read ${path}: ${code === 'ENOENT' ? 'no such file' : (err as Error).message}`,
    'point at a directory written by `podsec plan --out DIR`',
  );
}

/** Reads and validates `dir/plan.json`. */
export async function readPlan(dir: string, opts: ReadPlanOptions = {}): Promise<Plan> {
  const path = join(dir, 'plan.json');
  let text: string;
  try {
    if ((await stat(path)).size > (opts.streamAbove ?? STREAM_ABOVE)) return await readPlanStream(path);
    text = await readFile(path, 'utf8');
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw unreadable(path, err);
  }
  return parsePlanText(text, path);
}

function notJson(where: string, err: unknown): UserError {
  return new UserError(
    `${where} is not valid JSON: ${(err as Error).message}`,
    'regenerate the plan with `podsec plan`',
  );
}

function invalid(where: string, issues: string[]): UserError {
  const shown = issues.slice(0, 5).join('; ');
  return new UserError(
    `${where} is not a valid plan: ${shown}${issues.length > 5 ? ` (+${issues.length - 5} more)` : ''}`,
    'regenerate the plan with `podsec plan`, or fix the named fields',
  );
}

/** Parses and validates plan.json text; `where` names the file in errors. */
export function parsePlanText(text: string, where = 'plan.json'): Plan {
  let data: unknown;
  try {
    data = JSON.parse(text);
  } catch (err) {
    throw notJson(where, err);
  }
  const issues = planIssues(data);
  if (issues.length > 0) throw invalid(where, issues);
  return planSchema.parse(data);
}

/**
 * Splits the file into its workloads and the rest; `onWorkload` gets each workload's parsed JSON.
 * Returns the rest parsed (its `workloads` array empty when the file had one).
 */
async function splitPlanFile(
  path: string,
  onWorkload: (value: unknown, array: number) => void,
): Promise<{ rest: unknown; split: boolean }> {
  const splitter = new JsonArraySplitter('workloads', (text, array) => {
    let value: unknown;
    try {
      value = JSON.parse(text);
    } catch (err) {
      throw notJson(path, err);
    }
    onWorkload(value, array);
  });
  try {
    for await (const chunk of createReadStream(path, { highWaterMark: 1 << 20 })) splitter.push(chunk as Buffer);
  } catch (err) {
    if (err instanceof UserError) throw err;
    throw unreadable(path, err);
  }
  let rest: unknown;
  try {
    rest = JSON.parse(splitter.rest());
  } catch (err) {
    throw notJson(path, err);
  }
  return { rest, split: splitter.arrays > 0 };
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);

/**
 * The same checks and result as parsePlanText, for a file of any size: each workload is validated
 * by the workload schema as it is read (the plan schema checks workloads one by one, with nothing
 * across them), then the rest by the plan schema. A plan with any problem is read a second time
 * and checked whole by planIssues, so the error names the same fields in the same order.
 */
async function readPlanStream(path: string): Promise<Plan> {
  let workloads: PlanWorkload[] = [];
  let bad = false;
  let current = 0;
  const first = await splitPlanFile(path, (value, array) => {
    // A repeated "workloads" key: the last array counts, as with JSON.parse.
    if (array !== current) {
      current = array;
      workloads = [];
    }
    if (bad) return;
    const res = planWorkloadSchema.safeParse(value);
    if (res.success) workloads.push(res.data);
    else bad = true;
  });
  current = 0;
  if (!bad && first.split && isRecord(first.rest)) {
    const res = planSchema.safeParse(first.rest);
    if (res.success) {
      res.data.workloads = workloads;
      return res.data;
    }
  }
  if (!first.split) {
    const issues = planIssues(first.rest);
    if (issues.length > 0) throw invalid(path, issues);
    return planSchema.parse(first.rest);
  }
  // Something is wrong: the whole data once more, for the exact issues.
  workloads = [];
  let raw: unknown[] = [];
  const again = await splitPlanFile(path, (value, array) => {
    if (array !== current) {
      current = array;
      raw = [];
    }
    raw.push(value);
  });
  const data = isRecord(again.rest) ? { ...again.rest, workloads: raw } : again.rest;
  const issues = planIssues(data);
  if (issues.length > 0) throw invalid(path, issues);
  return planSchema.parse(data);
}
