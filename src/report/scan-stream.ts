// Pure: the ScanReport built incrementally, one parsed file at a time, for `scan -f` on large
// inputs: each workload is evaluated as it arrives and its object dropped; only the report rows
// (and a compact JSON copy of the pod template, for a namespace pin that may arrive later) are kept.

import { namespaceInfo, type ParsedManifests } from '../inventory/manifests.js';
import type { InputError, NamespaceInfo, PodTemplate, Workload } from '../inventory/types.js';
import {
  namespaceReport,
  namespaceVersion,
  scanWorkload,
  summarize,
  withDuplicates,
  type ScanReport,
  type LevelResult,
  type ScanReportOptions,
  type WorkloadReport,
} from './scan-report.js';

interface Row {
  report: WorkloadReport;
  version: string;
  /** JSON of the template; null when the version cannot change (--version given). */
  template: string | null;
}

/** Accumulates parsed files into a ScanReport without holding the parsed objects. */
export class ScanReportBuilder {
  private readonly rows: Row[] = [];
  private readonly labels = new Map<string, Record<string, string>>();
  private readonly infos = new Map<string, NamespaceInfo>();
  private readonly errors: InputError[] = [];
  private skipped = 0;
  /** One copy of each distinct level result: large estates repeat the same violations. */
  private readonly results = new Map<string, LevelResult>();

  constructor(
    private readonly opts: ScanReportOptions,
    private readonly exempt: readonly string[] = [],
  ) {}

  private info(name: string): NamespaceInfo {
    let i = this.infos.get(name);
    if (!i) this.infos.set(name, (i = namespaceInfo(name, this.labels.get(name) ?? {}, this.exempt)));
    return i;
  }

  /** Adds one file's parse result (Namespace labels first, so pins in the same file apply). */
  addParsed(p: ParsedManifests): void {
    for (const [name, labels] of p.namespaces) {
      this.labels.set(name, { ...this.labels.get(name), ...labels });
      this.infos.delete(name);
    }
    for (const w of p.workloads) this.addWorkload(w);
    this.errors.push(...p.errors);
    this.skipped += p.skipped;
  }

  /** Evaluates a workload now, with what is known of its namespace so far. */
  addWorkload(w: Workload): void {
    const { version } = namespaceVersion(this.info(w.namespace), this.opts.version);
    const report = this.intern(scanWorkload(w, version, this.opts));
    this.rows.push({ report, version, template: this.opts.version === undefined ? JSON.stringify(w.template) : null });
  }

  /** Identical level results (same version and violations) become one shared, read-only object. */
  private intern(r: WorkloadReport): WorkloadReport {
    for (const level of ['baseline', 'restricted'] as const) {
      const res = r.results[level];
      if (!res) continue;
      const key = `${res.version}\u0000${res.allowed}\u0000${res.violations.map((v) => `${v.check}\u0001${v.reason}\u0001${v.detail}`).join('\u0002')}`;
      const known = this.results.get(key);
      if (known) r.results[level] = known;
      else if (this.results.size < 100_000) this.results.set(key, res);
    }
    return r;
  }

  /** Records an input that could not be read. */
  addError(e: InputError): void {
    this.errors.push(e);
  }

  /** The report; workloads whose namespace pin turned up after them are re-evaluated. */
  build(): ScanReport {
    const workloads: WorkloadReport[] = [];
    const byNs = new Map<string, WorkloadReport[]>();
    for (const row of this.rows) {
      let r = row.report;
      const { version } = namespaceVersion(this.info(r.namespace), this.opts.version);
      if (version !== row.version && row.template !== null) {
        const template = JSON.parse(row.template) as PodTemplate;
        r = scanWorkload({ ...r, templatePath: [], template, object: {}, managedBy: [] }, version, this.opts);
      }
      workloads.push(r);
      const list = byNs.get(r.namespace);
      if (list) list.push(r);
      else byNs.set(r.namespace, [r]);
    }
    const names = [...new Set([...this.labels.keys(), ...byNs.keys()])].sort();
    const namespaces = names.map((n) =>
      namespaceReport(this.info(n), byNs.get(n) ?? [], namespaceVersion(this.info(n), this.opts.version)),
    );
    return {
      kind: 'ScanReport',
      schemaVersion: 1,
      workloads,
      namespaces,
      errors: this.errors,
      ...withDuplicates(workloads),
      summary: summarize(workloads, namespaces.length, this.errors.length, this.skipped, this.opts),
    };
  }
}
