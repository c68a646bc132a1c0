// Client of the differential oracle (test/kube/oracle): the Kubernetes API server's decoding,
// defaulting and PodSecurity admission, from the upstream Go libraries at the pinned release.
// One long-running process answers many requests (JSON lines in, JSON lines out, in order).
import { spawn, spawnSync, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { once } from 'node:events';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { KUBE_MODULE_DIR } from './corpora.js';

export interface OracleRequest {
  /** Manifest text exactly as a file holds it (YAML or JSON, one or more documents). */
  text: string;
  levels: readonly string[];
  versions: readonly string[];
}

export interface OracleResult {
  level: string;
  version: string;
  allowed: boolean;
  /** `reason (detail), ...` (AggregateCheckResult.ForbiddenDetail); '' when allowed. */
  detail: string;
  /** IDs of the failing checks, in evaluation order. */
  checks: string[];
  /** The server's words: the 403 message for a Pod, the warning for a controller; '' when allowed. */
  message: string;
}

export interface OracleDoc {
  kind?: string;
  name?: string;
  /** kubectl or the API server could not decode the document. */
  error?: string;
  /** `group/version Kind` of an object PodSecurity does not evaluate. */
  skipped?: string;
  results?: OracleResult[];
}

export interface OracleResponse {
  docs: OracleDoc[];
  error?: string;
}

/** The oracle binary: $PODSEC_ORACLE_BIN (set by `npm test`), else built (cached) now. */
export function oracleBinary(): string {
  const fromEnv = process.env['PODSEC_ORACLE_BIN'];
  if (fromEnv) return fromEnv;
  const r = spawnSync('bash', [join(KUBE_MODULE_DIR, 'build.sh'), 'oracle'], {
    stdio: ['ignore', 'pipe', 'inherit'],
    encoding: 'utf8',
  });
  const lines = (r.stdout ?? '').trim().split('\n');
  if (r.status !== 0 || lines.length === 0)
    throw new Error('building the oracle failed: run `bash test/kube/build.sh oracle` to see why');
  const bin = join(lines[lines.length - 1]!, 'oracle');
  process.env['PODSEC_ORACLE_BIN'] = bin;
  return bin;
}

/** Evaluates a batch in one short-lived process (for fixed corpora). */
export function oracleEvaluateSync(requests: readonly OracleRequest[]): OracleResponse[] {
  const input = requests.map((r) => JSON.stringify(r)).join('\n') + '\n';
  const r = spawnSync(oracleBinary(), [], { input, encoding: 'utf8', maxBuffer: 1 << 30 });
  if (r.status !== 0) throw new Error(`oracle failed (${r.status ?? r.signal}): ${r.stderr}`);
  const out = r.stdout
    .trim()
    .split('\n')
    .map((l) => JSON.parse(l) as OracleResponse);
  if (out.length !== requests.length) throw new Error(`oracle answered ${out.length} of ${requests.length} requests`);
  return out;
}

/** A long-running oracle process for many small requests (fuzzing). */
export class Oracle {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly pending: { resolve: (r: OracleResponse) => void; reject: (e: Error) => void }[] = [];
  private failure: Error | undefined;

  constructor(bin = oracleBinary()) {
    this.child = spawn(bin, [], { stdio: ['pipe', 'pipe', 'pipe'] });
    let stderr = '';
    this.child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    createInterface({ input: this.child.stdout }).on('line', (line) => {
      const p = this.pending.shift();
      if (p) p.resolve(JSON.parse(line) as OracleResponse);
    });
    this.child.on('exit', (code, signal) => {
      this.failure = new Error(`oracle exited (${code ?? signal}): ${stderr}`);
      for (const p of this.pending.splice(0)) p.reject(this.failure);
    });
    this.child.stdin.on('error', () => {}); // reported through 'exit'
  }

  ask(request: OracleRequest): Promise<OracleResponse> {
    if (this.failure) return Promise.reject(this.failure);
    return new Promise((resolve, reject) => {
      this.pending.push({ resolve, reject });
      this.child.stdin.write(JSON.stringify(request) + '\n');
    });
  }

  async close(): Promise<void> {
    if (this.child.exitCode !== null || this.child.signalCode !== null) return;
    this.child.stdin.end();
    await once(this.child, 'exit');
  }
}
