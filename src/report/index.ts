// Public API of the pure report module: build a ScanReport and render it in every -o format.

import { jsonChunks, formatYaml } from './format-data.js';
import { formatMarkdown } from './format-markdown.js';
import { toSarif } from './format-sarif.js';
import { formatTable } from './format-table.js';
import type { ScanReport } from './scan-report.js';

export * from './scan-report.js';
export { formatTable, sourceLabel, summaryLine } from './format-table.js';
export { formatMarkdown } from './format-markdown.js';
export { toSarif, SARIF_SCHEMA } from './format-sarif.js';
export { jsonChunks, formatYaml } from './format-data.js';

export type ReportFormat = 'table' | 'json' | 'yaml' | 'markdown' | 'sarif';
export const REPORT_FORMATS: readonly ReportFormat[] = ['table', 'json', 'yaml', 'markdown', 'sarif'];

export interface RenderOptions {
  color: boolean;
  columns?: number;
  /** podsec's version, for SARIF. */
  version: string;
}

/** The report in a format, as chunks to write in order (JSON is streamed element by element). */
export function* renderReport(report: ScanReport, format: ReportFormat, opts: RenderOptions): Generator<string> {
  switch (format) {
    case 'json':
      yield* jsonChunks(report);
      return;
    case 'yaml':
      yield formatYaml(report);
      return;
    case 'markdown':
      yield formatMarkdown(report);
      return;
    case 'sarif':
      yield* jsonChunks(toSarif(report, { version: opts.version }));
      return;
    case 'table':
      yield formatTable(
        report,
        opts.columns === undefined ? { color: opts.color } : { color: opts.color, columns: opts.columns },
      );
  }
}

/** The exit code for a finished scan: 3 when inputs were unreadable (wins), 1 for failures with --exit-code. */
export function scanExitCode(report: Pick<ScanReport, 'errors' | 'summary'>, exitCodeFlag: boolean): number {
  if (report.errors.length > 0) return 3;
  return exitCodeFlag && report.summary.failing > 0 ? 1 : 0;
}
