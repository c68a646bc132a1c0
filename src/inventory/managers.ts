// Pure: who manages a live object, from the conventions of Helm (release annotations and the
// managed-by label), Argo CD (tracking annotation or instance label) and Flux (toolkit labels).
// Changes to such objects must go to their source of truth, or the next sync reverts them.

import type { Manager } from './types.js';

type Meta = { labels?: Record<string, string>; annotations?: Record<string, string> };

/** Managers named by an object's labels and annotations (managedFields are read separately). */
export function detectManagers(obj: Record<string, unknown>): Manager[] {
  const meta = (obj.metadata && typeof obj.metadata === 'object' ? obj.metadata : {}) as Meta;
  const labels = meta.labels ?? {};
  const ann = meta.annotations ?? {};
  const out: Manager[] = [];

  const helmRelease = ann['meta.helm.sh/release-name'];
  if (helmRelease) {
    const ns = ann['meta.helm.sh/release-namespace'];
    out.push(
      ns ? { tool: 'helm', name: helmRelease, detail: `release namespace ${ns}` } : { tool: 'helm', name: helmRelease },
    );
  } else if ((labels['app.kubernetes.io/managed-by'] ?? '').toLowerCase() === 'helm') {
    out.push({
      tool: 'helm',
      name: labels['app.kubernetes.io/instance'] ?? labels.release ?? '',
      detail: 'app.kubernetes.io/managed-by=Helm',
    });
  }

  const tracking = ann['argocd.argoproj.io/tracking-id'];
  if (tracking) {
    out.push({ tool: 'argocd', name: tracking.split(':')[0] ?? tracking, detail: `tracking-id ${tracking}` });
  } else if (labels['argocd.argoproj.io/instance']) {
    out.push({
      tool: 'argocd',
      name: labels['argocd.argoproj.io/instance'],
      detail: 'argocd.argoproj.io/instance label',
    });
  }

  for (const kind of ['kustomize', 'helm'] as const) {
    const name = labels[`${kind}.toolkit.fluxcd.io/name`];
    if (!name) continue;
    const ns = labels[`${kind}.toolkit.fluxcd.io/namespace`];
    const what = kind === 'kustomize' ? 'Kustomization' : 'HelmRelease';
    out.push({ tool: 'flux', name, detail: ns ? `${what} ${ns}/${name}` : `${what} ${name}` });
  }
  return out;
}
