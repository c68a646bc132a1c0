// Pure: which Pod Security policy version a Kubernetes release knows. PSA evaluates `latest` with
// the newest rules compiled into the server, not ours (shared conformance/CHECKS.md §9).

/** Newest policy minor per release minor where a release added no revision of its own. */
const RELEASE_TO_POLICY: ReadonlyArray<readonly [release: number, policy: number]> = [
  [22, 22],
  [23, 23],
  [25, 25],
  [27, 27],
  [29, 29],
  [31, 31],
  [32, 32],
  [34, 34],
  [35, 35],
  [37, 37],
];

/** Parses `v1.36.2`, `v1.36.0-rc.1+abc`, `1.36` into the minor (36); null when not a 1.x version. */
export function releaseMinor(gitVersion: string): number | null {
  const m = /^v?1\.(\d+)(?:[.+-]|$)/.exec(gitVersion.trim());
  return m ? Number(m[1]) : null;
}

/**
 * The policy minor a server of this release applies to `latest` (and to newer pins): e.g. 1.36 ->
 * 35, 1.24 -> 23. Releases newer than the newest we know are clamped to `newestKnown`.
 */
export function serverPolicyMinor(releaseMinorVersion: number, newestKnown: number): number {
  let policy = 0;
  for (const [release, p] of RELEASE_TO_POLICY) if (release <= releaseMinorVersion) policy = p;
  if (releaseMinorVersion < 22) policy = releaseMinorVersion;
  if (releaseMinorVersion > 37) policy = releaseMinorVersion;
  return Math.min(policy, newestKnown);
}

/**
 * The version string to evaluate a label value with on a live server: `latest` becomes the
 * server's policy version; explicit pins above it are clamped to it, as the server does.
 */
export function resolveLiveVersion(version: string, serverPolicy: number): string {
  if (version === 'latest') return `v1.${serverPolicy}`;
  const m = /^v1\.(\d+)$/.exec(version);
  if (!m) return version;
  return Number(m[1]) > serverPolicy ? `v1.${serverPolicy}` : version;
}
