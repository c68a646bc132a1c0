// The fixer for every check ID, as an explicit table (no registration by side effect). Pure.

import type { CheckId } from '../../policy/types.js';
import { fixAllowPrivilegeEscalation } from './allow-privilege-escalation.js';
import { fixAppArmorProfile } from './app-armor-profile.js';
import { fixCapabilitiesBaseline } from './capabilities-baseline.js';
import { fixCapabilitiesRestricted } from './capabilities-restricted.js';
import { fixHostNamespaces } from './host-namespaces.js';
import { fixHostPathVolumesBaseline } from './host-path-volumes.js';
import { fixHostPorts } from './host-ports.js';
import { fixHostProbesAndHostLifecycle } from './host-probes-and-host-lifecycle.js';
import { fixPrivileged } from './privileged.js';
import { fixProcMount } from './proc-mount.js';
import { fixProcMountRestricted } from './proc-mount-restricted.js';
import { fixRestrictedVolumes } from './restricted-volumes.js';
import { fixRunAsNonRoot } from './run-as-non-root.js';
import { fixRunAsUser } from './run-as-user.js';
import { fixSeLinuxOptions } from './se-linux-options.js';
import { fixSeccompProfileBaseline } from './seccomp-profile-baseline.js';
import { fixSeccompProfileRestricted } from './seccomp-profile-restricted.js';
import type { Fixer } from './shared.js';
import { fixSysctls } from './sysctls.js';
import { fixWindowsHostProcess } from './windows-host-process.js';

/** One fixer per upstream check ID. */
export const FIXERS: Record<CheckId, Fixer> = {
  appArmorProfile: fixAppArmorProfile,
  capabilities_baseline: fixCapabilitiesBaseline,
  hostNamespaces: fixHostNamespaces,
  hostPathVolumes: fixHostPathVolumesBaseline,
  hostPorts: fixHostPorts,
  hostProbesAndHostLifecycle: fixHostProbesAndHostLifecycle,
  privileged: fixPrivileged,
  procMount: fixProcMount,
  seLinuxOptions: fixSeLinuxOptions,
  seccompProfile_baseline: fixSeccompProfileBaseline,
  sysctls: fixSysctls,
  windowsHostProcess: fixWindowsHostProcess,
  allowPrivilegeEscalation: fixAllowPrivilegeEscalation,
  capabilities_restricted: fixCapabilitiesRestricted,
  procMount_restricted: fixProcMountRestricted,
  restrictedVolumes: fixRestrictedVolumes,
  runAsNonRoot: fixRunAsNonRoot,
  runAsUser: fixRunAsUser,
  seccompProfile_restricted: fixSeccompProfileRestricted,
};
