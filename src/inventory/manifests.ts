// Pure: manifest text -> workloads, namespace labels and input errors. Multi-document YAML and
// JSON (same parser, with line numbers), `kind: List` items, Namespace objects; no I/O here.

import { LineCounter, parseAllDocuments, isMap, isSeq, type Document, type Node } from 'yaml';
import { extractPodTemplate, parseNamespaceLabels, validatePodSpecShape, WORKLOAD_KINDS } from '../policy/index.js';
import { detectManagers } from './managers.js';
import type { InputError, Inventory, NamespaceInfo, Workload } from './types.js';

/** Namespaces Kubernetes itself owns (the scan marks them `system`). */
export const SYSTEM_NAMESPACES: readonly string[] = ['kube-system', 'kube-public', 'kube-node-lease'];

/** What one file contributes to an inventory. */
export interface ParsedManifests {
  workloads: Workload[];
  /** Namespace objects found (name -> labels). */
  namespaces: Map<string, Record<string, string>>;
  errors: InputError[];
  /** Objects that are not workloads (Services, RBAC, ...). */
  skipped: number;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

function lineOf(node: Node | null | undefined, lc: LineCounter): number | undefined {
  const start = node?.range?.[0];
  return start === undefined ? undefined : lc.linePos(start).line;
}

function stringMap(v: unknown): Record<string, string> {
  const out: Record<string, string> = {};
  if (isObj(v)) for (const [k, x] of Object.entries(v)) if (typeof x === 'string') out[k] = x;
  return out;
}

/** Parses one file's text (YAML or JSON) into workloads, Namespace labels and errors. */
export function parseManifests(file: string, text: string): ParsedManifests {
  const out: ParsedManifests = { workloads: [], namespaces: new Map(), errors: [], skipped: 0 };
  const lc = new LineCounter();
  const docs = parseAllDocuments(text, { lineCounter: lc, uniqueKeys: false, prettyErrors: false });
  if (!Array.isArray(docs)) {
    // An empty stream (parseAllDocuments returns an EmptyStream): nothing to scan.
    return out;
  }
  docs.forEach((doc, index) => addDocument(out, file, index, doc, lc));
  return out;
}

function addDocument(out: ParsedManifests, file: string, document: number, doc: Document.Parsed, lc: LineCounter): void {
  const firstError = doc.errors[0];
  if (firstError) {
    const line = firstError.pos[0] >= 0 ? lc.linePos(firstError.pos[0]).line : lineOf(doc.contents, lc);
    const message = `invalid YAML: ${firstError.message.split('\n')[0] ?? firstError.code}`;
    out.errors.push(line === undefined ? { file, document, message } : { file, document, line, message });
    return;
  }
  if (doc.contents === null) return; // an empty document (e.g. a trailing `---`)
  const value: unknown = doc.toJS({ maxAliasCount: 1000 });
  const line = lineOf(doc.contents, lc);
  const at = line === undefined ? { file, document } : { file, document, line };
  if (value === null || value === undefined) return;
  if (!isObj(value)) {
    out.errors.push({ ...at, message: `expected a Kubernetes object (a mapping), got ${Array.isArray(value) ? 'a list' : typeof value}` });
    return;
  }
  if (value['kind'] === 'List' || (typeof value['kind'] === 'string' && value['kind'].endsWith('List') && Array.isArray(value['items']))) {
    const items = value['items'];
    if (!Array.isArray(items)) {
      out.errors.push({ ...at, message: `${String(value['kind'])}: items must be a list` });
      return;
    }
    const itemNodes = isMap(doc.contents) ? doc.contents.get('items', true) : undefined;
    items.forEach((item: unknown, i: number) => {
      const node = isSeq(itemNodes) ? (itemNodes.items[i] as Node | undefined) : undefined;
      const itemLine = lineOf(node, lc) ?? line;
      const src = itemLine === undefined ? { file, document, item: i } : { file, document, item: i, line: itemLine };
      if (!isObj(item)) {
        out.errors.push({ file, document, ...(itemLine === undefined ? {} : { line: itemLine }), message: `List item ${i}: expected a Kubernetes object (a mapping)` });
        return;
      }
      addObject(out, item, src);
    });
    return;
  }
  addObject(out, value, at);
}

type FileSource = { file: string; document: number; item?: number; line?: number };

function addObject(out: ParsedManifests, o: Obj, source: FileSource): void {
  const kind = typeof o['kind'] === 'string' ? o['kind'] : '';
  const meta = isObj(o['metadata']) ? o['metadata'] : {};
  if (kind === 'Namespace' && typeof meta['name'] === 'string') {
    out.namespaces.set(meta['name'], stringMap(meta['labels']));
    out.skipped++;
    return;
  }
  const extracted = extractPodTemplate(o);
  const errAt = { file: source.file, document: source.document, ...(source.line === undefined ? {} : { line: source.line }) };
  const label = `${kind || 'object'} ${typeof meta['name'] === 'string' ? meta['name'] : ''}`.trim();
  if (extracted === null) {
    if (WORKLOAD_KINDS.includes(kind)) {
      out.errors.push({ ...errAt, message: `${label}: no pod template (expected ${kind === 'Pod' ? 'spec' : kind === 'CronJob' ? 'spec.jobTemplate.spec.template.spec' : 'spec.template.spec'} to be a mapping)` });
    } else {
      out.skipped++;
    }
    return;
  }
  const specPath = [...extracted.templatePath, 'spec'].join('.');
  const shape = validatePodSpecShape(extracted.template.spec, specPath);
  if (shape.length > 0) {
    out.errors.push({ ...errAt, message: `${label}: ${shape.join('; ')}` });
    return;
  }
  const name = typeof meta['name'] === 'string' ? meta['name'] : typeof meta['generateName'] === 'string' ? meta['generateName'] : '';
  if (name === '') {
    out.errors.push({ ...errAt, message: `${kind}: metadata.name is missing` });
    return;
  }
  const namespace = typeof meta['namespace'] === 'string' && meta['namespace'] !== '' ? meta['namespace'] : 'default';
  const spec = isObj(o['spec']) ? o['spec'] : {};
  const w: Workload = {
    kind,
    apiVersion: typeof o['apiVersion'] === 'string' ? o['apiVersion'] : '',
    namespace,
    name,
    source,
    templatePath: extracted.templatePath,
    template: extracted.template,
    object: o,
    managedBy: detectManagers(o),
  };
  if (typeof spec['replicas'] === 'number') w.replicas = spec['replicas'];
  out.workloads.push(w);
}

/** A NamespaceInfo for a name and its labels (system namespaces are flagged). */
export function namespaceInfo(name: string, labels: Record<string, string>, exempt: readonly string[] = []): NamespaceInfo {
  return { name, labels, psa: parseNamespaceLabels(labels), system: SYSTEM_NAMESPACES.includes(name) || exempt.includes(name) };
}

/** Accumulates parsed files into one Inventory (origin `files`); namespaces sorted by name. */
export class FileInventoryBuilder {
  private readonly workloads: Workload[] = [];
  private readonly errors: InputError[] = [];
  private readonly nsLabels = new Map<string, Record<string, string>>();
  private readonly seen = new Set<string>();
  private skipped = 0;

