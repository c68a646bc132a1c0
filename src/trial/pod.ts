// The trial pod and the refusal rules. Like `kubectl debug --copy-to`: an owner-less Pod in the
// workload's namespace with the patched template's spec, its labels replaced so no Service or
// controller selects it, and a podsec.dev/trial label and annotation naming the plan. Pure.

import { isObj } from '../fix/draft.js';
import { workloadKey, type PodTemplate, type Workload } from '../inventory/types.js';

export const TRIAL_LABEL = 'podsec.dev/trial';

/** Why a copy of this workload is unsafe to run, or null. `pvcAccessModes`: claim -> access modes. */
export function trialRefusal(
  w: Workload,
  pvcAccessModes: Readonly<Record<string, readonly string[]>> = {},
): string | null {
  if (w.kind === 'StatefulSet') return 'a StatefulSet: a copy would share its identity and storage';
  if (w.kind === 'Job' || w.kind === 'CronJob') return `a ${w.kind}: a copy would run its work again (side effects)`;
  const spec = w.template.spec;
  const containers = ['initContainers', 'containers'].flatMap((l) =>
    Array.isArray(spec[l]) ? (spec[l] as unknown[]).filter(isObj) : [],
  );
  const hostPort = containers
    .flatMap((c) => (Array.isArray(c['ports']) ? c['ports'].filter(isObj) : []))
    .find((p) => typeof p['hostPort'] === 'number' && p['hostPort'] > 0);
  if (hostPort) return `binds host port ${String(hostPort['hostPort'])}: a copy would collide with the running pod`;
  const volumes = Array.isArray(spec['volumes']) ? spec['volumes'].filter(isObj) : [];
  for (const v of volumes) {
    const pvc = v['persistentVolumeClaim'];
    if (!isObj(pvc)) continue;
    const claim = String(pvc['claimName'] ?? '');
    const modes = pvcAccessModes[claim];
    if (modes === undefined || modes.includes('ReadWriteOnce') || modes.includes('ReadWriteOncePod')) {
      return `mounts PersistentVolumeClaim "${claim}"${modes === undefined ? ' (access mode unknown)' : ` (${modes.join(', ')})`}: a copy could not attach it, or would write the same data`;
    }
  }
  return null;
}

/** DNS-1123 name of a trial pod: podsec-trial-<name>-<suffix>, at most 63 characters. */
export function trialPodName(workloadName: string, suffix: string): string {
  const base = `podsec-trial-${workloadName}`
    .toLowerCase()
    .replace(/[^a-z0-9-]+/g, '-')
    .slice(0, 63 - suffix.length - 1)
    .replace(/-+$/, '');
  return `${base}-${suffix}`;
}

/** The trial Pod for a workload's patched template. `plan`: the plan's name (its directory). */
export function trialPod(
  w: Workload,
  template: PodTemplate,
  opts: { plan: string; round: number; suffix: string },
): Record<string, unknown> {
  const spec = structuredClone(template.spec);
  // A copy of a Deployment's pod keeps restarting like the real one; bare Pods keep theirs.
  if (spec['restartPolicy'] === undefined) spec['restartPolicy'] = 'Always';
  delete spec['nodeName'];
  const key = workloadKey(w);
  return {
    apiVersion: 'v1',
    kind: 'Pod',
    metadata: {
      name: trialPodName(w.name, opts.suffix),
      namespace: w.namespace,
      // Replaced, not merged: no Service, ReplicaSet or NetworkPolicy selector picks the copy.
      labels: {
        [TRIAL_LABEL]:
          opts.plan
            .toLowerCase()
            .replace(/[^a-z0-9._-]+/g, '-')
            .replace(/^[^a-z0-9]+|[^a-z0-9]+$/g, '')
            .slice(0, 63) || 'plan',
      },
      annotations: { [TRIAL_LABEL]: `trial of ${key} for plan ${opts.plan}, round ${opts.round}; podsec deletes it` },
    },
    spec,
  };
}
