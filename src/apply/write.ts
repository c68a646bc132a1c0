// Pure: a write whose outcome is settled by reading, never assumed. The write carries the
// resourceVersion it read. Whatever the response (success, 409, 422 after the client resent a
// request whose first copy went through, a dropped connection, a timeout, a 5xx, even a 200 that
// never reached the server), the object is read again and its live state decides: as intended
// (written), still as before (write again with the new resourceVersion, up to `attempts`, unless
// the error says the write itself is refused), or changed by someone else or deleted (stop).

import { CancelledError, ClusterError } from '../errors.js';

/** Where the live object stands relative to a write. */
export type LiveStanding = 'after' | 'before' | 'other' | 'missing';

export type WriteOutcome<T> =
  | { kind: 'written'; value: T; note?: string }
  | { kind: 'changed'; message: string }
  | { kind: 'error'; error: unknown };

export interface CheckedWrite<T> {
  write(resourceVersion: string): Promise<unknown>;
  /** Reads the object again: how it stands, its resourceVersion, and the object as read. */
  standing(): Promise<{ standing: LiveStanding; resourceVersion: string; value: T | null }>;
  resourceVersion: string;
  /** Writes attempted (default 3). */
  attempts?: number;
}

/** Errors after which the same write may succeed: the request may not have been (fully) served. */
const AGAIN = new Set(['conflict', 'server', 'timeout', 'unreachable', 'tooManyRequests']);

/** Runs the write and reads the object back; never writes again once the live object shows the change. */
export async function checkedWrite<T>(w: CheckedWrite<T>): Promise<WriteOutcome<T>> {
  let rv = w.resourceVersion;
  const attempts = w.attempts ?? 3;
  let lastError: unknown;
  for (let i = 0; i < attempts; i++) {
    let failed: unknown;
    let ok = false;
    try {
      await w.write(rv);
      ok = true;
    } catch (err) {
      if (err instanceof CancelledError) throw err;
      failed = err;
      lastError = err;
    }
    let now: { standing: LiveStanding; resourceVersion: string; value: T | null };
    try {
      now = await w.standing();
    } catch (readErr) {
      if (readErr instanceof CancelledError) throw readErr;
      return { kind: 'error', error: ok ? readErr : failed };
    }
    if (now.standing === 'after' && now.value !== null) {
      return ok
        ? { kind: 'written', value: now.value }
        : { kind: 'written', value: now.value, note: 'the change was found in place after a failed response' };
    }
    if (now.standing === 'other')
      return { kind: 'changed', message: 'the object was changed by someone else during the write' };
    if (now.standing === 'missing') return { kind: 'changed', message: 'the object was deleted during the write' };
    // Still as before: the write did not happen.
    if (ok)
      lastError = new ClusterError(
        'server',
        'the API server answered the write with success, but the object read back is unchanged',
      );
    else if (!(failed instanceof ClusterError) || !AGAIN.has(failed.kind)) return { kind: 'error', error: failed };
    rv = now.resourceVersion;
  }
  return { kind: 'error', error: lastError };
}
