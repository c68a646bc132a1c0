// Fixer for privileged: removes privileged=true (review), or blocks when the workload is a node
// agent or the container tunes the node (sysctl -w, modprobe, mount, iptables). Pure.

import { containerObj } from '../context.js';
import { containerSc, containersOf, hostOr, meta, q, scPath, type Fixer } from './shared.js';

const NODE_TUNING = /\b(sysctl|modprobe|mount|iptables|nsenter|chroot \/host)\b/;

export const fixPrivileged: Fixer = (ctx) => {
  for (const ref of containersOf(ctx)) {
    if (containerSc(ctx, ref)['privileged'] !== true) continue;
    const c = containerObj(ctx, ref);
    const cmd = JSON.stringify([c['command'] ?? [], c['args'] ?? []]);
    if (NODE_TUNING.test(cmd)) {
      ctx.draft.block(
        'privileged',
        `${q(ref)} changes the node (${NODE_TUNING.exec(cmd)?.[1] ?? ''}); do it at node level (e.g. a node tuning DaemonSet in an exempt namespace)`,
      );
      continue;
    }
    hostOr(ctx, 'privileged', `${q(ref)} is privileged`, () => {
      ctx.draft.remove(
        scPath(ref, 'privileged'),
        meta('privileged', `${q(ref)} no longer gets full host device and kernel access: confirm it does not need it`, {
          behavioural: true,
          confidence: 'medium',
        }),
      );
    });
  }
};
