// What --version means when it names a version newer than this podsec knows. Pure.

import { NEWEST_MINOR, parsePolicyVersion } from '../policy/index.js';

/** A one-line notice when `--version` is above the newest known minor (evaluated as the newest), else null. */
export function versionNote(version: string | undefined): string | null {
  if (version === undefined) return null;
  const minor = parsePolicyVersion(version);
  if (typeof minor !== 'number' || minor <= NEWEST_MINOR) return null;
  return `--version ${version} is newer than this podsec knows: evaluated as v1.${NEWEST_MINOR} (latest); update podsec for newer rules`;
}
