// What every command receives from the composition root (src/cli.tsx).

import type { Io } from './io.js';

export interface GlobalFlags {
  nonInteractive: boolean;
  line: boolean;
  color: boolean;
}

export interface CommandContext {
  io: Io;
  env: Record<string, string | undefined>;
  cwd: string;
  /** Absolute path of the shipped templates/ folder. */
  templatesDir: string;
  /** Injected clock (pure code never reads the time itself). */
  now: () => Date;
  /** podsec's own version. */
  version: string;
  globals: GlobalFlags;
  /** Aborted on Ctrl-C / SIGTERM. */
  signal: AbortSignal;
}

/** Options that select what to read: files or a live cluster. */
export interface SourceFlags {
  file: string[];
  kubeconfig?: string;
  context?: string;
  namespace: string[];
  allNamespaces: boolean;
}
