// Pure: a write that survives conflicts and lost responses. The write carries the resourceVersion
// it read; after a 409 or a failure whose outcome is unknown (dropped connection, 5xx after the
// retries), the object is read again and its live state decides: already as intended (the write
// went through), still as before (write again with the new resourceVersion), or changed by
// someone else (stop).

import { ClusterError } from '../errors.js';

/** Where the live object stands relative to a write. */
export type LiveStanding = 'after' | 'before' | 'other' | 'missing';

export type WriteOutcome<T> =
  | { kind: 'written'; value: T | null; note?: string }
  | { kind: 'changed'; message: string }
  | { kind: 'error'; error: unknown };

export interface CheckedWrite<T> {
  write(resourceVersion: string): Promise<T>;
  /** Reads the object again: how it stands, and its resourceVersion. */
  standing(): Promise<{ standing: LiveStanding; resourceVersion: string }>;
  resourceVersion: string;
  /** Writes attempted after re-reads (default 3). */
  attempts?: number;
}

/** Runs the write; never writes twice once the live object shows the change. */
export async function checkedWrite<T>(w: CheckedWrite<T>): Promise<WriteOutcome<T>> {
  let rv = w.resourceVersion;
  const attempts = w.attempts ?? 3;
  let lastError: unknown;
  for (let i = 0; i < attempts; i++) {
    try {
      return { kind: 'written', value: await w.write(rv) };
    } catch (err) {
      lastError = err;
      if (err instanceof ClusterError && !['conflict', 'server', 'timeout', 'unreachable', 'tooManyRequests'].includes(err.kind)) {
        return { kind: 'error', error: err };
      }
      let now: { standing: LiveStanding; resourceVersion: string };
      try {
        now = await w.standing();
      } catch (readErr) {
        return { kind: 'error', error: readErr };
      }
      if (now.standing === 'after') return { kind: 'written', value: null, note: 'the change was found in place after a failed response' };
      if (now.standing === 'other') return { kind: 'changed', message: 'the object was changed by someone else during the write' };
      if (now.standing === 'missing') return { kind: 'changed', message: 'the object was deleted during the write' };
      rv = now.resourceVersion;
    }
  }
  return { kind: 'error', error: lastError };
}
