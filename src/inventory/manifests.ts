// Pure: manifest text -> workloads, namespace labels and input errors. Multi-document YAML and
// JSON (same parser, with line numbers), `kind: List` items, Namespace objects; no I/O here.
// Text is read document by document (ManifestParser takes it in chunks), and each document is
// decoded as kubectl decodes it (go-yaml.ts), so a huge multi-document file never lives in memory
// as one syntax tree.

import { Composer, isMap, isSeq, Parser, type Document, type Node } from 'yaml';
import {
  decodePodSpec,
  decodeStringMap,
  extractPodTemplate,
  parseNamespaceLabels,
  WORKLOAD_KINDS,
} from '../policy/index.js';
import { decodeYamlDocument, YamlDecodeError } from './go-yaml.js';
import type { SharedStrings } from './shared-strings.js';
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

/** Line starts of the part of a file still being read (earlier ones are dropped, only counted). */
class LineIndex {
  private starts: number[] = [];
  private dropped = 0;
  readonly add = (offset: number): void => {
    this.starts.push(offset);
  };
  /** 1-based line of an absolute offset at or after the last trim. */
  line(offset: number): number {
    const s = this.starts;
    let lo = 0;
    let hi = s.length - 1;
    while (lo < hi) {
      const mid = (lo + hi + 1) >> 1;
      if (s[mid]! <= offset) lo = mid;
      else hi = mid - 1;
    }
    return this.dropped + lo + 1;
  }
  /** Forgets line starts before `offset` (nothing later asks about them). */
  trim(offset: number): void {
    if (this.starts.length < 4096) return;
    let i = 0;
    while (i + 1 < this.starts.length && this.starts[i + 1]! <= offset) i++;
    if (i === 0) return;
    this.starts = this.starts.slice(i);
    this.dropped += i;
  }
}

const emptyParsed = (): ParsedManifests => ({ workloads: [], namespaces: new Map(), errors: [], skipped: 0 });

// A line `---` (followed by a space or line end) starts a new document; text is handed to the
// YAML parser up to the last such line seen, so the parser never waits inside a document.
const DOC_START = /\n---(?=[ \t\r\n])/g;

/**
 * Reads one file's manifests incrementally: push() text as it arrives, end() once; each returns
 * what the documents completed so far contribute. Document numbers and lines count from the
 * start of the file, as if it had been parsed whole.
 */
export class ManifestParser {
  private readonly lines = new LineIndex();
  private readonly parser = new Parser(this.lines.add);
  private readonly composer = new Composer({
    schema: 'failsafe',
    uniqueKeys: false,
    prettyErrors: false,
    strict: false,
  });
  /** Text not yet given to the parser (after the last document start seen), in pieces. */
  private pending: string[] = [];
  /** The last few characters of `pending`, where a document start may begin. */
  private tail = '';
  private document = 0;

  /**
   * `strings`: keeps repeated string values once (a table shared by every file of an input that is
   * kept, such as a plan's inventory); without one, values are as the parser gives them (a scan
   * drops each object once evaluated).
   */
  constructor(
    private readonly file: string,
    private readonly strings?: SharedStrings,
  ) {}

  /** Adds the next piece of the file's text. */
  push(text: string): ParsedManifests {
    const out = emptyParsed();
    // Only the new text (and the few characters before it) can hold a new document start.
    const probe = this.tail + text;
    DOC_START.lastIndex = 0;
    let cut = -1;
    for (let m = DOC_START.exec(probe); m !== null; m = DOC_START.exec(probe)) cut = m.index + 1;
    if (cut < 0) {
      this.pending.push(text);
      this.tail = probe.slice(-4);
      return out;
    }
    const before = this.pending.join('');
    const at = before.length - this.tail.length + cut; // offset of the cut in before + text
    const all = at <= before.length ? null : before + text.slice(0, at - before.length);
    const ready = all ?? before.slice(0, at);
    const rest = all === null ? before.slice(at) + text : text.slice(at - before.length);
    this.pending = [rest];
    this.tail = rest.slice(-4);
    this.feed(out, ready, true);
    return out;
  }

