/**
 * Helpers of the fault run: requests to the faults control plane with the admin token (kept
 * independent of podsec's own client), the audit log as the judge of doubled writes, a plan
 * estate whose expected end states are computed by the API server itself (a server-side dry-run
 * of each patch file), and the tally.
 */
import { readFileSync } from 'node:fs';
import * as https from 'node:https';
import { join } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import { inject } from 'vitest';
import { parse } from 'yaml';
import { journalProblems, type JournalEntry } from '../../src/apply/journal-model.js';
import { parseJournal } from '../../src/files/journal.js';
import type { Plan, PlanStep } from '../../src/plan/plan-schema.js';
import { kubeConfigFor, kubeTokens, kubeconfigPath } from '../harness/env.js';
import { podsec, seedCopy, type CliResult, type Estate } from '../helpers/apply-estate.js';
import { appendRecord, type FaultRecord, type InputRecord } from './tally.js';

export const P = 'pod-security.kubernetes.io/';

export function recordFault(r: Omit<FaultRecord, 'type'>): void {
  appendRecord(inject('faultsTally'), { type: 'fault', ...r });
}
export function recordInput(r: Omit<InputRecord, 'type'>): void {
  appendRecord(inject('faultsTally'), { type: 'input', ...r });
}

/** One request as admin to the faults control plane. */
export function kube(
  method: string,
  path: string,
  body?: unknown,
  contentType = 'application/json',
): Promise<{ status: number; body: Record<string, unknown> }> {
  const url = new URL(inject('kubeServer') + path);
  const payload = body === undefined ? undefined : JSON.stringify(body);
  return new Promise((resolve, reject) => {
    const req = https.request(
      url,
      {
        method,
        ca: readFileSync(inject('kubeCaFile')),
        headers: {
          Authorization: `Bearer ${kubeTokens().admin}`,
          Accept: 'application/json',
          'User-Agent': 'podsec-faults-test',
          ...(payload ? { 'Content-Type': contentType } : {}),
        },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          resolve({ status: res.statusCode ?? 0, body: text ? (JSON.parse(text) as Record<string, unknown>) : {} });
        });
      },
    );
    req.on('error', reject);
    req.end(payload);
  });
}

/** Restarts (or kills and restarts) the faults API server, down for `downMs`; resolves when it is ready. */
export async function restartApiServer(downMs: number, kill = false): Promise<void> {
  const r = await fetch(`${inject('faultsControl')}/apiserver/restart?downMs=${downMs}${kill ? '&kill=1' : ''}`, {
    method: 'POST',
  });
  if (r.status !== 200) throw new Error(`restart failed: ${await r.text()}`);
}

interface AuditEvent {
  stage?: string;
  user?: { username?: string };
  verb?: string;
  requestURI?: string;
  userAgent?: string;
  objectRef?: { resource?: string; namespace?: string; name?: string; apiGroup?: string; subresource?: string };
  responseStatus?: { code?: number };
  requestReceivedTimestamp?: string;
}

/** Audit events received at or after `since` and before `until` (ms since the epoch). */
export function auditSince(since: number, until = Infinity): AuditEvent[] {
  const text = readFileSync(inject('faultsAuditLog'), 'utf8');
  const out: AuditEvent[] = [];
  for (const line of text.split('\n')) {
    if (!line) continue;
    const e = JSON.parse(line) as AuditEvent;
    const t = Date.parse(e.requestReceivedTimestamp ?? '');
    if (e.stage === 'ResponseComplete' && t >= since && t < until) out.push(e);
  }
  return out;
}

const objKey = (o: AuditEvent['objectRef']) => `${o?.resource}/${o?.namespace ?? ''}/${o?.name}`;

/** Successful non-dry-run writes by podsec per object in [since, until). */
export function podsecWrites(since: number, until = Infinity): Map<string, number> {
  const m = new Map<string, number>();
  for (const e of auditSince(since, until)) {
    if (!e.userAgent?.startsWith('podsec') || e.userAgent.startsWith('podsec-faults')) continue;
    if (!['patch', 'update', 'create', 'delete'].includes(e.verb ?? '') || /[?&]dryRun=/.test(e.requestURI ?? ''))
      continue;
    if (e.verb === 'create' && /selfsubject/.test(e.objectRef?.resource ?? '')) continue;
    const code = e.responseStatus?.code ?? 0;
    if (code < 200 || code >= 300) continue;
    m.set(objKey(e.objectRef), (m.get(objKey(e.objectRef)) ?? 0) + 1);
  }
  return m;
}

/** Writes beyond one per object in [since, until) (one command, or one command and its resumption, writes each object at most once). */
export function doubledSince(since: number, until = Infinity): number {
  return [...podsecWrites(since, until).values()].reduce((s, n) => s + Math.max(0, n - 1), 0);
}

/** Now, for auditSince (the API server stamps requests with the same wall clock). */
export const auditNow = () => Date.now();