  /** Adds one file's text. */
  addText(file: string, text: string): void {
    this.addParsed(parseManifests(file, text));
  }

  /** Adds an already parsed file. */
  addParsed(p: ParsedManifests): void {
    for (const w of p.workloads) {
      this.workloads.push(w);
      this.seen.add(w.namespace);
    }
    for (const [name, labels] of p.namespaces) this.nsLabels.set(name, { ...this.nsLabels.get(name), ...labels });
    this.errors.push(...p.errors);
    this.skipped += p.skipped;
  }

  /** Records a file that could not be read. */
  addError(error: InputError): void {
    this.errors.push(error);
  }

  /** The inventory of everything added so far. */
  build(exempt: readonly string[] = []): Inventory {
    const names = [...new Set([...this.nsLabels.keys(), ...this.seen])].sort();
    return {
      origin: 'files',
      namespaces: names.map((n) => namespaceInfo(n, this.nsLabels.get(n) ?? {}, exempt)),
      workloads: this.workloads,
      errors: this.errors,
      skipped: this.skipped,
    };
  }
}

/** Parses several files' texts into one Inventory. */
export function inventoryFromTexts(files: readonly { file: string; text: string }[]): Inventory {
  const b = new FileInventoryBuilder();
  for (const f of files) b.addText(f.file, f.text);
  return b.build();
}
