/**
 * The shared tally of the fault and abuse run (`npm run test:faults`, the vitest project
 * `faults`). Each case appends one JSON line to the tally file (inject('faultsTally')); the
 * project's globalSetup teardown prints the summary:
 *
 *   faults: N injected in C cases; S survived; L changes lost; D doubled; J journal problems
 *   bad inputs: N tried; C clean; X crashed; H hung without a message; R requests outside the plan's objects
 *
 * Add a case with `recordFault` (network/process/disk faults) or `recordInput` (hostile names,
 * tampered plans, malformed input), then assert the goal in the test itself so CI fails on it.
 */
import { appendFileSync, existsSync, readFileSync } from 'node:fs';

/** One fault case: what was injected and what it cost. */
export interface FaultRecord {
  type: 'fault';
  /** Group, e.g. "kill -9", "proxy", "apiserver restart", "full disk". */
  group: string;
  name: string;
  /** Faults injected in this case (kills, proxy faults, restarts, ...). */
  injected: number;
  /** The commands ended as designed (success, or the documented clean failure) and the state is right. */
  survived: boolean;
  /** Planned changes (or rollbacks) missing from the cluster at the end. */
  lost: number;
  /** Objects written more often than the plan says (audit log: successful non-dry-run PATCHes). */
  doubled: number;
  /** journalProblems() of the final journal, plus unreadable journals. */
  journalProblems: number;
  notes?: string[];
}

/** One bad input: how podsec took it. */
export interface InputRecord {
  type: 'input';
  group: string;
  name: string;
  /** A clear error (or correct handling) and no stack trace. */
  clean: boolean;
  crashed: boolean;
  /** Did not finish in time and printed nothing about waiting. */
  hung: boolean;
  /** Requests the audit log shows outside the plan's objects (or to Secrets/ConfigMaps). */
  outside: number;
  notes?: string[];
}

export type TallyRecord = FaultRecord | InputRecord;

export function appendRecord(file: string, r: TallyRecord): void {
  appendFileSync(file, `${JSON.stringify(r)}\n`);
}

export function readTally(file: string): TallyRecord[] {
  if (!existsSync(file)) return [];
  return readFileSync(file, 'utf8')
    .split('\n')
    .filter((l) => l.trim() !== '')
    .map((l) => JSON.parse(l) as TallyRecord);
}

/** The summary lines (also per group). */
export function formatTally(records: readonly TallyRecord[]): string {
  const faults = records.filter((r): r is FaultRecord => r.type === 'fault');
  const inputs = records.filter((r): r is InputRecord => r.type === 'input');
  const sum = <T>(xs: readonly T[], f: (x: T) => number) => xs.reduce((s, x) => s + f(x), 0);
  const lines: string[] = [];
  const faultLine = (xs: readonly FaultRecord[]) =>
    `${sum(xs, (r) => r.injected)} injected in ${xs.length} cases; ${xs.filter((r) => r.survived).length} survived; ${sum(xs, (r) => r.lost)} changes lost; ${sum(xs, (r) => r.doubled)} doubled; ${sum(xs, (r) => r.journalProblems)} journal problems`;
  const inputLine = (xs: readonly InputRecord[]) =>
    `${xs.length} tried; ${xs.filter((r) => r.clean).length} clean; ${xs.filter((r) => r.crashed).length} crashed; ${xs.filter((r) => r.hung).length} hung without a message; ${sum(xs, (r) => r.outside)} requests outside the plan's objects`;
  lines.push(`faults: ${faultLine(faults)}`);
  for (const g of [...new Set(faults.map((r) => r.group))])
    lines.push(`  ${g}: ${faultLine(faults.filter((r) => r.group === g))}`);
  for (const r of faults.filter((x) => !x.survived || x.lost > 0 || x.doubled > 0 || x.journalProblems > 0)) {
    lines.push(
      `  NOT OK ${r.group} / ${r.name}: survived=${r.survived} lost=${r.lost} doubled=${r.doubled} journal=${r.journalProblems}${r.notes?.length ? ` (${r.notes.join('; ')})` : ''}`,
    );
  }
  lines.push(`bad inputs: ${inputLine(inputs)}`);
  for (const g of [...new Set(inputs.map((r) => r.group))])
    lines.push(`  ${g}: ${inputLine(inputs.filter((r) => r.group === g))}`);
  for (const r of inputs.filter((x) => !x.clean || x.crashed || x.hung || x.outside > 0)) {
    lines.push(
      `  NOT OK ${r.group} / ${r.name}: clean=${r.clean} crashed=${r.crashed} hung=${r.hung} outside=${r.outside}${r.notes?.length ? ` (${r.notes.join('; ')})` : ''}`,
    );
  }
  return `${lines.join('\n')}\n`;
}
