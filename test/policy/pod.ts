// Builds test pods: a minimal restricted-compliant pod plus a tweak (shared docs/style.md 5.10).
import type { PodLike } from '../../src/policy/index.js';

type Json = Record<string, unknown>;

export function restrictedContainer(name: string, extra: Json = {}): Json {
  return {
    name,
    image: 'registry.k8s.io/pause',
    securityContext: {
      allowPrivilegeEscalation: false,
      capabilities: { drop: ['ALL'] },
      ...(extra['securityContext'] as Json | undefined),
    },
    ...Object.fromEntries(Object.entries(extra).filter(([k]) => k !== 'securityContext')),
  };
}

/** A pod that passes restricted at every version; `tweak` edits a deep copy. */
export function pod(tweak: (spec: Json, meta: { annotations: Record<string, string> }) => void = () => {}): PodLike {
  const spec: Json = {
    securityContext: { runAsNonRoot: true, seccompProfile: { type: 'RuntimeDefault' } },
    initContainers: [restrictedContainer('init')],
    containers: [restrictedContainer('app')],
  };
  const meta = { annotations: {} as Record<string, string> };
  tweak(spec, meta);
  return { metadata: meta, spec };
}
