/**
 * Pure check: restrictedVolumes (restricted, v1.0+; replaces hostPathVolumes). Only core, non-host volume
 * types are allowed. Restricted fields: spec.volumes[*]. Allowed: configMap, csi, downwardAPI,
 * emptyDir, ephemeral, image, persistentVolumeClaim, projected, secret.
 * Mirrors check_restrictedVolumes.go.
 */
import { joinQuote, list, obj, pluralize, sortedSet, str, type Obj } from '../access.js';
import type { Check, PodContext } from '../check.js';

export const ALLOWED_VOLUME_SOURCES = [
  'configMap',
  'csi',
  'downwardAPI',
  'emptyDir',
  'ephemeral',
  'image',
  'persistentVolumeClaim',
  'projected',
  'secret',
] as const;

/** Restricted source kinds in upstream's order of precedence for naming a volume's type. */
export const RESTRICTED_VOLUME_SOURCES = [
  'hostPath',
  'gcePersistentDisk',
  'awsElasticBlockStore',
  'gitRepo',
  'nfs',
  'iscsi',
  'glusterfs',
  'rbd',
  'flexVolume',
  'cinder',
  'cephfs',
  'flocker',
  'fc',
  'azureFile',
  'vsphereVolume',
  'quobyte',
  'azureDisk',
  'photonPersistentDisk',
  'portworxVolume',
  'scaleIO',
  'storageos',
] as const;

/** The first of `kinds` that the volume sets to an object (a Go non-nil VolumeSource pointer). */
function firstPresent<K extends string>(vol: Obj, kinds: readonly K[]): K | undefined {
  for (const k of kinds) if (obj(vol[k]) !== undefined) return k;
  return undefined;
}

function restrictedVolumes(pod: PodContext) {
  const bad: string[] = [];
  const types: string[] = [];
  for (const v of list(pod.spec['volumes'])) {
    const vol = obj(v);
    if (vol === undefined) continue;
    if (firstPresent(vol, ALLOWED_VOLUME_SOURCES) !== undefined) continue;
    const type = firstPresent(vol, RESTRICTED_VOLUME_SOURCES);
    // No source at all: the API server defaults it to emptyDir (CHECKS.md section 2). Every
    // VolumeSource field is in one of the two lists, so upstream's "unknown" cannot occur.
    if (type === undefined) continue;
    bad.push(str(vol['name']));
    types.push(type);
  }
  if (bad.length === 0) return undefined;
  const distinct = sortedSet(types);
  return {
    reason: 'restricted volume types',
    detail:
      `${pluralize('volume', 'volumes', bad.length)} ${joinQuote(bad)} ${pluralize('uses', 'use', bad.length)} ` +
      `${pluralize('restricted volume type', 'restricted volume types', distinct.length)} ${joinQuote(distinct)}`,
  };
}

export const restrictedVolumesCheck: Check = {
  id: 'restrictedVolumes',
  level: 'restricted',
  versions: [{ minimumVersion: 0, checkPod: restrictedVolumes, overrides: ['hostPathVolumes'] }],
};
