// Pure: what each check requires, when it applies, and how to fix it (data for `podsec explain`).

import type { CheckId } from './types.js';

export interface CheckExplanation {
  id: CheckId;
  level: 'baseline' | 'restricted';
  title: string;
  requires: string;
  fields: string[];
  allowed: string;
  versions: string;
  fix: string;
}

const C = 'containers[*], initContainers[*], ephemeralContainers[*]';

export const EXPLANATIONS: readonly CheckExplanation[] = [
  {
    id: 'appArmorProfile', level: 'baseline', title: 'AppArmor profile',
    requires: 'The default AppArmor profile must not be overridden with Unconfined or another non-local profile.',
    fields: ['spec.securityContext.appArmorProfile.type', `${C}.securityContext.appArmorProfile.type`, 'metadata.annotations["container.apparmor.security.beta.kubernetes.io/*"]'],
    allowed: 'RuntimeDefault, Localhost, or unset; annotations: runtime/default, localhost/*, or empty',
    versions: 'v1.0 and later (the securityContext fields are checked by Kubernetes 1.30+ servers)',
    fix: 'Remove appArmorProfile (or set type: RuntimeDefault) and drop "unconfined" AppArmor annotations.',
  },
  {
    id: 'capabilities_baseline', level: 'baseline', title: 'Added capabilities (baseline)',
    requires: 'Containers may only add capabilities from the default container runtime set.',
    fields: [`${C}.securityContext.capabilities.add`],
    allowed: 'AUDIT_WRITE CHOWN DAC_OVERRIDE FOWNER FSETID KILL MKNOD NET_BIND_SERVICE SETFCAP SETGID SETPCAP SETUID SYS_CHROOT',
    versions: 'v1.0 and later; replaced by capabilities_restricted at restricted from v1.22',
    fix: 'Remove capabilities such as NET_ADMIN or SYS_ADMIN from capabilities.add; if the program truly needs them, it cannot run above privileged.',
  },
  {
    id: 'hostNamespaces', level: 'baseline', title: 'Host namespaces',
    requires: 'Pods must not share the host network, PID or IPC namespace.',
    fields: ['spec.hostNetwork', 'spec.hostPID', 'spec.hostIPC'],
    allowed: 'false or unset', versions: 'v1.0 and later',
    fix: 'Remove hostNetwork/hostPID/hostIPC. Node agents that need them stay at privileged in an exempted namespace.',
  },
  {
    id: 'hostPathVolumes', level: 'baseline', title: 'hostPath volumes',
    requires: 'Pods must not mount directories of the node.',
    fields: ['spec.volumes[*].hostPath'], allowed: 'unset',
    versions: 'v1.0 and later; replaced by restrictedVolumes at restricted',
    fix: 'Replace hostPath with emptyDir (scratch), a PersistentVolumeClaim (data) or a CSI volume.',
  },
  {
    id: 'hostPorts', level: 'baseline', title: 'Host ports',
    requires: 'Containers must not bind ports on the node.',
    fields: [`${C}.ports[*].hostPort`], allowed: '0 or unset', versions: 'v1.0 and later',
    fix: 'Remove hostPort and expose the port through a Service (NodePort or LoadBalancer if it must be reachable from outside).',
  },
  {
    id: 'hostProbesAndHostLifecycle', level: 'baseline', title: 'Probe and lifecycle hosts',
    requires: 'HTTP and TCP probes and lifecycle hooks must target the pod itself.',
    fields: [`${C}.{liveness,readiness,startup}Probe.{httpGet,tcpSocket}.host`, `${C}.lifecycle.{postStart,preStop}.{httpGet,tcpSocket}.host`],
    allowed: 'empty or unset (even localhost is not allowed)', versions: 'v1.34 and later',
    fix: 'Remove the host field so the probe targets the pod IP.',
  },
  {
    id: 'privileged', level: 'baseline', title: 'Privileged containers',
    requires: 'Containers must not run privileged.', fields: [`${C}.securityContext.privileged`],
    allowed: 'false or unset', versions: 'v1.0 and later',
    fix: 'Remove privileged: true; grant the specific capability instead if one suffices (baseline allows only the default set).',
  },
  {
    id: 'procMount', level: 'baseline', title: '/proc mount type',
    requires: 'The default /proc masks must be kept.', fields: [`${C}.securityContext.procMount`],
    allowed: 'Default or unset', versions: 'v1.0 and later; from v1.35 not checked for pods with hostUsers: false; replaced by procMount_restricted at restricted from v1.35',
    fix: 'Remove procMount (Unmasked is only for nested container runtimes).',
  },
  {
    id: 'seLinuxOptions', level: 'baseline', title: 'SELinux options',
    requires: 'No custom SELinux user or role, and only container types.',
    fields: ['spec.securityContext.seLinuxOptions', `${C}.securityContext.seLinuxOptions`],
    allowed: 'type: "", container_t, container_init_t, container_kvm_t, container_engine_t (v1.31+); user and role unset',
    versions: 'v1.0 and later', fix: 'Remove seLinuxOptions.user/role and set type to container_t or leave it unset.',
  },
  {
    id: 'seccompProfile_baseline', level: 'baseline', title: 'Seccomp profile (baseline)',
    requires: 'The seccomp profile must not be set to Unconfined.',
    fields: ['spec.securityContext.seccompProfile.type', `${C}.securityContext.seccompProfile.type`, 'seccomp annotations before v1.19'],
    allowed: 'RuntimeDefault, Localhost, or unset', versions: 'annotations v1.0-v1.18, fields v1.19 and later; replaced by seccompProfile_restricted at restricted from v1.19',
    fix: 'Set seccompProfile.type: RuntimeDefault (or remove the Unconfined setting).',
  },
  {
    id: 'sysctls', level: 'baseline', title: 'Sysctls',
    requires: 'Only namespaced sysctls known to be safe may be set.', fields: ['spec.securityContext.sysctls[*].name'],
    allowed: 'kernel.shm_rmid_forced, net.ipv4.ip_local_port_range, net.ipv4.ip_unprivileged_port_start, net.ipv4.tcp_syncookies, net.ipv4.ping_group_range; +ip_local_reserved_ports (v1.27); +tcp_keepalive_*/tcp_fin_timeout (v1.29); +tcp_rmem/tcp_wmem (v1.32); +tcp_slow_start_after_idle/tcp_notsent_lowat (v1.37)',
    versions: 'v1.0 and later (list grows)', fix: 'Remove the sysctl, or set it on the node instead.',
  },
  {
    id: 'windowsHostProcess', level: 'baseline', title: 'Windows HostProcess',
    requires: 'Windows HostProcess containers are not allowed.',
    fields: ['spec.securityContext.windowsOptions.hostProcess', `${C}.securityContext.windowsOptions.hostProcess`],
    allowed: 'false or unset', versions: 'v1.0 and later', fix: 'Remove hostProcess: true; host agents stay at privileged in an exempted namespace.',
  },
  {
    id: 'allowPrivilegeEscalation', level: 'restricted', title: 'Privilege escalation',
    requires: 'Every container must set allowPrivilegeEscalation: false.', fields: [`${C}.securityContext.allowPrivilegeEscalation`],
    allowed: 'false (explicitly)', versions: 'v1.8 and later; Windows pods exempt from v1.25',
    fix: 'securityContext:\n  allowPrivilegeEscalation: false',
  },
  {
    id: 'capabilities_restricted', level: 'restricted', title: 'Capabilities (restricted)',
    requires: 'Every container must drop ALL capabilities and may add back only NET_BIND_SERVICE.',
    fields: [`${C}.securityContext.capabilities.drop`, `${C}.securityContext.capabilities.add`],
    allowed: 'drop contains ALL; add only NET_BIND_SERVICE', versions: 'v1.22 and later; Windows pods exempt from v1.25',
    fix: 'securityContext:\n  capabilities:\n    drop: ["ALL"]\nA non-root program on a port below 1024 needs the pod sysctl net.ipv4.ip_unprivileged_port_start=0 (or a higher port), not NET_BIND_SERVICE.',
  },
  {
    id: 'procMount_restricted', level: 'restricted', title: '/proc mount type (restricted)',
    requires: 'The default /proc masks must be kept, even in user namespaces.', fields: [`${C}.securityContext.procMount`],
    allowed: 'Default or unset', versions: 'v1.35 and later', fix: 'Remove procMount.',
  },
  {
    id: 'restrictedVolumes', level: 'restricted', title: 'Volume types',
    requires: 'Only core, non-host volume types are allowed.', fields: ['spec.volumes[*]'],
    allowed: 'configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected, secret',
    versions: 'v1.0 and later', fix: 'Replace hostPath, nfs and other in-tree volumes with a PersistentVolumeClaim, CSI or emptyDir volume.',
  },
  {
    id: 'runAsNonRoot', level: 'restricted', title: 'Run as non-root',
    requires: 'Containers must be required to run as a non-root user.',
    fields: ['spec.securityContext.runAsNonRoot', `${C}.securityContext.runAsNonRoot`],
    allowed: 'true at pod level or on every container; never false', versions: 'v1.0 and later; from v1.35 not checked for pods with hostUsers: false',
    fix: 'securityContext:\n  runAsNonRoot: true\n  runAsUser: <numeric UID the image supports>\nA numeric runAsUser avoids "image has non-numeric user"; podsec finds the UID from the image catalogue, evidence or your answer.',
  },
  {
    id: 'runAsUser', level: 'restricted', title: 'Run as UID 0',
    requires: 'Containers must not set runAsUser to 0.', fields: ['spec.securityContext.runAsUser', `${C}.securityContext.runAsUser`],
    allowed: 'non-zero or unset', versions: 'v1.23 and later; from v1.35 not checked for pods with hostUsers: false',
    fix: 'Set runAsUser to the non-root UID the image runs as (for example 101 for nginx, 999 for postgres).',
  },
  {
    id: 'seccompProfile_restricted', level: 'restricted', title: 'Seccomp profile (restricted)',
    requires: 'Seccomp must be explicitly RuntimeDefault or Localhost for every container.',
    fields: ['spec.securityContext.seccompProfile.type', `${C}.securityContext.seccompProfile.type`],
    allowed: 'RuntimeDefault or Localhost, at pod level or on every container', versions: 'v1.19 and later; Windows pods exempt from v1.25',
    fix: 'spec:\n  securityContext:\n    seccompProfile:\n      type: RuntimeDefault',
  },
];

/** The explanation for an ID, accepting any case and the fixture stem form (`runasnonroot`). */
export function findExplanation(query: string): CheckExplanation | undefined {
  const q = query.trim().toLowerCase();
  return EXPLANATIONS.find((e) => e.id.toLowerCase() === q);
}
