// Pure: the API-server defaulting PSA sees before it evaluates (CHECKS.md section 2), without
// mutating the input. Sourceless volumes (defaulted to emptyDir) are handled where volumes are
// read (checks/restricted-volumes.ts); this module does the hostNetwork hostPort default.

import { list, obj, type Obj } from './access.js';

/**
 * True when the API server gives ports with hostPort 0 the containerPort: a Pod (not a template
 * inside a controller, Kubernetes >= 1.28) with hostNetwork=true, for init and regular containers.
 */
export function defaultsHostPorts(spec: Obj, isPod: boolean): boolean {
  return isPod && spec['hostNetwork'] === true;
}

/** A copy of the container whose ports with hostPort 0 or unset take their containerPort. */
export function withHostPorts(container: Obj): Obj {
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
