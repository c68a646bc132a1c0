// Pure: the vocabulary of the Helm values search (src/sources/helm/search.ts): the render port,
// the pod template fields a values key can control, the result types, and the small helpers over
// values trees and pod specs that the candidate probe, the field comparison and the choice share.

import type { PodTemplate } from '../../inventory/types.js';

export type Values = Record<string, unknown>;
export type Obj = Record<string, unknown>;
export const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** Renders the chart with the original values plus `overrides`; pod templates by workload key. */
export type RenderChart = (
  overrides: Values,
) => Promise<{ ok: true; templates: Map<string, PodTemplate> } | { ok: false; error: string }>;

/** A field of a workload's pod template that a values key can control. */
export type FieldId =
  | { kind: 'podSecurityContext' }
  | { kind: 'containerSecurityContext'; container: string; init: boolean }
  | { kind: 'volumes' }
  | { kind: 'volumeMounts'; container: string }
  | { kind: 'initContainers' };

export interface ValuesKey {
  /** Dotted path in the values, e.g. `vote.podSecurityContext`. */
  path: string[];
  field: FieldId['kind'];
}

export interface WorkloadValues {
  key: string;
  /** Values keys used for this workload, with the fields they set. */
  keys: { path: string; field: string }[];
  /** Fields the chart exposes no key for (or whose key renders them differently). */
  unexpressible: string[];
  /** True when the verification render gives every fixed field exactly. */
  verified: boolean;
}

export interface ValuesResult {
  /** The overrides to commit (values-podsec.yaml), empty when nothing is expressible. */
  overrides: Values;
  /** Comment per dotted path: which workloads and fields it realises. */
  comments: Map<string, string>;
  workloads: WorkloadValues[];
  /** Pod templates rendered with the overrides (for the post-renderer and the target check). */
  rendered: Map<string, PodTemplate>;
  /** Renders run (the probe, fallbacks and the verification). */
  renders: number;
}

export function getIn(v: unknown, path: readonly string[]): unknown {
  let cur = v;
  for (const k of path) {
    if (!isObj(cur)) return undefined;
    cur = cur[k];
  }
  return cur;
}

export function setIn(target: Obj, path: readonly string[], value: unknown): void {
  let cur = target;
  path.slice(0, -1).forEach((k) => {
    if (!isObj(cur[k])) cur[k] = {};
    cur = cur[k] as Obj;
  });
  cur[path[path.length - 1]!] = value;
}

export interface Container {
  name: string;
  securityContext?: unknown;
  volumeMounts?: unknown;
}
export const containersOf = (spec: Obj, field: 'containers' | 'initContainers'): Container[] =>
  (Array.isArray(spec[field]) ? (spec[field] as unknown[]) : []).filter(isObj).map((c) => c as unknown as Container);

export const fieldLabel = (f: FieldId): string => {
  switch (f.kind) {
    case 'podSecurityContext':
      return 'pod securityContext';
    case 'containerSecurityContext':
      return `securityContext of ${f.init ? 'init container' : 'container'} ${f.container}`;
    case 'volumes':
      return 'volumes';
    case 'volumeMounts':
      return `volumeMounts of container ${f.container}`;
    case 'initContainers':
      return 'initContainers';
  }
};
export const fieldId = (f: FieldId): string => JSON.stringify(f);
