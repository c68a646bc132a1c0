// What moving containers to non-root implies beyond the failing checks: low ports (the
// ip_unprivileged_port_start sysctl), root-owned paths the program writes (emptyDirs), volume
// ownership (fsGroup, or a temporary root init container). Also evidence-driven writable paths
// for workloads already read-only. Pure.

import { containerObj, evidenceFor, type FixContext } from './context.js';
import { describeSource } from './identity.js';
import { isObj, type ContainerRef } from './draft.js';
import { POD_SC, containerSc, meta, podSc, q } from './fixers/shared.js';
import { addWritableMount } from './writable.js';
import type { FixProposal } from './types.js';

const UNPRIVILEGED_PORT_SYSCTL = 'net.ipv4.ip_unprivileged_port_start';
/** World-writable (sticky) in practically every image: no ownership fix needed. */
const WORLD_WRITABLE = ['/tmp', '/var/tmp'];

function lowPorts(ctx: FixContext, ref: ContainerRef): number[] {
  const c = containerObj(ctx, ref);
  const declared = Array.isArray(c['ports'])
    ? c['ports'].flatMap((p: unknown) =>
        isObj(p) && typeof p['containerPort'] === 'number' ? [p['containerPort']] : [],
      )
    : [];
  const fromCatalogue = declared.length === 0 ? (ctx.switchedToNonRoot.get(ref.name)?.entry?.ports ?? []) : [];
  const observed = evidenceFor(ctx, ref.name)?.lowPorts ?? [];
  return [...new Set([...declared, ...fromCatalogue, ...observed])]
    .filter((p) => p > 0 && p < 1024)
    .sort((a, b) => a - b);
}

function addPortSysctl(ctx: FixContext, ref: ContainerRef, ports: number[]): void {
  const sysctls = podSc(ctx)['sysctls'];
  const existing = Array.isArray(sysctls) ? sysctls : [];
  if (existing.some((s: unknown) => isObj(s) && s['name'] === UNPRIVILEGED_PORT_SYSCTL)) return;
  if (ctx.draft.spec['hostNetwork'] === true) return;
  ctx.draft.append(
    [...POD_SC, 'sysctls'],
    { name: UNPRIVILEGED_PORT_SYSCTL, value: '0' },
    meta(
      'runAsNonRoot',
      `${q(ref)} binds port ${ports.join(', ')} as non-root: let unprivileged users bind low ports in the pod's network namespace (NET_BIND_SERVICE does not help non-root processes)`,
      {
        confidence: 'high',
      },
    ),
  );
}

function volumeSource(ctx: FixContext, name: string): string | undefined {
  const volumes = ctx.draft.spec['volumes'];
  const v = Array.isArray(volumes) ? volumes.find((x: unknown) => isObj(x) && x['name'] === name) : undefined;
  return isObj(v) ? Object.keys(v).find((k) => k !== 'name') : undefined;
}

function planOwnership(ctx: FixContext, ref: ContainerRef, proposal: Pick<FixProposal, 'ownershipInit'>): void {
  const id = ctx.switchedToNonRoot.get(ref.name);
  const mounts = containerObj(ctx, ref)['volumeMounts'];
  if (id === undefined || !Array.isArray(mounts)) return;
  const writable = mounts.filter((m: unknown): m is Record<string, unknown> => isObj(m) && m['readOnly'] !== true);
  const group = id.gid ?? id.uid;
  for (const m of writable) {
    const source = volumeSource(ctx, String(m['name']));
    if (source === 'persistentVolumeClaim' || source === 'ephemeral') {
      if (group === undefined || podSc(ctx)['fsGroup'] !== undefined) continue;
      const why = `volume "${String(m['name'])}" was written as root: group ${group} (${describeSource(id.source)}) gets access`;
      ctx.draft.set(
        [...POD_SC, 'fsGroup'],
        group,
        meta('ownership', why, { confidence: id.confidence, source: id.source }),
      );
      ctx.draft.set(
        [...POD_SC, 'fsGroupChangePolicy'],
        'OnRootMismatch',
        meta(
          'ownership',
          'change ownership only when the volume root does not match yet (a recursive chown of a large volume at every start is slow)',
        ),
      );
    } else if (source === 'csi' && id.uid !== undefined) {
      const paths = [...(proposal.ownershipInit?.paths ?? []), String(m['mountPath'])];
      proposal.ownershipInit = { container: 'podsec-chown', paths, uid: id.uid, gid: group ?? id.uid };
    }
  }
}

/** Applies the consequences of the non-root switch and of evidence; may set ownershipInit. */
export function applyConsequences(ctx: FixContext, proposal: Pick<FixProposal, 'ownershipInit'>): void {
  for (const ref of ctx.draft.containers()) {
    const id = ctx.switchedToNonRoot.get(ref.name);
    if (id !== undefined) {
      const ports = lowPorts(ctx, ref);
      if (ports.length > 0 && id.imageRunsAsRoot) addPortSysctl(ctx, ref, ports);
      if (id.imageRunsAsRoot && ref.list !== 'ephemeralContainers') {
        for (const path of id.entry?.rootOwned ?? []) {
          if (WORLD_WRITABLE.includes(path)) continue;
          addWritableMount(
            ctx,
            ref,
            path,
            meta('ownership', `${q(ref)} writes ${path}, owned by root in the image: give it a writable emptyDir`, {
              confidence: id.confidence,
              source: { kind: 'catalogue', image: id.entry?.id ?? '' },
            }),
          );
        }
      }
      planOwnership(ctx, ref, proposal);
    }
    const ev = evidenceFor(ctx, ref.name);
    if (ev === undefined || ref.list === 'ephemeralContainers') continue;
    const readOnly = containerSc(ctx, ref)['readOnlyRootFilesystem'] === true;
    for (const path of ev.writablePaths) {
      if (!readOnly && !(id !== undefined && !WORLD_WRITABLE.includes(path))) continue;
      const failed = ev.findings.find(
        (f) => f.path !== undefined && (f.path === path || f.path.startsWith(path + '/')),
      );
      const why =
        failed !== undefined
          ? `${q(ref)} was seen failing to write ${path}: mount a writable emptyDir there`
          : ev.writtenDirs?.includes(path)
            ? `${q(ref)} writes files in ${path} at run time (found by the probe): keep it writable with an emptyDir`
            : `${q(ref)} writes ${path} (${ev.findings.find((f) => f.kind === 'noTempDir') !== undefined ? 'no usable temporary directory' : 'from its logs'}): mount a writable emptyDir there`;
      addWritableMount(
        ctx,
        ref,
        path,
        meta('writable', why, {
          confidence: 'high',
          source: {
            kind: 'evidence',
            detail:
              failed?.line ??
              (ev.writtenDirs?.includes(path)
                ? `files written in ${path} since the container started`
                : `writes ${path}`),
          },
        }),
      );
    }
    if (ev.lowPorts.length > 0 && id === undefined) addPortSysctl(ctx, ref, ev.lowPorts);
  }
}
