// Pure: a ScanReport as SARIF 2.1.0 for code-scanning UIs: one rule per upstream check ID, one
// result per failing check per workload at the judged level, located at the workload's file:line.

import { workloadKey } from '../inventory/types.js';
import { CHECK_IDS, type CheckId } from '../policy/index.js';
import { EXPLANATIONS } from '../policy/explain.js';
import type { ScanReport } from './scan-report.js';

export const SARIF_SCHEMA = 'https://json.schemastore.org/sarif-2.1.0.json';

interface SarifOptions {
  /** podsec's version (tool.driver.version). */
  version: string;
}

/** A file name as a SARIF URI: relative paths stay relative (to the working directory), absolute become file://. */
export function artifactUri(file: string): string {
  const path = file.split('\\').join('/');
  if (/^[A-Za-z]:\//.test(path)) return `file:///${encodeURI(path)}`;
  return path.startsWith('/') ? `file://${encodeURI(path)}` : encodeURI(path);
}

/** Baseline checks are errors (privileged workloads); restricted-only checks are warnings. */
function ruleLevel(check: CheckId): 'error' | 'warning' {
  return EXPLANATIONS.find((e) => e.id === check)?.level === 'baseline' ? 'error' : 'warning';
}

function rules(): object[] {
  return CHECK_IDS.map((id) => {
    const e = EXPLANATIONS.find((x) => x.id === id);
    const text = e
      ? `${e.requires} Allowed: ${e.allowed}. Fix: ${e.fix} (run \`podsec explain ${id}\`)`
      : `Pod Security Standards check ${id}.`;
    return {
      id,
      name: id,
      shortDescription: { text: e ? e.title : id },
      fullDescription: { text: e ? e.requires : id },
      help: { text, markdown: e ? `${e.requires}\n\n**Allowed:** ${e.allowed}\n\n**Fix:** ${e.fix}` : text },
      helpUri: 'https://kubernetes.io/docs/concepts/security/pod-security-standards/',
      defaultConfiguration: { level: ruleLevel(id) },
      properties: { level: e?.level ?? 'restricted', tags: ['security', 'kubernetes', 'pod-security'] },
    };
  });
}

/** The SARIF log object (serialize with JSON.stringify). */
export function toSarif(report: ScanReport, opts: SarifOptions): object {
  const target = report.summary.target;
  const ruleIndex = new Map(CHECK_IDS.map((id, i) => [id, i]));
  const results: object[] = [];
  for (const w of report.workloads) {
    const res = w.results[target];
    if (!res || res.allowed) continue;
    for (const v of res.violations) {
      const location =
        'file' in w.source
          ? {
              physicalLocation: {
                artifactLocation: { uri: artifactUri(w.source.file) },
                region: { startLine: Math.max(1, w.source.line ?? 1) },
              },
              logicalLocations: [{ name: w.name, fullyQualifiedName: workloadKey(w), kind: 'resource' }],
            }
          : { logicalLocations: [{ name: w.name, fullyQualifiedName: workloadKey(w), kind: 'resource' }] };
      results.push({
        ruleId: v.check,
        ruleIndex: ruleIndex.get(v.check) ?? 0,
        level: ruleLevel(v.check),
        message: {
          text: `${w.kind} ${w.namespace}/${w.name} fails ${target} (${res.version}): ${v.reason} (${v.detail})`,
        },
        locations: [location],
        properties: {
          namespace: w.namespace,
          kind: w.kind,
          name: w.name,
          level: target,
          strictestLevel: w.strictestLevel,
        },
      });
    }
  }
  const notifications = report.errors.map((e) => ({
    level: 'error',
    message: { text: e.message },
    ...(e.file === undefined
      ? {}
      : {
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: artifactUri(e.file) },
                ...(e.line === undefined ? {} : { region: { startLine: e.line } }),
              },
            },
          ],
        }),
  }));
  return {
    $schema: SARIF_SCHEMA,
    version: '2.1.0',
    runs: [
      {
        tool: {
          driver: {
            name: 'podsec',
            version: opts.version,
            informationUri: 'https://kubernetes.io/docs/concepts/security/pod-security-standards/',
            rules: rules(),
          },
        },
        invocations: [{ executionSuccessful: report.errors.length === 0, toolExecutionNotifications: notifications }],
        results,
      },
    ],
  };
}
