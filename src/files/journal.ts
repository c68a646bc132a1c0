// Shell: the append-only journal of a plan directory (DIR/journal.jsonl) and its lock
// (DIR/journal.lock). Each entry is one JSON line, appended with O_APPEND in a loop until every
// byte is written, then the file (and, for a new file, the directory) is fsynced before append()
// resolves: an intent is durable before the cluster write it describes. A failed append (full
// disk, short write, I/O error) removes its own partial line and throws, so the phase stops
// before any further cluster write and the journal never ends in a fragment podsec wrote and
// went on from. A torn last line can then only come from a crash mid-append; it is ignored on
// read and dropped before the next append (a torn intent: its write never started; a torn
// result: the intent stays and a resumed run settles it from the live object).

import * as fs from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import type { JournalEntry } from '../apply/journal-model.js';
import type { JournalPort } from '../apply/ports.js';
import { UserError } from '../errors.js';

export const JOURNAL_FILE = 'journal.jsonl';
export const LOCK_FILE = 'journal.lock';

/** The file operations the journal uses (tests inject short writes and ENOSPC). */
export interface JournalFs {
  openSync: typeof fs.openSync;
  writeSync: (fd: number, buffer: Buffer, offset: number, length: number) => number;
  fsyncSync: typeof fs.fsyncSync;
  ftruncateSync: typeof fs.ftruncateSync;
  fstatSync: (fd: number) => { size: number };
  readSync: (fd: number, buffer: Buffer, offset: number, length: number, position: number) => number;
  closeSync: typeof fs.closeSync;
}

const nodeFs: JournalFs = {
  openSync: fs.openSync,
  writeSync: (fd, b, o, l) => fs.writeSync(fd, b, o, l),
  fsyncSync: fs.fsyncSync,
  ftruncateSync: fs.ftruncateSync,
  fstatSync: (fd) => fs.fstatSync(fd),
  readSync: (fd, b, o, l, p) => fs.readSync(fd, b, o, l, p),
  closeSync: fs.closeSync,
};

/** Parses journal text; a torn final line is dropped, a bad line elsewhere is an error. */
export function parseJournal(text: string, file = JOURNAL_FILE): JournalEntry[] {
  const lines = text.split('\n');
  const out: JournalEntry[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      const e = JSON.parse(line) as JournalEntry;
      if (typeof e !== 'object' || e === null || typeof e.seq !== 'number' || typeof e.step !== 'string')
        throw new Error('not an entry');
      out.push(e);
    } catch {
      const isLast = lines.slice(i + 1).every((l) => l.trim() === '');
      if (!isLast)
        throw new UserError(
          `${file} line ${i + 1} is not a journal entry`,
          'restore the journal from a backup; podsec never rewrites it',
        );
    }
  });
  return out;
}

const errText = (err: unknown) => (err instanceof Error ? err.message : String(err));

/** Fsyncs a directory so a file created in it survives a crash (no-op where unsupported). */
export function fsyncDir(dir: string): void {
  let fd: number | undefined;
  try {
    fd = fs.openSync(dir, 'r');
    fs.fsyncSync(fd);
  } catch (err) {
    const code = (err as NodeJS.ErrnoException).code;
    if (code !== 'EISDIR' && code !== 'EINVAL' && code !== 'EPERM' && code !== 'EBADF') throw err;
  } finally {
    if (fd !== undefined) fs.closeSync(fd);
  }
}

