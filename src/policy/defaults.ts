// Pure: the API-server defaulting PSA sees before it evaluates (CHECKS.md section 2), done
// without mutating the input. Sourceless volumes (defaulted to emptyDir) are handled where
// volumes are read (restricted-volumes.ts); this module does the hostNetwork hostPort default.

import { list, obj, type Obj } from './access.js';

/**
 * The pod's containers in visiting order (init, regular, ephemeral). For a Pod with
 * hostNetwork=true, ports of init and regular containers whose hostPort is 0 or unset get
 * hostPort = containerPort (Kubernetes >= 1.28 does this for Pods only, not for templates).
 */
export function visitedContainers(spec: Obj, isPod: boolean): Obj[] {
  const out: Obj[] = [];
  const defaultPorts = isPod && spec['hostNetwork'] === true;
  push(out, spec['initContainers'], defaultPorts);
  push(out, spec['containers'], defaultPorts);
  push(out, spec['ephemeralContainers'], false);
  return out;
}

function push(out: Obj[], containers: unknown, defaultPorts: boolean): void {
  if (!Array.isArray(containers)) return;
  for (const c of containers) {
    const container = obj(c);
    if (container !== undefined) out.push(defaultPorts ? withHostPorts(container) : container);
  }
}

function withHostPorts(container: Obj): Obj {
  const ports = list(container['ports']);
  if (ports.length === 0) return container;
  return {
    ...container,
    ports: ports.map((p) => {
      const port = obj(p);
      if (port === undefined) return p;
      const hostPort = port['hostPort'];
      if (hostPort !== undefined && hostPort !== 0 && hostPort !== null) return port;
      return { ...port, hostPort: port['containerPort'] };
    }),
  };
}
