// Pure: the containers every container-level check walks, in upstream visiting order (init,
// regular, ephemeral), as the API server would hand them to PSA after defaulting.

import { obj, type Obj } from './access.js';
import { defaultsHostPorts, withAppArmorField, withHostPorts } from './defaults.js';

type Prepare = (container: Obj) => Obj;

function push(out: Obj[], containers: unknown, defaultPorts: boolean, prepare: Prepare | undefined): void {
  if (!Array.isArray(containers)) return;
  for (const c of containers) {
    let container = obj(c);
    if (container === undefined) continue;
    if (defaultPorts) container = withHostPorts(container);
    out.push(prepare ? prepare(container) : container);
  }
}

/**
 * initContainers, containers, ephemeralContainers (objects only). For Pods, as the API server
 * hands them to PSA: hostPorts defaulted, deprecated AppArmor annotations copied to the field.
 */
export function visitedContainers(spec: Obj, isPod: boolean, annotations: Readonly<Obj> = {}): Obj[] {
  const out: Obj[] = [];
  const defaultPorts = defaultsHostPorts(spec, isPod);
  const windows = obj(spec['os'])?.['name'] === 'windows';
  const podProfile = obj(spec['securityContext'])?.['appArmorProfile'];
  const prepare: Prepare | undefined =
    isPod && !windows ? (c) => withAppArmorField(c, annotations, podProfile) : undefined;
  push(out, spec['initContainers'], defaultPorts, prepare);
  push(out, spec['containers'], defaultPorts, prepare);
  push(out, spec['ephemeralContainers'], false, prepare);
  return out;
}