  /** The end of the file. */
  end(): ParsedManifests {
    const out = emptyParsed();
    const rest = this.pending.join('');
    this.pending = [];
    this.tail = '';
    this.feed(out, rest, false);
    for (const doc of this.composer.end()) this.addDocument(out, doc);
    return out;
  }

  private feed(out: ParsedManifests, text: string, incomplete: boolean): void {
    for (const token of this.parser.parse(text, incomplete)) {
      for (const doc of this.composer.next(token)) this.addDocument(out, doc);
    }
  }

  private lineOf(node: Node | null | undefined): number | undefined {
    const start = node?.range?.[0];
    return start === undefined ? undefined : this.lines.line(start);
  }

  private addDocument(out: ParsedManifests, doc: Document.Parsed): void {
    const index = this.document++;
    try {
      addDocument(
        out,
        this.file,
        index,
        doc,
        (n) => this.lineOf(n),
        (o) => this.lines.line(o),
        this.strings,
      );
    } finally {
      this.lines.trim(doc.range[2]);
    }
  }
}

/** Parses one file's text (YAML or JSON) into workloads, Namespace labels and errors. */
export function parseManifests(file: string, text: string): ParsedManifests {
  const p = new ManifestParser(file);
  const out = p.push(text);
  const rest = p.end();
  out.workloads.push(...rest.workloads);
  for (const [k, v] of rest.namespaces) out.namespaces.set(k, { ...out.namespaces.get(k), ...v });
  out.errors.push(...rest.errors);
  out.skipped += rest.skipped;
  return out;
}

function addDocument(
  out: ParsedManifests,
  file: string,
  document: number,
  doc: Document.Parsed,
  lineOf: (n: Node | null | undefined) => number | undefined,
  lineAt: (offset: number) => number,
  strings: SharedStrings | undefined,
): void {
  const firstError = doc.errors[0];
  if (firstError) {
    const line = firstError.pos[0] >= 0 ? lineAt(firstError.pos[0]) : lineOf(doc.contents);
    const message = `invalid YAML: ${firstError.message.split('\n')[0] ?? firstError.code}`;
    out.errors.push(line === undefined ? { file, document, message } : { file, document, line, message });
    return;
  }
  if (doc.contents === null) return; // an empty document (e.g. a trailing `---`)
  const line = lineOf(doc.contents);
  const at = line === undefined ? { file, document } : { file, document, line };
  let value: unknown;
  try {
    value = decodeYamlDocument(doc, strings);
  } catch (err) {
    if (!(err instanceof YamlDecodeError)) throw err;
    const errLine = err.offset === undefined ? line : lineAt(err.offset);
    out.errors.push({
      file,
      document,
      ...(errLine === undefined ? {} : { line: errLine }),
      message: `invalid YAML: ${err.message}`,
    });
    return;
  }
  if (value === null || value === undefined) return;
  if (!isObj(value)) {
    out.errors.push({
      ...at,
      message: `expected a Kubernetes object (a mapping), got ${Array.isArray(value) ? 'a list' : typeof value}`,
    });
    return;
  }
  if (
    value['kind'] === 'List' ||
    (typeof value['kind'] === 'string' && value['kind'].endsWith('List') && Array.isArray(value['items']))
  ) {
    const items = value['items'];
    if (!Array.isArray(items)) {
      out.errors.push({ ...at, message: `${String(value['kind'])}: items must be a list` });
      return;
    }
    const itemNodes = isMap(doc.contents) ? doc.contents.get('items', true) : undefined;
    items.forEach((item: unknown, i: number) => {
      const node = isSeq(itemNodes) ? (itemNodes.items[i] as Node | undefined) : undefined;
      const itemLine = lineOf(node) ?? line;
      const src = itemLine === undefined ? { file, document, item: i } : { file, document, item: i, line: itemLine };
      if (!isObj(item)) {
        out.errors.push({
          file,
          document,
          ...(itemLine === undefined ? {} : { line: itemLine }),
          message: `List item ${i}: expected a Kubernetes object (a mapping)`,
        });
        return;
      }
      addObject(out, item, src);
    });
    return;
  }
  addObject(out, value, at);
}

