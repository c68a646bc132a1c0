// Pure: the wrappers the API server puts around an aggregated message (CHECKS.md section 4).

/** `level:version` as PSA prints it (`latest` stays `latest`). */
export function levelVersion(level: string, version: string): string {
  return `${level}:${version}`;
}

/** The 403 message for a Pod rejected by enforce. */
export function forbiddenPodMessage(podName: string, level: string, version: string, message: string): string {
  const prefix = podName === '' ? 'pods is forbidden: ' : `pods "${podName}" is forbidden: `;
  return `${prefix}violates PodSecurity "${levelVersion(level, version)}": ${message}`;
}

/** The warning for warn mode (Pods and controllers). */
export function wouldViolateMessage(level: string, version: string, message: string): string {
  return `would violate PodSecurity "${levelVersion(level, version)}": ${message}`;
}
