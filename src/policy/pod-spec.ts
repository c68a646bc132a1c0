// Pure: finds the pod template in a workload object, like upstream's DefaultPodSpecExtractor,
// extended to removed API versions and custom controllers with spec.template.spec.containers.

import type { PodTemplate } from './types.js';
import { obj, type Obj } from './access.js';

export interface ExtractedTemplate {
  /** Object keys from the root to the template ([] for a Pod). */
  templatePath: string[];
  template: PodTemplate;
}

function asTemplate(metadata: unknown, spec: Obj): PodTemplate {
  const m = obj(metadata) ?? {};
  const out: PodTemplate = { metadata: {}, spec };
  if (typeof m['name'] === 'string') out.metadata.name = m['name'];
  const labels = obj(m['labels']);
  if (labels !== undefined) out.metadata.labels = labels as Record<string, string>;
  const annotations = obj(m['annotations']);
  if (annotations !== undefined) out.metadata.annotations = annotations as Record<string, string>;
  return out;
}

/**
 * The pod template of Pod, PodTemplate, Deployment, ReplicaSet, StatefulSet, DaemonSet,
 * ReplicationController, Job, CronJob (any apiVersion, including extensions/v1beta1 and
 * batch/v1beta1), or any object whose spec.template.spec.containers is a list; null otherwise.
 */
export function extractPodTemplate(object: unknown): ExtractedTemplate | null {
  const o = obj(object);
  if (o === undefined) return null;
  const kind = o['kind'];
  const spec = obj(o['spec']);
  if (kind === 'Pod') {
    return spec === undefined ? null : { templatePath: [], template: asTemplate(o['metadata'], spec) };
  }
  if (kind === 'PodTemplate') {
    const t = obj(o['template']);
    const s = obj(t?.['spec']);
    return t === undefined || s === undefined
      ? null
      : { templatePath: ['template'], template: asTemplate(t['metadata'], s) };
  }
  if (kind === 'CronJob') {
    const t = obj(obj(obj(spec?.['jobTemplate'])?.['spec'])?.['template']);
    const s = obj(t?.['spec']);
    return t === undefined || s === undefined
      ? null
      : { templatePath: ['spec', 'jobTemplate', 'spec', 'template'], template: asTemplate(t['metadata'], s) };
  }
  const t = obj(spec?.['template']);
  const s = obj(t?.['spec']);
  if (t === undefined || s === undefined) return null;
  const known = ['Deployment', 'ReplicaSet', 'StatefulSet', 'DaemonSet', 'ReplicationController', 'Job'];
  if (!known.includes(String(kind)) && !Array.isArray(s['containers'])) return null;
  return { templatePath: ['spec', 'template'], template: asTemplate(t['metadata'], s) };
}

/** Kinds whose pod template PSA checks (Pods are enforced, the rest warned and audited). */
export const WORKLOAD_KINDS: readonly string[] = [
  'Pod',
  'PodTemplate',
  'ReplicationController',
  'ReplicaSet',
  'Deployment',
  'StatefulSet',
  'DaemonSet',
  'Job',
  'CronJob',
];
