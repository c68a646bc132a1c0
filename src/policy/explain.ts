// Pure: what each check requires, when it applies, and how to fix it (data for `podsec explain`).
// Wording follows /work/shared/conformance/CHECKS.md sections 3, 5 and 9.

import type { CheckId } from './types.js';

export interface CheckExplanation {
  id: CheckId;
  level: 'baseline' | 'restricted';
  title: string;
  /** What the check requires, in one or two sentences. */
  requires: string;
  /** Field paths read; `spec.containers[*]` stands for init, regular and ephemeral containers. */
  fields: string[];
  allowed: string;
  /** Policy versions it applies at, revisions, and differences between Kubernetes releases. */
  versions: string;
  /** How to fix, in prose. */
  fix: string;
  /** A YAML snippet that satisfies the check (shown under the prose). */
  yaml: string;
}

const C = 'spec.containers[*]';

/** The note printed under container fields. */
export const CONTAINER_FIELDS_NOTE =
  'spec.containers[*] also means spec.initContainers[*] and spec.ephemeralContainers[*].';

const yaml = (lines: string[]): string => lines.join('\n');

export const EXPLANATIONS: readonly CheckExplanation[] = [
  {
    id: 'appArmorProfile',
    level: 'baseline',
    title: 'AppArmor profile',
    requires: 'The default AppArmor profile must not be overridden with Unconfined or another non-local profile.',
    fields: [
      'spec.securityContext.appArmorProfile.type',
      `${C}.securityContext.appArmorProfile.type`,
      'metadata.annotations["container.apparmor.security.beta.kubernetes.io/*"]',
    ],
    allowed: 'type RuntimeDefault or Localhost, or no profile; annotations empty, runtime/default or localhost/*',
    versions:
      'v1.0 and later. Kubernetes 1.29 and older servers check only the annotations; from 1.30 the securityContext fields are checked at every policy version.',
    fix: 'Remove the Unconfined profile (or set type RuntimeDefault) and drop "unconfined" AppArmor annotations.',
    yaml: yaml(['spec:', '  securityContext:', '    appArmorProfile:', '      type: RuntimeDefault']),
  },
  {
    id: 'capabilities_baseline',
    level: 'baseline',
    title: 'Added capabilities (baseline)',
    requires: 'Containers may only add capabilities from the default container runtime set.',
    fields: [`${C}.securityContext.capabilities.add`],
    allowed:
      'AUDIT_WRITE CHOWN DAC_OVERRIDE FOWNER FSETID KILL MKNOD NET_BIND_SERVICE SETFCAP SETGID SETPCAP SETUID SYS_CHROOT (exact, upper case, no CAP_ prefix)',
    versions: 'v1.0 and later; replaced by capabilities_restricted at restricted from v1.22.',
    fix: 'Remove capabilities such as NET_ADMIN or SYS_ADMIN from capabilities.add. A program that truly needs them cannot run above privileged.',
    yaml: yaml([
      'containers:',
      '- name: app',
      '  securityContext:',
      '    capabilities:',
      '      add: ["NET_BIND_SERVICE"]  # only names from the allowed list',
    ]),
  },
  {
    id: 'hostNamespaces',
    level: 'baseline',
    title: 'Host namespaces',
    requires: 'Pods must not share the host network, PID or IPC namespace.',
    fields: ['spec.hostNetwork', 'spec.hostPID', 'spec.hostIPC'],
    allowed: 'false or unset',
    versions: 'v1.0 and later.',
    fix: 'Remove hostNetwork, hostPID and hostIPC. Node agents that need them stay at privileged in a namespace of their own.',
    yaml: yaml(['spec:', '  hostNetwork: false', '  hostPID: false', '  hostIPC: false']),
  },
  {
    id: 'hostPathVolumes',
    level: 'baseline',
    title: 'hostPath volumes',
    requires: 'Pods must not mount directories of the node.',
    fields: ['spec.volumes[*].hostPath'],
    allowed: 'unset',
    versions: 'v1.0 and later; replaced by restrictedVolumes at restricted.',
    fix: 'Replace hostPath with emptyDir (scratch space), a PersistentVolumeClaim (data) or a CSI volume.',
    yaml: yaml(['volumes:', '- name: data', '  persistentVolumeClaim:', '    claimName: data']),
  },
  {
    id: 'hostPorts',
    level: 'baseline',
    title: 'Host ports',
    requires:
      "Containers must not bind ports on the node. With hostNetwork: true, a Pod's container ports get hostPort = containerPort by API defaulting.",
    fields: [`${C}.ports[*].hostPort`],
    allowed: '0 or unset',
    versions: 'v1.0 and later.',
    fix: 'Remove hostPort and expose the port through a Service (NodePort or LoadBalancer if it must be reachable from outside).',
    yaml: yaml(['containers:', '- name: app', '  ports:', '  - containerPort: 8080  # no hostPort']),
  },
  {
    id: 'hostProbesAndHostLifecycle',
    level: 'baseline',
    title: 'Probe and lifecycle hosts',
    requires: 'HTTP and TCP probes and lifecycle hooks must target the pod itself.',
    fields: [
      `${C}.{liveness,readiness,startup}Probe.{httpGet,tcpSocket}.host`,
      `${C}.lifecycle.{postStart,preStop}.{httpGet,tcpSocket}.host`,
    ],
    allowed: 'empty or unset (localhost, 127.0.0.1 and ::1 are not allowed either)',
    versions: 'v1.34 and later (not checked before).',
    fix: 'Remove the host field so the kubelet targets the pod IP.',
    yaml: yaml(['livenessProbe:', '  httpGet:  # no host', '    path: /healthz', '    port: 8080']),
  },
  {
    id: 'privileged',
    level: 'baseline',
    title: 'Privileged containers',
    requires: 'Containers must not run privileged.',
    fields: [`${C}.securityContext.privileged`],
    allowed: 'false or unset',
    versions: 'v1.0 and later.',
    fix: 'Remove privileged: true. If one capability from the default set suffices, add that instead.',
    yaml: yaml(['securityContext:', '  privileged: false']),
  },
  {
    id: 'procMount',
    level: 'baseline',
    title: '/proc mount type',
    requires: 'The default /proc masks must be kept.',
    fields: [`${C}.securityContext.procMount`],
    allowed: 'Default or unset',
    versions:
      'v1.0 and later; from v1.35 not checked for pods with hostUsers: false; replaced by procMount_restricted at restricted from v1.35.',
    fix: 'Remove procMount (Unmasked is only for nested container runtimes).',
    yaml: yaml(['securityContext:', '  procMount: Default']),
  },
  {
    id: 'seLinuxOptions',
    level: 'baseline',
    title: 'SELinux options',
    requires: 'No custom SELinux user or role, and only container process types.',
    fields: ['spec.securityContext.seLinuxOptions', `${C}.securityContext.seLinuxOptions`],
    allowed:
      'type empty, container_t, container_init_t, container_kvm_t, or container_engine_t (v1.31 and later); user and role unset; level is not checked',
    versions:
      'v1.0; v1.31 also allows container_engine_t. Kubernetes 1.25 and older servers leave "user may not be set" and "role may not be set" out of the message when no type is bad.',
    fix: 'Remove seLinuxOptions.user and .role, and set type to container_t or leave it unset.',
    yaml: yaml(['securityContext:', '  seLinuxOptions:', '    type: container_t']),
  },
  {
    id: 'seccompProfile_baseline',
    level: 'baseline',
    title: 'Seccomp profile (baseline)',
    requires: 'The seccomp profile must not be Unconfined.',
    fields: [
      'spec.securityContext.seccompProfile.type',
      `${C}.securityContext.seccompProfile.type`,
      'metadata.annotations["seccomp.security.alpha.kubernetes.io/pod"] and ["container.seccomp.security.alpha.kubernetes.io/NAME"] (before v1.19)',
    ],
    allowed: 'RuntimeDefault, Localhost, or no profile; annotations runtime/default, docker/default or localhost/*',
    versions:
      'v1.0-v1.18 annotations only; v1.19 and later fields only. Replaced by seccompProfile_restricted at restricted from v1.19.',
    fix: 'Set the seccomp profile type to RuntimeDefault, or remove the Unconfined setting.',
    yaml: yaml(['securityContext:', '  seccompProfile:', '    type: RuntimeDefault']),
  },
  {
    id: 'sysctls',
    level: 'baseline',
    title: 'Sysctls',
    requires: 'Only namespaced sysctls known to be safe may be set (values are not checked).',
    fields: ['spec.securityContext.sysctls[*].name'],
    allowed:
      'kernel.shm_rmid_forced, net.ipv4.ip_local_port_range, net.ipv4.ip_unprivileged_port_start, net.ipv4.tcp_syncookies, net.ipv4.ping_group_range; from v1.27 net.ipv4.ip_local_reserved_ports; from v1.29 net.ipv4.tcp_keepalive_time, net.ipv4.tcp_fin_timeout, net.ipv4.tcp_keepalive_intvl, net.ipv4.tcp_keepalive_probes; from v1.32 net.ipv4.tcp_rmem, net.ipv4.tcp_wmem; from v1.37 net.ipv4.tcp_slow_start_after_idle, net.ipv4.tcp_notsent_lowat',
    versions: 'v1.0 and later; the allowed list grows at v1.27, v1.29, v1.32 and v1.37.',
    fix: 'Remove the sysctl, or set it on the node instead.',
    yaml: yaml([
      'spec:',
      '  securityContext:',
      '    sysctls:',
      '    - name: net.ipv4.ip_unprivileged_port_start',
      '      value: "0"',
    ]),
  },
  {
    id: 'windowsHostProcess',
    level: 'baseline',
    title: 'Windows HostProcess',
    requires: 'Windows HostProcess containers are not allowed.',
    fields: ['spec.securityContext.windowsOptions.hostProcess', `${C}.securityContext.windowsOptions.hostProcess`],
    allowed: 'false or unset',
    versions: 'v1.0 and later.',
    fix: 'Remove hostProcess: true. Host agents stay at privileged in a namespace of their own.',
    yaml: yaml(['securityContext:', '  windowsOptions:', '    hostProcess: false']),
  },
  {
    id: 'allowPrivilegeEscalation',
    level: 'restricted',
    title: 'Privilege escalation',
    requires: 'Every container must set allowPrivilegeEscalation to false explicitly.',
    fields: [`${C}.securityContext.allowPrivilegeEscalation`],
    allowed: 'false (unset is not enough)',
    versions: 'v1.8 and later (not checked before); Windows pods (spec.os.name: windows) are exempt from v1.25.',
    fix: "Set allowPrivilegeEscalation: false in every container's securityContext.",
    yaml: yaml(['containers:', '- name: app', '  securityContext:', '    allowPrivilegeEscalation: false']),
  },
  {
    id: 'capabilities_restricted',
    level: 'restricted',
    title: 'Capabilities (restricted)',
    requires: 'Every container must drop ALL capabilities and may add back only NET_BIND_SERVICE.',
    fields: [`${C}.securityContext.capabilities.drop`, `${C}.securityContext.capabilities.add`],
    allowed: 'drop contains ALL; add contains only NET_BIND_SERVICE',
    versions:
      'v1.22 and later (not checked before); replaces capabilities_baseline; Windows pods are exempt from v1.25.',
    fix: 'Drop ALL in every container. A non-root program that listens below port 1024 is better served by a higher port or the sysctl net.ipv4.ip_unprivileged_port_start than by NET_BIND_SERVICE.',
    yaml: yaml(['securityContext:', '  capabilities:', '    drop: ["ALL"]']),
  },
  {
    id: 'procMount_restricted',
    level: 'restricted',
    title: '/proc mount type (restricted)',
    requires: 'The default /proc masks must be kept, even in user namespaces.',
    fields: [`${C}.securityContext.procMount`],
    allowed: 'Default or unset',
    versions: 'v1.35 and later; replaces procMount at restricted (no hostUsers: false exception).',
    fix: 'Remove procMount.',
    yaml: yaml(['securityContext:', '  procMount: Default']),
  },
  {
    id: 'restrictedVolumes',
    level: 'restricted',
    title: 'Volume types',
    requires: 'Only core, non-host volume types are allowed. A volume with no source is defaulted to emptyDir.',
    fields: ['spec.volumes[*]'],
    allowed: 'configMap, csi, downwardAPI, emptyDir, ephemeral, image, persistentVolumeClaim, projected, secret',
    versions:
      'v1.0 and later; replaces hostPathVolumes. Kubernetes 1.32 and older servers report image volumes as type "unknown".',
    fix: 'Replace hostPath, nfs and other in-tree volume types with a PersistentVolumeClaim, a CSI volume or emptyDir.',
    yaml: yaml([
      'volumes:',
      '- name: scratch',
      '  emptyDir: {}',
      '- name: data',
      '  persistentVolumeClaim:',
      '    claimName: data',
    ]),
  },
  {
    id: 'runAsNonRoot',
    level: 'restricted',
    title: 'Run as non-root',
    requires:
      'Containers must be required to run as a non-root user. A non-zero runAsUser alone does not satisfy this check.',
    fields: ['spec.securityContext.runAsNonRoot', `${C}.securityContext.runAsNonRoot`],
    allowed: 'true at pod level or on every container; false nowhere',
    versions: 'v1.0 and later; from v1.35 not checked for pods with hostUsers: false. Windows pods are not exempt.',
    fix: 'Set runAsNonRoot: true. A numeric runAsUser avoids the kubelet error "image has non-numeric user"; podsec finds the UID in its image catalogue, in evidence, or asks.',
    yaml: yaml([
      'spec:',
      '  securityContext:',
      '    runAsNonRoot: true',
      '    runAsUser: 10001  # a UID the image can run as',
    ]),
  },
  {
    id: 'runAsUser',
    level: 'restricted',
    title: 'Run as UID 0',
    requires: 'Containers must not set runAsUser to 0.',
    fields: ['spec.securityContext.runAsUser', `${C}.securityContext.runAsUser`],
    allowed: 'non-zero or unset',
    versions: 'v1.23 and later (not checked before); from v1.35 not checked for pods with hostUsers: false.',
    fix: 'Set runAsUser to the non-root UID the image runs as (for example 101 for nginx, 999 for postgres).',
    yaml: yaml(['spec:', '  securityContext:', '    runAsUser: 10001']),
  },
  {
    id: 'seccompProfile_restricted',
    level: 'restricted',
    title: 'Seccomp profile (restricted)',
    requires: 'Seccomp must be set explicitly to RuntimeDefault or Localhost for every container.',
    fields: ['spec.securityContext.seccompProfile.type', `${C}.securityContext.seccompProfile.type`],
    allowed: 'RuntimeDefault or Localhost, at pod level or on every container',
    versions:
      'v1.19 and later (not checked before); replaces seccompProfile_baseline; Windows pods are exempt from v1.25.',
    fix: 'Set the profile once at pod level; containers inherit it.',
    yaml: yaml(['spec:', '  securityContext:', '    seccompProfile:', '      type: RuntimeDefault']),
  },
];

/**
 * The explanation for an ID in any case, or for a fixture stem (`runasnonroot`, or a whole
 * file stem with its index such as `restrictedvolumes19`).
 */
export function findExplanation(query: string): CheckExplanation | undefined {
  const q = query.trim().toLowerCase();
  const stem = q.replace(/[0-9]+$/, '');
  return EXPLANATIONS.find((e) => e.id.toLowerCase() === q) ?? EXPLANATIONS.find((e) => e.id.toLowerCase() === stem);
}
