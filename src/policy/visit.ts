// Pure: the containers every container-level check walks, in upstream visiting order (init,
// regular, ephemeral), as the API server would hand them to PSA after defaulting.

import { obj, type Obj } from './access.js';
import { defaultsHostPorts, withHostPorts } from './defaults.js';

function push(out: Obj[], containers: unknown, defaultPorts: boolean): void {
  if (!Array.isArray(containers)) return;
  for (const c of containers) {
    const container = obj(c);
    if (container !== undefined) out.push(defaultPorts ? withHostPorts(container) : container);
  }
}

/** initContainers, containers, ephemeralContainers (objects only), hostPorts defaulted for Pods. */
export function visitedContainers(spec: Obj, isPod: boolean): Obj[] {
  const out: Obj[] = [];
  const defaultPorts = defaultsHostPorts(spec, isPod);
  push(out, spec['initContainers'], defaultPorts);
  push(out, spec['containers'], defaultPorts);
  push(out, spec['ephemeralContainers'], false);
  return out;
}
