// Evidence from a running workload, as data: container log lines matched against known failure
// messages, and probe results (`id -u`, `id -g`, files written). Pure; src/cluster/evidence.ts
// gathers the raw text.

/** What a log line or probe tells about a container. */
export type FindingKind =
  'readOnlyFs' | 'noTempDir' | 'permissionDenied' | 'nonNumericUser' | 'runsAsRoot' | 'lowPortBind' | 'probe';

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
  /** The subset of writablePaths the probe saw written (successfully) since the container started. */
  writtenDirs?: string[];
  /**
   * The subset of writablePaths that already hold files of the image (the probe found image files
   * there next to the run-time writes): an emptyDir there must be seeded with the image's content.
   */
  imageContent?: string[];
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
const READ_ONLY_RE =
  /(?:"|'|\s|^)(\/[^\s"'():,]+)["']?\s*(?:failed\s*)?\(?(?:30: |Errno 30\] |: )?Read-only file system/;
const READ_ONLY_PY_RE = /\[Errno 30\] Read-only file system: '([^']+)'/;
const PERM_PATH_RE =
  /(?:open|mkdir|create|write|touch|cannot create)[^/\n]*?["']?(\/[^\s"':,)]+)["']?[^\n]*Permission denied|Permission denied: '(\/[^']+)'|(\/[^\s"':,)]+)["']?:? Permission denied/i;
const BIND_RE =
  /(?:bind|listen)[^\n]*?:(\d{1,5})\b[^\n]*(?:permission denied|Permission denied|EACCES)|EACCES[^\n]*?:(\d{1,5})\b/;

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
    if ((f.kind === 'readOnlyFs' || f.kind === 'permissionDenied') && f.path !== undefined)
      paths.add(writableDirFor(f.path));
    if (f.kind === 'lowPortBind' && f.port !== undefined) ports.add(f.port);
  }
  return { writablePaths: [...paths].sort(), lowPorts: [...ports].sort((a, b) => a - b), findings };
}

/** Ancestor directories of an absolute path, shallowest first, without `/`: /a/b/c -> [/a, /a/b]. */
function ancestors(path: string): string[] {
  const parts = path.split('/').filter((x) => x !== '');
  return parts.slice(0, -1).map((_, i) => '/' + parts.slice(0, i + 1).join('/'));
}

/**
 * The directories to keep writable for files written at run time, from the probe. With
 * `imageFiles` (files of the image the probe found in every ancestor that has any): for each
 * written file, the shallowest ancestor that holds no image file (an emptyDir there hides nothing:
 * tomcat's logs/ and work/, never /usr/local/tomcat); when even the file's own directory holds
 * image files, that directory, flagged as `seed` (its content must be copied in first). Without
 * `imageFiles` (nothing known about the image), the file's own directory. Pure.
 */
export function writtenDirectories(
  files: readonly string[],
  imageFiles?: readonly string[],
): { dir: string; seed: boolean }[] {
  const out = new Map<string, boolean>();
  const image = imageFiles?.map((f) => f.replace(/\/+/g, '/'));
  for (const f of files) {
    const dirs = ancestors(f);
    const parent = dirs[dirs.length - 1];
    if (parent === undefined) continue;
    if (image === undefined) {
      out.set(parent, out.get(parent) ?? false);
      continue;
    }
    const empty = dirs.find((d) => !image.some((i) => i.startsWith(d + '/')));
    if (empty !== undefined) out.set(empty, out.get(empty) ?? false);
    else out.set(parent, true);
  }
  // A directory below another chosen one is covered by it.
  const chosen = [...out.keys()].filter((d) => ![...out.keys()].some((o) => o !== d && d.startsWith(o + '/')));
  return chosen.sort().map((dir) => ({ dir, seed: out.get(dir) === true }));
}

/**
 * Parses the probe's output: `id -u`, `id -g`, one written path per line, and (newer probes) one
 * image file per line found in the written files' directories and their ancestors.
 */
export function parseProbeOutput(
  uidText: string,
  gidText: string,
  changedFiles: string,
  imageFilesText?: string,
): Partial<ContainerEvidence> {
  const uid = Number.parseInt(uidText.trim(), 10);
  const gid = Number.parseInt(gidText.trim(), 10);
  const lines = (t: string) =>
    t
      .split('\n')
      .map((l) => l.trim())
      .filter((p) => p.startsWith('/') && !/^\/(proc|sys|dev)(\/|$)/.test(p));
  const dirs = writtenDirectories(
    lines(changedFiles),
    imageFilesText === undefined ? undefined : lines(imageFilesText),
  );
  const writablePaths = dirs.map((d) => d.dir);
  const out: Partial<ContainerEvidence> = {
    writablePaths,
    writtenDirs: writablePaths,
    imageContent: dirs.filter((d) => d.seed).map((d) => d.dir),
  };
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
    if (p.writtenDirs !== undefined)
      out.writtenDirs = [...new Set([...(out.writtenDirs ?? []), ...p.writtenDirs])].sort();
    if (p.imageContent !== undefined)
      out.imageContent = [...new Set([...(out.imageContent ?? []), ...p.imageContent])].sort();
    out.findings.push(...(p.findings ?? []));
  }
  return out;
}
