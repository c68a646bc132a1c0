// Pure: Kubernetes object-name rules as the API server applies them (k8s.io/apimachinery
// pkg/util/validation and the per-kind Validate*Name functions). A name that the API server would
// refuse to create can only come from a hand-edited or hostile input; it must never become part of
// a request URL (`kube-system/secrets/x`, `..`, `vote/status`) or a kubectl argument (`--server=..`).
// Used where names enter (manifests, live objects), by the plan.json schema, and right before a
// URL is built (src/cluster).

import { UserError } from '../errors.js';
import type { InputError, Inventory, Workload } from './types.js';

const LABEL = '[a-z0-9]([-a-z0-9]*[a-z0-9])?';
const LABEL_RE = new RegExp(`^${LABEL}$`);
const SUBDOMAIN_RE = new RegExp(`^${LABEL}(\\.${LABEL})*$`);

export const DNS1123_LABEL_MAX = 63;
export const DNS1123_SUBDOMAIN_MAX = 253;
/** CronJob names leave room for the 11-character suffix of the Jobs they create. */
export const CRONJOB_NAME_MAX = 52;

export type NameRule = 'label' | 'subdomain';

/**
 * The rule the API server checks for a kind's metadata.name: Namespace and StatefulSet (its pods
 * become `<name>-<ordinal>` hostnames) are DNS-1123 labels; Deployment, ReplicaSet, DaemonSet,
 * ReplicationController, Job, CronJob, Pod and anything else are DNS-1123 subdomains.
 */
export function nameRuleOf(kind: string): NameRule {
  return kind === 'Namespace' || kind === 'StatefulSet' ? 'label' : 'subdomain';
}

/** Control characters and the Unicode bidi/invisible format characters (Trojan Source: U+202E ...). */
export const INVISIBLE_CHARS =
  /[\u0000-\u001f\u007f-\u009f\u061c\u200b-\u200f\u2028-\u202e\u2060-\u206f\ufeff\ufff9-\ufffb]/;
const INVISIBLE_ALL = new RegExp(INVISIBLE_CHARS.source, 'g');

/** A printable form of a name for messages: JSON-quoted, so control and bidi characters show as escapes. */
export function quoteName(name: string): string {
  return JSON.stringify(name).replace(INVISIBLE_ALL, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}

/** `text` with every control and bidi/invisible format character replaced by `with`. */
export function replaceInvisible(text: string, by: string): string {
  return text.replace(INVISIBLE_ALL, by);
}

function ruleProblem(given: string, rule: NameRule, max: number, prefix = false): string | null {
  if (given === '') return 'must not be empty';
  // A generateName prefix may end in '-' (apimachinery's maskTrailingDash).
  const name = prefix && given.length > 1 && given.endsWith('-') ? `${given.slice(0, -1)}a` : given;
  if (name.length > max) return `must be no more than ${max} characters`;
  if (rule === 'label' && !LABEL_RE.test(name)) {
    return "a lowercase RFC 1123 label must consist of lower case alphanumeric characters or '-', and must start and end with an alphanumeric character (e.g. 'my-name', or '123-abc')";
  }
  if (rule === 'subdomain' && !SUBDOMAIN_RE.test(name)) {
    return "a lowercase RFC 1123 subdomain must consist of lower case alphanumeric characters, '-' or '.', and must start and end with an alphanumeric character (e.g. 'example.com')";
  }
  return null;
}

/** Why `name` is not a valid namespace name (a DNS-1123 label), or null. */
export function namespaceNameProblem(name: unknown): string | null {
  if (typeof name !== 'string') return 'must be a string';
  return ruleProblem(name, 'label', DNS1123_LABEL_MAX);
}

/**
 * Why `name` is not a valid metadata.name for `kind`, or null. With `prefix`, `name` is a
 * metadata.generateName and may end in '-'.
 */
export function objectNameProblem(kind: string, name: unknown, opts: { prefix?: boolean } = {}): string | null {
  if (typeof name !== 'string') return 'must be a string';
  if (kind === 'Namespace') return ruleProblem(name, 'label', DNS1123_LABEL_MAX, opts.prefix);
  const rule = nameRuleOf(kind);
  const max = kind === 'CronJob' ? CRONJOB_NAME_MAX : rule === 'label' ? DNS1123_LABEL_MAX : DNS1123_SUBDOMAIN_MAX;
  return ruleProblem(name, rule, max, opts.prefix);
}

/** True when a namespace name is valid. */
export function isNamespaceName(name: unknown): name is string {
  return namespaceNameProblem(name) === null;
}

/** True when `name` is a valid metadata.name for `kind`. */
export function isObjectName(kind: string, name: unknown): name is string {
  return objectNameProblem(kind, name) === null;
}

/**
 * The name as a URL path segment, after checking it: a bad name is an input error (UserError),
 * never a request. `kind` is `Namespace` for namespace names.
 */
export function pathSegment(kind: string, name: string): string {
  const problem = objectNameProblem(kind, name);
  if (problem !== null) {
    throw new UserError(
      `refusing to send a request for ${kind} ${quoteName(name)}: not a valid Kubernetes name (${problem})`,
      'the name came from a plan or manifest that was edited by hand or is hostile; regenerate the plan from the real objects',
    );
  }
  // Valid names hold only [a-z0-9.-]: nothing to encode, but keep the encoding as a second guard.
  return encodeURIComponent(name);
}

/** Why a workload's namespace or name would not be accepted by the API server, or null. */
export function workloadNameProblem(w: Pick<Workload, 'kind' | 'namespace' | 'name' | 'object'>): string | null {
  const meta = (w.object as { metadata?: { name?: unknown } } | undefined)?.metadata;
  const badName = objectNameProblem(w.kind, w.name, { prefix: typeof meta?.name !== 'string' });
  const badNamespace = namespaceNameProblem(w.namespace);
  const problems = [
    ...(badName !== null ? [`metadata.name is not a valid ${w.kind} name: ${badName}`] : []),
    ...(badNamespace !== null ? [`metadata.namespace is not a valid namespace name: ${badNamespace}`] : []),
  ];
  return problems.length > 0
    ? `${w.kind} ${quoteName(w.name)} in namespace ${quoteName(w.namespace)}: ${problems.join('; ')}`
    : null;
}

/**
 * The inventory without workloads and namespaces whose names the API server would refuse, each
 * turned into an input error naming its file and document. A scan may report on such objects
 * (the verdict does not depend on the name, and nothing is sent anywhere); a plan must not carry
 * them into paths, scripts or requests, so planning starts from this.
 */
export function withoutInvalidNames(inv: Inventory): Inventory {
  const errors: InputError[] = [];
  const reported = new Set<string>();
  const workloads = inv.workloads.filter((w) => {
    const problem = workloadNameProblem(w);
    if (problem === null) return true;
    reported.add(w.namespace);
    const src =
      'file' in w.source
        ? {
            file: w.source.file,
            document: w.source.document,
            ...(w.source.line !== undefined ? { line: w.source.line } : {}),
          }
        : { namespace: w.namespace };
    errors.push({ ...src, message: problem });
    return false;
  });
  const namespaces = inv.namespaces.filter((n) => {
    const problem = namespaceNameProblem(n.name);
    if (problem === null) return true;
    if (!reported.has(n.name))
      errors.push({
        namespace: quoteName(n.name),
        message: `namespace ${quoteName(n.name)} is not a valid namespace name: ${problem}`,
      });
    return false;
  });
  if (errors.length === 0) return inv;
  return { ...inv, namespaces, workloads, errors: [...inv.errors, ...errors] };
}