type PatchStep = Extract<PlanStep, { type: 'patch' }>;
const plural: Record<string, string> = {
  Deployment: 'deployments',
  StatefulSet: 'statefulsets',
  DaemonSet: 'daemonsets',
  ReplicaSet: 'replicasets',
  CronJob: 'cronjobs',
  ReplicationController: 'replicationcontrollers',
};
export const workloadPath = (s: PatchStep) =>
  `${s.apiVersion === 'v1' ? '/api/v1' : `/apis/${s.apiVersion}`}/namespaces/${s.namespace}/${plural[s.kind]}/${s.name}`;
const templateOf = (o: Record<string, unknown>, kind: string): unknown => {
  const spec = o['spec'] as Record<string, unknown> | undefined;
  return kind === 'CronJob'
    ? (
        (spec?.['jobTemplate'] as Record<string, unknown> | undefined)?.['spec'] as Record<string, unknown> | undefined
      )?.['template']
    : spec?.['template'];
};
const psa = (labels: Record<string, string> | undefined) =>
  Object.fromEntries(Object.entries(labels ?? {}).filter(([k]) => k.startsWith(P)));

/** A seeded estate with a plan, and for each automatic step its state before and the state the plan leads to. */
export class FaultEstate {
  plan!: Plan;
  estate!: Estate;
  readonly before = new Map<string, unknown>();
  readonly expected = new Map<string, unknown>();

  constructor(readonly dir: string) {}

  /** Seeds `namespaces` and plans them through `kubeconfig` (the plan is bound to its context). */
  static async create(dir: string, namespaces: string[], kubeconfig = kubeconfigPath()): Promise<FaultEstate> {
    const f = new FaultEstate(dir);
    f.estate = await seedCopy(kubeConfigFor(), namespaces);
    const r = await podsec(['plan', ...f.estate.all.flatMap((n) => ['-n', n]), '--out', dir], kubeconfig);
    if (r.code !== 0) throw new Error(`plan failed: ${r.stderr}`);
    f.plan = JSON.parse(readFileSync(join(dir, 'plan.json'), 'utf8')) as Plan;
    for (const phase of f.plan.phases) {
      for (const s of phase.steps) {
        const id = f.key(phase.id, s);
        if (s.type === 'labels') {
          f.before.set(id, psa(s.before));
          f.expected.set(id, psa(s.after));
        } else if (s.method === 'patch') {
          const live = await kube('GET', workloadPath(s));
          f.before.set(id, templateOf(live.body, s.kind));
          const patch = parse(readFileSync(join(dir, s.file), 'utf8')) as Record<string, unknown>;
          const dry = await kube(
            'PATCH',
            `${workloadPath(s)}?dryRun=All`,
            patch,
            'application/strategic-merge-patch+json',
          );
          if (dry.status !== 200) throw new Error(`dry-run of ${s.file}: ${dry.status}`);
          f.expected.set(id, templateOf(dry.body, s.kind));
        }
      }
    }
    return f;
  }

  key(phase: string, s: PlanStep): string {
    return s.type === 'labels' ? `${phase}/labels/${s.namespace}` : `${phase}/${s.namespace}/${s.kind}/${s.name}`;
  }

  steps(phaseId: string): PlanStep[] {
    return (this.plan.phases.find((p) => p.id === phaseId)?.steps ?? []).filter(
      (s) => s.type === 'labels' || s.method === 'patch',
    );
  }

  /** Steps of the phase whose live state is not `want` (the plan's result, or the state before). */
  async lost(phaseId: string, want: 'applied' | 'rolledBack'): Promise<string[]> {
    const out: string[] = [];
    for (const s of this.steps(phaseId)) {
      const id = this.key(phaseId, s);
      const target = want === 'applied' ? this.expected.get(id) : this.before.get(id);
      let live: unknown;
      if (s.type === 'labels')
        live = psa(
          (((await kube('GET', `/api/v1/namespaces/${s.namespace}`)).body['metadata'] as Record<string, unknown>)?.[
            'labels'
          ] as Record<string, string>) ?? {},
        );
      else live = templateOf((await kube('GET', workloadPath(s as PatchStep))).body, (s as PatchStep).kind);
      // Labels: only the phase's own keys matter when a later phase is not involved.
      if (!isDeepStrictEqual(live, target)) out.push(id);
    }
    return out;
  }

  journal(): JournalEntry[] {
    try {
      return parseJournal(readFileSync(join(this.dir, 'journal.jsonl'), 'utf8'));
    } catch {
      return [];
    }
  }

  /** journalProblems() of the journal, 1 when it cannot be read. */
  journalProblemCount(): number {
    let text: string;
    try {
      text = readFileSync(join(this.dir, 'journal.jsonl'), 'utf8');
    } catch {
      return 0;
    }
    try {
      return journalProblems(parseJournal(text)).length;
    } catch {
      return 1;
    }
  }

  run(args: string[], env: Record<string, string> = {}, kubeconfig = kubeconfigPath()): Promise<CliResult> {
    return podsec(
      [...args.slice(0, 1), this.dir, ...args.slice(1), '--yes', '--wait', 'admitted', '--timeout', '60'],
      kubeconfig,
      env,
    );
  }
}
