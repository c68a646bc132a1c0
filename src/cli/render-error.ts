// Turns any thrown value into one or two readable lines on stderr. Never a stack trace for
// user input; a bug (InternalError or unknown) says how to report it.

import { CancelledError, ClusterError, InternalError, UsageError, UserError } from '../errors.js';

export function renderError(err: unknown, version: string): string {
  if (err instanceof UsageError) {
    return `error: ${err.message}\n${err.hint ? `hint: ${err.hint}\n` : ''}(run with --help for usage)\n`;
  }
  if (err instanceof UserError) {
    const steps = err.nextSteps.map((s) => `  - ${s}\n`).join('');
    return `error: ${err.message}\n${err.hint ? `hint: ${err.hint}\n` : ''}${steps}`;
  }
  if (err instanceof ClusterError) {
    return `error: ${err.message}\n${err.hint ? `hint: ${err.hint}\n` : ''}`;
  }
  if (err instanceof CancelledError) return 'cancelled\n';
  const detail = err instanceof Error ? (err.stack ?? err.message) : String(err);
  const kind = err instanceof InternalError ? 'internal error' : 'unexpected error';
  return (
    `podsec ${version}: ${kind}. This is a bug in podsec; please report it with the command you ran\n` +
    `and the output below.\n${detail}\n`
  );
}
