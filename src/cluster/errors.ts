// Shell: turns transport failures and API error responses into one-line ClusterErrors that say what
// went wrong and what to try. Raw client errors (bodies, headers, stacks) never reach the user.

import { ClusterError, type ClusterErrorKind } from '../errors.js';

/** A non-2xx API response, kept small: status, the Status reason/message, and the request. */
export class ApiResponseError extends Error {
  override name = 'ApiResponseError';
  constructor(
    readonly status: number,
    readonly reason: string,
    readonly apiMessage: string,
    readonly method: string,
    readonly path: string,
    readonly retryAfterSeconds?: number,
  ) {
    super(`${method} ${path}: ${status} ${reason}: ${apiMessage}`);
  }
}

/** A request that got no response in time. */
export class RequestTimeoutError extends Error {
  override name = 'RequestTimeoutError';
}

const TLS_CODES = new Set([
  'DEPTH_ZERO_SELF_SIGNED_CERT',
  'SELF_SIGNED_CERT_IN_CHAIN',
  'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY',
  'CERT_HAS_EXPIRED',
  'CERT_NOT_YET_VALID',
  'ERR_TLS_CERT_ALTNAME_INVALID',
  'CERT_SIGNATURE_FAILURE',
  'EPROTO',
  'ERR_SSL_WRONG_VERSION_NUMBER',
]);
const UNREACHABLE_CODES = new Set([
  'ECONNREFUSED',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  'ECONNRESET',
  'EPIPE',
]);

/** Error code of a Node network error (also when wrapped as `cause`). */
export function networkCode(err: unknown): string | undefined {
  for (let e: unknown = err, i = 0; e && i < 4; i++) {
    const code = (e as { code?: unknown }).code;
    if (typeof code === 'string') return code;
    e = (e as { cause?: unknown }).cause;
  }
  return undefined;
}

/** A connection refused or lost: the API server restarting, or a load balancer in front of it. */
export function isConnectionLoss(err: unknown): boolean {
  const code = networkCode(err);
  return code === 'ECONNREFUSED' || code === 'ECONNRESET' || code === 'EPIPE';
}

/** True for failures worth retrying: throttling, server errors, dropped connections, timeouts. */
export function isRetryable(err: unknown): boolean {
  if (err instanceof ApiResponseError) return err.status === 429 || (err.status >= 500 && err.status !== 501);
  if (err instanceof RequestTimeoutError) return true;
  const code = networkCode(err);
  return code === 'ECONNRESET' || code === 'EPIPE' || code === 'ETIMEDOUT' || code === 'EAI_AGAIN';
}

/**
 * The ClusterError for any failure of a request to `server`. `what` names the operation in user
 * terms, e.g. `list deployments.apps in namespace "shop"`.
 */
export function toClusterError(err: unknown, server: string, what: string): ClusterError {
  if (err instanceof ClusterError) return err;
  if (err instanceof ApiResponseError) return fromStatus(err, server, what);
  if (err instanceof RequestTimeoutError) {
    return new ClusterError(
      'timeout',
      `the API server at ${server} did not answer in time (${what})`,
      'check the network or VPN, or retry; a busy server may need a moment',
    );
  }
  const code = networkCode(err) ?? '';
  if (TLS_CODES.has(code) || /certificate|SSL|TLS/i.test(String((err as Error)?.message ?? ''))) {
    return new ClusterError(
      'tls',
      `TLS verification of ${server} failed (${code || 'bad certificate'})`,
      "check the cluster's certificate-authority in the kubeconfig, or the server URL",
    );
  }
  if (UNREACHABLE_CODES.has(code)) {
    return new ClusterError(
      'unreachable',
      `cannot reach the API server at ${server} (${code})`,
      'check that the cluster is running, the server URL, and your network or VPN',
    );
  }
  if (code === 'ETIMEDOUT' || code === 'ESOCKETTIMEDOUT') {
    return new ClusterError(
      'timeout',
      `connecting to ${server} timed out`,
      'check the network or VPN and that the server URL is right',
    );
  }
  const msg = err instanceof Error ? (err.message.split('\n')[0] ?? '') : String(err);
  return new ClusterError(
    'unreachable',
    `request to ${server} failed: ${msg}`,
    'check the kubeconfig and that the cluster is reachable',
  );
}

const WRITES = new Set(['PATCH', 'PUT', 'DELETE', 'POST']);

function fromStatus(err: ApiResponseError, server: string, what: string): ClusterError {
  const kind: ClusterErrorKind =
    err.status === 401
      ? 'unauthorized'
      : err.status === 403
        ? 'forbidden'
        : err.status === 404
          ? 'notFound'
          : err.status === 409
            ? 'conflict'
            : err.status === 400 || err.status === 422
              ? 'invalid'
              : err.status === 429
                ? 'tooManyRequests'
                : err.status === 504 || err.status === 408
                  ? 'timeout'
                  : 'server';
  const detail = oneLine(err.apiMessage);
  switch (kind) {
    case 'unauthorized':
      return new ClusterError(
        kind,
        `the API server at ${server} rejected the credentials (401 Unauthorized)`,
        'log in again or refresh the token (e.g. re-run your cloud CLI login), then retry',
        401,
      );
    case 'forbidden':
      return new ClusterError(
        kind,
        `not allowed to ${what} (403 Forbidden)`,
        WRITES.has(err.method)
          ? 'ask for RBAC that allows it: kubectl apply -f templates/rbac/podsec-reader.yaml -f templates/rbac/podsec-applier.yaml, and bind podsec-applier with podsec-reader'
          : 'ask for RBAC that allows it: kubectl apply -f templates/rbac/podsec-reader.yaml',
        403,
      );
    case 'tooManyRequests':
      return new ClusterError(
        kind,
        `the API server kept throttling requests (${what})`,
        'retry later, or scan fewer namespaces with -n',
        429,
      );
    case 'timeout':
      return new ClusterError(
        kind,
        `the API server timed out (${what})`,
        'retry, or scan fewer namespaces with -n',
        err.status,
      );
    case 'notFound':
      return new ClusterError(
        kind,
        `not found: ${what}${detail ? ` (${detail})` : ''}`,
        'check the name and namespace',
        404,
      );
    default:
      return new ClusterError(
        kind,
        `the API server refused to ${what}: ${err.status}${detail ? ` ${detail}` : ''}`,
        'retry; if it persists, check the API server logs',
        err.status,
      );
  }
}

function oneLine(s: string): string {
  const line = s.split('\n')[0] ?? '';
  return line.length > 200 ? `${line.slice(0, 197)}...` : line;
}
