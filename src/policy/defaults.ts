// Pure: the API-server defaulting PSA sees before it evaluates (CHECKS.md section 2), without
// mutating the input. Sourceless volumes (defaulted to emptyDir) are handled where volumes are
// read (checks/restricted-volumes.ts); this module does the hostNetwork hostPort default and the
// Pod registry's AppArmor annotation-to-field copy (PrepareForCreate runs before admission).

import { list, obj, str, type Obj } from './access.js';

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

/** A rune for which Go's unicode.IsSpace is true (what strings.TrimSpace trims). */
const GO_SPACE = /^[\t\n\v\f\r \u0085\u00a0\u1680\u2000-\u200a\u2028\u2029\u202f\u205f\u3000]$/;
const utf8 = new TextEncoder();

const APPARMOR_ANNOTATION_PREFIX = 'container.apparmor.security.beta.kubernetes.io/';

/** podutil.ApparmorFieldForAnnotation: the profile field a deprecated annotation value stands for. */
function appArmorFieldFor(annotation: string): Obj | undefined {
  if (annotation === 'unconfined') return { type: 'Unconfined' };
  if (annotation === 'runtime/default') return { type: 'RuntimeDefault' };
  if (annotation.startsWith('localhost/') && annotation.length > 'localhost/'.length) {
    const profile = annotation.slice('localhost/'.length);
    // ValidateAppArmorProfileField: no padding (Go's unicode.IsSpace), at most 4095 bytes; an
    // invalid value is not copied.
    if (GO_SPACE.test(profile[0]!) || GO_SPACE.test(profile[profile.length - 1]!) || utf8.encode(profile).length > 4095)
      return undefined;
    return { type: 'Localhost', localhostProfile: profile };
  }
  return undefined;
}

/** apiequality.Semantic.DeepEqual of the derived field and the pod-level profile (absent = nil). */
function sameProfile(field: Obj, podProfile: unknown): boolean {
  const p = obj(podProfile);
  if (p === undefined) return false;
  const lp = p['localhostProfile'];
  return (
    str(p['type']) === field['type'] &&
    (lp === undefined || lp === null ? field['localhostProfile'] === undefined : lp === field['localhostProfile'])
  );
}

/**
 * The container as a Pod create leaves it before admission (applyAppArmorVersionSkew in the Pod
 * registry's PrepareForCreate, Kubernetes >= 1.30): a container with a deprecated AppArmor
 * annotation and no profile field gets the field the annotation stands for, unless that equals the
 * pod-level profile. Not for Windows pods, and not for templates inside controllers.
 */
export function withAppArmorField(container: Obj, annotations: Readonly<Obj>, podProfile: unknown): Obj {
  const annotation = annotations[APPARMOR_ANNOTATION_PREFIX + str(container['name'])];
  if (typeof annotation !== 'string') return container;
  const sc = obj(container['securityContext']);
  const existing = sc?.['appArmorProfile'];
  if (existing !== undefined && existing !== null) return container;
  const field = appArmorFieldFor(annotation);
  if (field === undefined || sameProfile(field, podProfile)) return container;
  return { ...container, securityContext: { ...sc, appArmorProfile: field } };
}
