// Shell: the append-only journal of a plan directory (DIR/journal.jsonl). Each entry is one JSON
// line, written with O_APPEND and fsynced before append() resolves, so an intent is on disk
// before the write it describes. A torn last line (crash mid-append) is ignored on read and
// dropped before the next append.

import { closeSync, fsyncSync, openSync, readFileSync, truncateSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import type { JournalEntry } from '../apply/journal-model.js';
import type { JournalPort } from '../apply/ports.js';
import { UserError } from '../errors.js';

export const JOURNAL_FILE = 'journal.jsonl';

/** Parses journal text; a torn final line is dropped, a bad line elsewhere is an error. */
export function parseJournal(text: string, file = JOURNAL_FILE): JournalEntry[] {
  const lines = text.split('\n');
  const out: JournalEntry[] = [];
  lines.forEach((line, i) => {
    if (line.trim() === '') return;
    try {
      const e = JSON.parse(line) as JournalEntry;
      if (typeof e !== 'object' || e === null || typeof e.seq !== 'number' || typeof e.step !== 'string') throw new Error('not an entry');
      out.push(e);
    } catch {
      const isLast = lines.slice(i + 1).every((l) => l.trim() === '');
      if (!isLast) throw new UserError(`${file} line ${i + 1} is not a journal entry`, 'restore the journal from a backup; podsec never rewrites it');
    }
  });
  return out;
}

/** The journal of `dir`. */
export function fileJournal(dir: string): JournalPort & { path: string } {
  const path = join(dir, JOURNAL_FILE);
  return {
    path,
    async read() {
      let text: string;
      try {
        text = readFileSync(path, 'utf8');
      } catch (err) {
        if ((err as NodeJS.ErrnoException).code === 'ENOENT') return [];
        throw new UserError(`cannot read ${path}: ${(err as Error).message}`);
      }
      return parseJournal(text, path);
    },
    async append(entry) {
      let fd: number;
      try {
        fd = openSync(path, 'a');
      } catch (err) {
        throw new UserError(`cannot write the journal ${path}: ${(err as Error).message}`, 'make the plan directory writable; nothing was changed in the cluster for this step');
      }
      try {
        dropTornTail(path);
        writeSync(fd, `${JSON.stringify(entry)}\n`);
        fsyncSync(fd);
      } finally {
        closeSync(fd);
      }
    },
  };
}

/**
 * A crash mid-append leaves a line without its newline. A torn intent means its write never
 * started (intents are fsynced first); a torn result leaves the step's intent, which a resumed
 * run settles from the live state. Either way the fragment carries nothing: drop it.
 */
function dropTornTail(path: string): void {
  const bytes = readFileSync(path);
  if (bytes.length === 0 || bytes[bytes.length - 1] === 0x0a) return;
  truncateSync(path, bytes.lastIndexOf(0x0a) + 1);
}
