// Shell: finds and loads the kubeconfig the way kubectl does (--kubeconfig, then $KUBECONFIG with
// several files merged first-wins, then ~/.kube/config, then in-cluster service account), and
// selects the context. Problems become one-line UserErrors with what to try.

import * as fs from 'node:fs';
import * as path from 'node:path';
import { KubeConfig, type Cluster, type Context, type User } from '@kubernetes/client-node';
import { UserError } from '../errors.js';

export interface KubeconfigOptions {
  kubeconfig?: string | undefined;
  context?: string | undefined;
  env: Record<string, string | undefined>;
}

export interface LoadedKubeconfig {
  kc: KubeConfig;
  /** The selected context name (`inClusterContext` in a pod). */
  context: string;
  server: string;
  /** Files that were read, in merge order (empty for in-cluster). */
  files: string[];
}

const SA_DIR = '/var/run/secrets/kubernetes.io/serviceaccount';

/** Loads and validates the kubeconfig; throws UserError naming the file, context or flag to fix. */
export function loadKubeconfig(opts: KubeconfigOptions, saDir = SA_DIR): LoadedKubeconfig {
  const files = kubeconfigFiles(opts);
  const kc = new KubeConfig();
  if (files.length > 0) {
    mergeFiles(kc, files);
  } else if (opts.env.KUBERNETES_SERVICE_HOST && fs.existsSync(path.join(saDir, 'token'))) {
    kc.loadFromCluster(saDir === SA_DIR ? '' : saDir.slice(0, -SA_DIR.length));
  } else {
    throw new UserError(
      'no kubeconfig found',
      'pass --kubeconfig FILE, set KUBECONFIG, or scan manifests with -f PATH',
    );
  }
  if (opts.context) {
    if (!kc.getContextObject(opts.context)) {
      const known = kc.getContexts().map((c) => c.name);
      throw new UserError(
        `context "${opts.context}" not found in ${describe(files)}`,
        known.length ? `known contexts: ${known.join(', ')}` : 'the kubeconfig defines no contexts',
      );
    }
    kc.setCurrentContext(opts.context);
  }
  const current = kc.getCurrentContext();
  if (!current || !kc.getContextObject(current)) {
    throw new UserError(
      current
        ? `current context "${current}" is not defined in ${describe(files)}`
        : `no current context in ${describe(files)}`,
      'pass --context NAME (kubectl config get-contexts lists them)',
    );
  }
  const cluster = kc.getCurrentCluster();
  if (!cluster?.server) {
    throw new UserError(
      `context "${current}" names no cluster with a server URL`,
      `check the kubeconfig ${describe(files)}`,
    );
  }
  return { kc, context: current, server: cluster.server, files };
}

function describe(files: readonly string[]): string {
  return files.length ? files.join(path.delimiter) : 'the in-cluster configuration';
}

/** The files kubectl would read, missing $KUBECONFIG entries skipped (kubectl ignores them too). */
export function kubeconfigFiles(opts: KubeconfigOptions): string[] {
  if (opts.kubeconfig) {
    if (!fs.existsSync(opts.kubeconfig)) {
      throw new UserError(`kubeconfig ${opts.kubeconfig} does not exist`, 'check the --kubeconfig path');
    }
    return [opts.kubeconfig];
  }
  const env = opts.env.KUBECONFIG;
  if (env) {
    const listed = env.split(path.delimiter).filter((f) => f.length > 0);
    const existing = listed.filter((f) => fs.existsSync(f));
    if (listed.length > 0 && existing.length === 0) {
      throw new UserError(
        `none of the KUBECONFIG files exist: ${listed.join(path.delimiter)}`,
        'fix KUBECONFIG or pass --kubeconfig FILE',
      );
    }
    return [...new Set(existing)];
  }
  const home = opts.env.HOME ?? opts.env.USERPROFILE;
  const def = home ? path.join(home, '.kube', 'config') : undefined;
  return def && fs.existsSync(def) ? [def] : [];
}

/**
 * kubectl's merge rules: the first file to define a cluster, user or context name wins, and the
 * first file that sets current-context wins. (client-node's own merge throws on duplicates and lets
 * the last current-context win.) Relative paths resolve against the file that names them.
 */
function mergeFiles(kc: KubeConfig, files: readonly string[]): void {
  const clusters = new Map<string, Cluster>();
  const users = new Map<string, User>();
  const contexts = new Map<string, Context>();
  let currentContext = '';
  for (const file of files) {
    const one = new KubeConfig();
    try {
      one.loadFromFile(file);
    } catch (err) {
      const msg = err instanceof Error ? err.message.split('\n')[0] : String(err);
      throw new UserError(
        `cannot read kubeconfig ${file}: ${msg}`,
        'fix the file or point --kubeconfig at another one',
      );
    }
    for (const c of one.getClusters()) if (!clusters.has(c.name)) clusters.set(c.name, c);
    for (const u of one.getUsers()) if (!users.has(u.name)) users.set(u.name, u);
    for (const c of one.getContexts()) if (!contexts.has(c.name)) contexts.set(c.name, c);
    if (!currentContext && one.getCurrentContext()) currentContext = one.getCurrentContext();
  }
  kc.loadFromOptions({
    clusters: [...clusters.values()],
    users: [...users.values()],
    contexts: [...contexts.values()],
    currentContext,
  });
}
