// Evidence from a running workload, as data: container log lines matched against known failure
// messages, and probe results (`id -u`, `id -g`, files written). Pure; src/cluster/evidence.ts
// gathers the raw text.

/** What a log line or probe tells about a container. */
export type FindingKind =
  | 'readOnlyFs'
  | 'noTempDir'
  | 'permissionDenied'
  | 'nonNumericUser'
  | 'runsAsRoot'
  | 'lowPortBind'
  | 'probe';

export interface Finding {
  kind: FindingKind;
  /** Path the program failed to write, when the message names one. */
  path?: string;
  /** Port the program failed to bind. */
  port?: number;
  /** The matched text (trimmed), for the rationale. */
  line: string;
}

/** Everything learnt about one container. */
export interface ContainerEvidence {
  /** UID/GID the container runs as (from the probe). */
  uid?: number;
  gid?: number;
  /** Paths the program writes (from log messages and the probe), deduplicated, sorted. */
  writablePaths: string[];
  /** Low ports the program failed to bind as non-root. */
  lowPorts: number[];
  findings: Finding[];
}

/** Evidence for one workload, per container name, plus notes for the operator. */
export interface Evidence {
  containers: Record<string, ContainerEvidence>;
  /** e.g. `container "app" has no shell: probe skipped`. */
  notes: string[];
}

const TEMP_DIRS_RE = /No usable temporary directory found in \[([^\]]*)\]/;
const READ_ONLY_RE = /(?:"|'|\s|^)(\/[^\s"'():,]+)["']?\s*(?:failed\s*)?\(?(?:30: |Errno 30\] |: )?Read-only file system/;
const READ_ONLY_PY_RE = /\[Errno 30\] Read-only file system: '([^']+)'/;
const PERM_PATH_RE = /(?:open|mkdir|create|write|touch|cannot create)[^/\n]*?["']?(\/[^\s"':,)]+)["']?[^\n]*Permission denied|Permission denied: '(\/[^']+)'|(\/[^\s"':,)]+)["']?:? Permission denied/i;
const BIND_RE = /(?:bind|listen)[^\n]*?:(\d{1,5})\b[^\n]*(?:permission denied|Permission denied|EACCES)|EACCES[^\n]*?:(\d{1,5})\b/;

/** Matches one log line; null when it says nothing we can act on. */
export function matchLogLine(raw: string): Finding | null {
  const line = raw.trim();
  if (line === '') return null;
  const temp = TEMP_DIRS_RE.exec(line);
  if (temp) return { kind: 'noTempDir', line };
  if (/image has non-numeric user/.test(line)) return { kind: 'nonNumericUser', line };
  if (/image will run as root/.test(line)) return { kind: 'runsAsRoot', line };
  if (/Read-only file system/i.test(line)) {
    const m = READ_ONLY_PY_RE.exec(line) ?? READ_ONLY_RE.exec(line);
    return m?.[1] !== undefined ? { kind: 'readOnlyFs', path: m[1], line } : { kind: 'readOnlyFs', line };
  }
  const bind = BIND_RE.exec(line);
  if (bind) {
    const port = Number(bind[1] ?? bind[2]);
    if (port > 0 && port < 1024) return { kind: 'lowPortBind', port, line };
  }
  if (/Permission denied/i.test(line)) {
    const m = PERM_PATH_RE.exec(line);
    const path = m?.[1] ?? m?.[2] ?? m?.[3];
    return path !== undefined ? { kind: 'permissionDenied', path, line } : { kind: 'permissionDenied', line };
  }
  return null;
}

/** Directory a failing path implies: nginx `/var/cache/nginx/client_temp` -> its parent. */
function writableDirFor(path: string): string {
  const parts = path.replace(/\/+$/, '').split('/');
  // A file name (has a dot, or is a known leaf like client_temp) means its directory is written.
  const leaf = parts[parts.length - 1] ?? '';
  if (parts.length > 2 && (leaf.includes('.') || /_temp$/.test(leaf))) return parts.slice(0, -1).join('/');
  return parts.join('/') || '/';
}

/** Evidence for one container from its log text (current and previous logs concatenated). */
export function analyzeLogs(text: string): ContainerEvidence {
  const findings = text.split(/\r?\n/).flatMap((l) => matchLogLine(l) ?? []);
  const paths = new Set<string>();
  const ports = new Set<number>();
  for (const f of findings) {
    if (f.kind === 'noTempDir') ['/tmp', '/var/tmp'].forEach((p) => paths.add(p));
    if ((f.kind === 'readOnlyFs' || f.kind === 'permissionDenied') && f.path !== undefined) paths.add(writableDirFor(f.path));
    if (f.kind === 'lowPortBind' && f.port !== undefined) ports.add(f.port);
  }
  return { writablePaths: [...paths].sort(), lowPorts: [...ports].sort((a, b) => a - b), findings };
}

/** Parses the probe's output: `id -u`, `id -g`, then one written path per line. */
export function parseProbeOutput(uidText: string, gidText: string, changedFiles: string): Partial<ContainerEvidence> {
  const uid = Number.parseInt(uidText.trim(), 10);
  const gid = Number.parseInt(gidText.trim(), 10);
  const dirs = new Set<string>();
  for (const raw of changedFiles.split('\n')) {
    const p = raw.trim();
    if (!p.startsWith('/') || /^\/(proc|sys|dev)(\/|$)/.test(p)) continue;
    // The file's directory, cut to three levels: /var/cache/nginx/client_temp/1/x -> /var/cache/nginx.
    const dir = p.split('/').slice(0, -1).slice(0, 4).join('/');
    if (dir !== '') dirs.add(dir);
  }
  const out: Partial<ContainerEvidence> = { writablePaths: [...dirs].sort() };
  if (Number.isInteger(uid)) out.uid = uid;
  if (Number.isInteger(gid)) out.gid = gid;
  return out;
}

/** Merges evidence pieces for one container. */
export function mergeContainerEvidence(...parts: Partial<ContainerEvidence>[]): ContainerEvidence {
  const out: ContainerEvidence = { writablePaths: [], lowPorts: [], findings: [] };
  for (const p of parts) {
    if (p.uid !== undefined) out.uid = p.uid;
    if (p.gid !== undefined) out.gid = p.gid;
    out.writablePaths = [...new Set([...out.writablePaths, ...(p.writablePaths ?? [])])].sort();
    out.lowPorts = [...new Set([...out.lowPorts, ...(p.lowPorts ?? [])])].sort((a, b) => a - b);
    out.findings.push(...(p.findings ?? []));
  }
  return out;
}
