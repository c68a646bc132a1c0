// The temporary root init container that chowns volumes fsGroup cannot fix (e.g. inline CSI
// volumes). Allowed under baseline, forbidden under restricted: the plan adds it in the fix
// phase and removes it before enforcing restricted. Pure.

import { isObj } from './draft.js';
import type { FixContext } from './context.js';
import type { FixProposal } from './types.js';

type OwnershipInit = NonNullable<FixProposal['ownershipInit']>;

/** Completes an ownership plan with the init container spec (mounting the same volumes). */
export function ownershipInitContainer(ctx: FixContext, plan: OwnershipInit): OwnershipInit {
  const mounts = ctx.draft
    .containers()
    .flatMap((r) => {
      const m = ctx.draft.get([...r.path, 'volumeMounts']);
      return Array.isArray(m) ? m.filter(isObj) : [];
    })
    .filter((m) => plan.paths.includes(String(m['mountPath'])));
  const unique = [
    ...new Map(mounts.map((m) => [String(m['mountPath']), { name: m['name'], mountPath: m['mountPath'] }])).values(),
  ];
  const owner = `${plan.uid ?? 0}:${plan.gid ?? plan.uid ?? 0}`;
  return {
    ...plan,
    initContainer: {
      name: plan.container,
      image: 'busybox:1.36',
      command: ['sh', '-c', `chown -R ${owner} ${plan.paths.map((p) => `'${p}'`).join(' ')}`],
      securityContext: {
        runAsUser: 0,
        runAsNonRoot: false,
        allowPrivilegeEscalation: false,
        capabilities: { drop: ['ALL'], add: ['CHOWN', 'FOWNER', 'DAC_OVERRIDE'] },
        seccompProfile: { type: 'RuntimeDefault' },
      },
      volumeMounts: unique,
    },
  };
}