type FileSource = { file: string; document: number; item?: number; line?: number };

/** Go-decodes an ObjectMeta in place (string fields, string maps); its errors, prefixed with `path`. */
function decodeMeta(meta: Obj, path: string, errors: string[]): void {
  for (const k of ['name', 'generateName', 'namespace']) {
    if (meta[k] === null) meta[k] = '';
    else if (meta[k] !== undefined && typeof meta[k] !== 'string')
      errors.push(`${path}.${k}: expected a string, got ${Array.isArray(meta[k]) ? 'list' : typeof meta[k]}`);
  }
  decodeStringMap(meta, 'labels', `${path}.labels`, errors);
  decodeStringMap(meta, 'annotations', `${path}.annotations`, errors);
}

function addObject(out: ParsedManifests, o: Obj, source: FileSource): void {
  const kind = typeof o['kind'] === 'string' ? o['kind'] : '';
  const meta = isObj(o['metadata']) ? o['metadata'] : {};
  const errAt = {
    file: source.file,
    document: source.document,
    ...(source.line === undefined ? {} : { line: source.line }),
  };
  const label = `${kind || 'object'} ${typeof meta['name'] === 'string' ? meta['name'] : ''}`.trim();
  const decodeErrors: string[] = [];
  decodeMeta(meta, 'metadata', decodeErrors);
  if (kind === 'Namespace') {
    if (decodeErrors.length > 0 || typeof meta['name'] !== 'string') {
      if (decodeErrors.length === 0) decodeErrors.push('metadata.name is missing');
      out.errors.push({ ...errAt, message: `${label}: ${decodeErrors.join('; ')}` });
      return;
    }
    out.namespaces.set(meta['name'], (meta['labels'] as Record<string, string> | undefined) ?? {});
    out.skipped++;
    return;
  }
  const extracted = extractPodTemplate(o);
  if (extracted === null) {
    if (WORKLOAD_KINDS.includes(kind)) {
      out.errors.push({
        ...errAt,
        message: `${label}: no pod template (expected ${kind === 'Pod' ? 'spec' : kind === 'CronJob' ? 'spec.jobTemplate.spec.template.spec' : 'spec.template.spec'} to be a mapping)`,
      });
    } else {
      out.skipped++;
    }
    return;
  }
  if (extracted.templatePath.length > 0) {
    let t: unknown = o;
    for (const k of extracted.templatePath) t = (t as Obj)[k];
    const tmeta = (t as Obj)['metadata'];
    if (isObj(tmeta)) decodeMeta(tmeta, `${extracted.templatePath.join('.')}.metadata`, decodeErrors);
  }
  const specPath = [...extracted.templatePath, 'spec'].join('.');
  const shape = [...decodeErrors, ...decodePodSpec(extracted.template.spec, specPath)];
  if (shape.length > 0) {
    out.errors.push({ ...errAt, message: `${label}: ${shape.join('; ')}` });
    return;
  }
  const name =
    typeof meta['name'] === 'string'
      ? meta['name']
      : typeof meta['generateName'] === 'string'
        ? meta['generateName']
        : '';
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
export function namespaceInfo(
  name: string,
  labels: Record<string, string>,
  exempt: readonly string[] = [],
): NamespaceInfo {
  return {
    name,
    labels,
    psa: parseNamespaceLabels(labels),
    system: SYSTEM_NAMESPACES.includes(name) || exempt.includes(name),
  };
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
