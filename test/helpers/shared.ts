// Locates the shared reference data (../shared beside the repository).
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { join } from 'node:path';

export const SHARED_DIR = fileURLToPath(new URL('../../../shared/', import.meta.url));

export function sharedPath(...parts: string[]): string {
  const p = join(SHARED_DIR, ...parts);
  if (!existsSync(p)) throw new Error(`shared reference data not found at ${p} (expected ../shared beside the repository)`);
  return p;
}
