// Shared error classes, typed by who must act (shared docs/style.md 5.9). Mapped to exit codes
// only in src/cli.tsx. Policy violations are data and never use these.

/** Bad or missing flags, or a non-interactive run lacking an answer. Exit code 2. */
export class UsageError extends Error {
  override name = 'UsageError';
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
  }
}

/** Something the user can fix; `hint` says what to try next. Exit code 1. */
export class UserError extends Error {
  override name = 'UserError';
  constructor(
    message: string,
    readonly hint?: string,
    readonly nextSteps: readonly string[] = [],
  ) {
    super(message);
  }
}

export type ClusterErrorKind =
  | 'unreachable'
  | 'tls'
  | 'unauthorized'
  | 'forbidden'
  | 'notFound'
  | 'conflict'
  | 'invalid'
  | 'tooManyRequests'
  | 'server'
  | 'timeout';

/** A failed API call, built only in src/cluster/ from client errors. Exit code 1. */
export class ClusterError extends Error {
  override name = 'ClusterError';
  constructor(
    readonly kind: ClusterErrorKind,
    message: string,
    readonly hint?: string,
    readonly status?: number,
  ) {
    super(message);
  }
}

/** Ctrl-C or a cancelled prompt. Exit code 130. */
export class CancelledError extends Error {
  override name = 'CancelledError';
  constructor(message = 'cancelled') {
    super(message);
  }
}

/** A broken invariant: a bug in podsec. Exit code 70. */
export class InternalError extends Error {
  override name = 'InternalError';
}

export const EXIT = {
  ok: 0,
  failed: 1,
  usage: 2,
  unreadable: 3,
  internal: 70,
  cancelled: 130,
} as const;

/** Exit code for any thrown value. */
export function exitCodeFor(err: unknown): number {
  if (err instanceof UsageError) return EXIT.usage;
  if (err instanceof CancelledError) return EXIT.cancelled;
  if (err instanceof UserError || err instanceof ClusterError) return EXIT.failed;
  return EXIT.internal;
}