/** The journal of `dir`. `io` replaces the file operations (tests). */
export function fileJournal(
  dir: string,
  io: JournalFs = nodeFs,
): JournalPort & { path: string; lock(command: string): () => void } {
  const path = join(dir, JOURNAL_FILE);
  return {
    path,
    lock: (command) => lockJournal(dir, command),
    async read() {
      let text: string;
      try {
        text = fs.readFileSync(path, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw new UserError(`cannot read ${path}: ${errText(err)}`);
      }
      return parseJournal(text, path);
    },
    async append(entry) {
      const what = `${entry.status} ${entry.action} of ${entry.step} (seq ${entry.seq})`;
      const hint =
        entry.status === 'intended'
          ? 'nothing was written to the cluster for this step; free space or fix the plan directory, then run the same command again'
          : 'the cluster write of this step happened but its result is not recorded; free space or fix the plan directory, then run the same command again: it reads the object and records what it finds';
      let fd: number;
      try {
        fd = io.openSync(path, 'a+');
      } catch (err) {
        throw new UserError(
          `cannot write the journal ${path}: ${errText(err)}; stopped before the next cluster write`,
          hint,
        );
      }
      let created: boolean;
      try {
        let start = io.fstatSync(fd).size;
        start = dropTornTail(io, fd, start);
        created = start === 0;
        const line = Buffer.from(`${JSON.stringify(entry)}\n`, 'utf8');
        try {
          for (let off = 0; off < line.length;) {
            const n = io.writeSync(fd, line, off, line.length - off);
            if (!(n > 0)) throw new Error(`short write: ${off} of ${line.length} bytes written`);
            off += n;
          }
          io.fsyncSync(fd);
        } catch (err) {
          // Take our partial line back out, so the journal ends where it ended before.
          try {
            io.ftruncateSync(fd, start);
            io.fsyncSync(fd);
          } catch {
            // the torn line stays; readers drop a torn last line, and this run stops here
          }
          throw new UserError(
            `cannot write the journal ${path} (${what}): ${errText(err)}; stopped before the next cluster write`,
            hint,
          );
        }
      } finally {
        io.closeSync(fd);
      }
      if (created) {
        try {
          fsyncDir(dir);
        } catch (err) {
          throw new UserError(
            `cannot sync the plan directory ${dir}: ${errText(err)}; stopped before the next cluster write`,
            hint,
          );
        }
      }
    },
  };
}

/**
 * A crash mid-append leaves a line without its newline. A torn intent means its write never
 * started (intents are fsynced first); a torn result leaves the step's intent, which a resumed
 * run settles from the live state. Either way the fragment carries nothing: drop it. Returns the
 * size after.
 */
function dropTornTail(io: JournalFs, fd: number, size: number): number {
  if (size === 0) return 0;
  const last = Buffer.alloc(1);
  io.readSync(fd, last, 0, 1, size - 1);
  if (last[0] === 0x0a) return size;
  // Find the last newline, reading backwards in chunks.
  const chunk = Buffer.alloc(64 * 1024);
  let end = size;
  while (end > 0) {
    const from = Math.max(0, end - chunk.length);
    const n = io.readSync(fd, chunk, 0, end - from, from);
    const i = chunk.subarray(0, n).lastIndexOf(0x0a);
    if (i >= 0) {
      io.ftruncateSync(fd, from + i + 1);
      io.fsyncSync(fd);
      return from + i + 1;
    }
    end = from;
  }
  io.ftruncateSync(fd, 0);
  io.fsyncSync(fd);
  return 0;
}

/** Who holds the journal lock. */
export interface LockHolder {
  pid: number;
  host: string;
  /** ISO time the holder took the lock. */
  started: string;
  command: string;
  /** Linux: the process start time (/proc/PID/stat field 22), to tell a reused pid apart. */
  procStart?: string;
  token: string;
}

function procStart(pid: number): string | undefined {
  try {
    const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
    // Field 2 (comm) may hold spaces and parentheses: count from the last ')'.
    return stat.slice(stat.lastIndexOf(')') + 2).split(' ')[19];
  } catch {
    return undefined;
  }
}

/** True when the holder is a process on this host that no longer runs. */
export function lockIsStale(h: LockHolder, host = hostname()): boolean {
  if (h.host !== host) return false;
  try {
    process.kill(h.pid, 0);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return true;
  }
  // The pid runs: it is the holder unless it was reused by a process started at another time.
  const now = procStart(h.pid);
  return h.procStart !== undefined && now !== undefined && now !== h.procStart;
}

function readHolder(path: string): LockHolder | null {
  try {
    const h = JSON.parse(fs.readFileSync(path, 'utf8')) as LockHolder;
    return typeof h.pid === 'number' && typeof h.host === 'string' ? h : null;
  } catch {
    return null;
  }
}

/** Creates `path` with `content` atomically (all or nothing), failing with EEXIST when it exists. */
function createWith(path: string, content: string): void {
  const tmp = `${path}.${process.pid}.${Math.random().toString(36).slice(2)}.tmp`;
  fs.writeFileSync(tmp, content, { flag: 'wx', mode: 0o644 });
  try {
    const fd = fs.openSync(tmp, 'r');
    try {
      fs.fsyncSync(fd);
    } finally {
      fs.closeSync(fd);
    }
    fs.linkSync(tmp, path);
  } finally {
    fs.rmSync(tmp, { force: true });
  }
}

const sleepSync = (ms: number) => Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, ms);

/**
 * Takes the exclusive lock on the journal of `dir` for one apply or rollback run; returns the
 * release function. Another live holder is a UserError naming its pid, host, start time and
 * command. A lock left by a process of this host that no longer runs is taken over, under a
 * second short-lived lock so two runs never both take it over.
 */
export function lockJournal(dir: string, command: string, now: () => Date = () => new Date()): () => void {
  const path = join(dir, LOCK_FILE);
  const guard = `${path}.takeover`;
  const me: LockHolder = {
    pid: process.pid,
    host: hostname(),
    started: now().toISOString(),
    command,
    token: `${process.pid}-${Math.random().toString(36).slice(2)}`,
  };
  const ps = procStart(process.pid);
  if (ps !== undefined) me.procStart = ps;
  const content = `${JSON.stringify(me)}\n`;
  for (let attempt = 0; attempt < 50; attempt++) {
    try {
      createWith(path, content);
      fsyncDir(dir);
      const release = () => {
        process.removeListener('exit', release);
        if (readHolder(path)?.token === me.token) fs.rmSync(path, { force: true });
      };
      process.once('exit', release);
      return release;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') {
        throw new UserError(
          `cannot lock the journal ${path}: ${errText(err)}`,
          'make the plan directory writable; nothing was changed',
        );
      }
    }
    const holder = readHolder(path);
    if (holder === null) {
      // Vanished or unreadable between our attempt and this read: try again shortly.
      sleepSync(20);
      continue;
    }
    if (!lockIsStale(holder)) {
      throw new UserError(
        `another podsec run holds the journal of this plan: pid ${holder.pid} on ${holder.host}, started ${holder.started} (${holder.command})`,
        `wait for it to finish; if that process is gone for good (another host cannot be checked), remove ${path}`,
      );
    }
    takeOver(path, guard, holder, me);
  }
  throw new UserError(`cannot lock the journal ${path}: it keeps changing hands`, 'retry in a moment');
}

/** Removes a stale lock under the takeover guard, if it is still the same stale holder. */
function takeOver(path: string, guard: string, stale: LockHolder, me: LockHolder): void {
  try {
    createWith(guard, `${JSON.stringify(me)}\n`);
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    const g = readHolder(guard);
    if (g && lockIsStale(g)) fs.rmSync(guard, { force: true });
    else sleepSync(20);
    return;
  }
  try {
    const again = readHolder(path);
    if (again && again.token === stale.token && lockIsStale(again)) fs.rmSync(path, { force: true });
  } finally {
    fs.rmSync(guard, { force: true });
  }
}
