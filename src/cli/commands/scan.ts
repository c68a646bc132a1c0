// Shell: `podsec scan`: reads manifests (-f) or a live cluster, builds the ScanReport and writes it
// in the chosen format to stdout. Exit: 3 when some input was unreadable (wins), 1 with --exit-code.

import { UsageError } from '../../errors.js';
import { parsePolicyVersion } from '../../policy/index.js';
import { buildScanReport, renderReport, scanExitCode, type ReportFormat, type ScanReport } from '../../report/index.js';
import type { CommandContext } from '../context.js';
import { versionNote } from '../version-note.js';
import type { Flags } from '../flags.js';

interface ScanFlags {
  file: string[];
  level: 'baseline' | 'restricted' | undefined;
  version: string | undefined;
  output: ReportFormat;
  exitCode: boolean;
}

function parseFlags(flags: Flags): ScanFlags {
  const { level, version, output, file, exitCode } = flags;
  if (version !== undefined && parsePolicyVersion(version) === null) {
    throw new UsageError(`--version must be latest or v1.N (e.g. v1.30), not "${version}"`);
  }
  return { file, level, version, output, exitCode };
}

/** Writes the report chunk by chunk (JSON is streamed) and returns the exit code. */
function emit(report: ScanReport, f: ScanFlags, ctx: CommandContext): number {
  for (const chunk of renderReport(report, f.output, {
    color: ctx.io.color,
    columns: ctx.io.columns,
    version: ctx.version,
  }))
    ctx.io.out(chunk);
  const code = scanExitCode(report, f.exitCode);
  if (report.errors.length > 0) {
    ctx.io.err(`podsec: ${report.errors.length} input(s) could not be read or parsed; the rest was scanned (exit 3)\n`);
  }
  return code;
}

export async function run(flags: Flags, _args: string[], ctx: CommandContext): Promise<number> {
  const f = parseFlags(flags);
  const note = versionNote(f.version);
  if (note !== null) ctx.io.err(`podsec: ${note}\n`);
  if (f.file.length > 0) {
    // Streamed: each file is read in pieces and parsed document by document; each workload is
    // evaluated as it arrives and its object dropped.
    const { parseManifestInput, readManifestInputs } = await import('../../files/read-manifests.js');
    const { ScanReportBuilder } = await import('../../report/scan-stream.js');
    const builder = new ScanReportBuilder({ level: f.level, version: f.version });
    const progress = ctx.io.stderrIsTTY;
    const notice = progress ? (message: string) => ctx.io.err(`\u001b[2K\rpodsec: ${message}`) : undefined;
    try {
      for await (const input of readManifestInputs(f.file, {
        cwd: ctx.cwd,
        signal: ctx.signal,
        ...(notice ? { notice } : {}),
      })) {
        if (progress) ctx.io.err(`\u001b[2K\rpodsec: scanning ${input.file}`);
        await parseManifestInput(input, (p) => builder.addParsed(p));
      }
    } finally {
      if (progress) ctx.io.err('\u001b[2K\r');
    }
    const report = builder.build();
    if (report.workloads.length === 0 && report.errors.length === 0) {
      // A gate pointed at the wrong path must not pass: nothing found is exit 3 with --exit-code.
      ctx.io.err(
        `podsec: no workloads found in ${f.file.join(', ')}${f.exitCode ? ' (exit 3: check the path)' : ''}\n`,
      );
      if (f.exitCode) {
        emit(report, f, ctx);
        return 3;
      }
    }
    return emit(report, f, ctx);
  }
  // Live cluster: read (and verify) through the cluster adapter, then the same report path.
  const { scanLive } = await import('../../cluster/live-scan.js');
  const { addLiveFields, renderVerification, unreadableErrors } = await import('../../cluster/live-report.js');
  const verify = flags['verify'];
  const live = await scanLive(
    {
      file: [],
      namespace: flags.namespace,
      allNamespaces: flags.allNamespaces,
      ...(flags.kubeconfig !== undefined ? { kubeconfig: flags.kubeconfig } : {}),
      ...(flags.context !== undefined ? { context: flags.context } : {}),
      verify: typeof verify === 'boolean' ? verify : undefined,
      level: f.level,
      version: f.version,
      output: f.output,
    },
    ctx,
  );
  const base = buildScanReport(live.inventory, { level: f.level, version: f.version, newestMinor: live.policyMinor });
  const errors = [...base.errors, ...unreadableErrors(live.inventory)];
  const report = addLiveFields({ ...base, errors, summary: { ...base.summary, errors: errors.length } }, live);
  const code = emit(report, f, ctx);
  if (f.output === 'table' || f.output === 'markdown') ctx.io.out(renderVerification(live, f.output));
  return code;
}
