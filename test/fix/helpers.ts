// Test helpers: workloads from YAML text or files (the way the inventory reader builds them),
// the shipped image catalogue, and a minimal pod template builder.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { parseImageCatalogue, type ImageCatalogue } from '../../src/fix/catalogue.js';
import type { Workload } from '../../src/inventory/types.js';
import { extractPodTemplate } from '../../src/policy/index.js';

export { REALWORLD_DIR as REALWORLD } from '../helpers/corpora.js';

export function loadCatalogue(): ImageCatalogue {
  return parseImageCatalogue(readFileSync(join(import.meta.dirname, '../../templates/images.yaml'), 'utf8'));
}

/** Workloads of a multi-document YAML text (List items included). */
export function workloadsFromText(text: string, file = 'test.yaml'): Workload[] {
  const out: Workload[] = [];
  parseAllDocuments(text).forEach((doc, document) => {
    const js: unknown = doc.toJS();
    const items: [unknown, number | undefined][] =
      typeof js === 'object' && js !== null && (js as { kind?: unknown }).kind === 'List'
        ? ((js as { items?: unknown[] }).items ?? []).map((x, i): [unknown, number] => [x, i])
        : [[js, undefined]];
    for (const [obj, item] of items) {
      const t = extractPodTemplate(obj);
      if (t === null) continue;
      const o = obj as Record<string, unknown> & { metadata?: { name?: string; namespace?: string } };
      out.push({
        kind: String(o['kind']),
        apiVersion: String(o['apiVersion']),
        namespace: o.metadata?.namespace ?? 'default',
        name: o.metadata?.name ?? '',
        source: item === undefined ? { file, document } : { file, document, item },
        templatePath: t.templatePath,
        template: t.template,
        object: o,
        managedBy: [],
      });
    }
  });
  return out;
}

export function workloadsFromFile(path: string): Workload[] {
  return workloadsFromText(readFileSync(path, 'utf8'), path);
}

/** A Deployment workload around a pod spec. */
export function deployment(
  name: string,
  spec: Record<string, unknown>,
  annotations?: Record<string, string>,
): Workload {
  const meta = annotations ? { labels: { app: name }, annotations } : { labels: { app: name } };
  const object = {
    apiVersion: 'apps/v1',
    kind: 'Deployment',
    metadata: { name, namespace: 'shop' },
    spec: { selector: { matchLabels: { app: name } }, template: { metadata: meta, spec } },
  };
  return workloadsFromText(JSON.stringify(object))[0]!;
}
