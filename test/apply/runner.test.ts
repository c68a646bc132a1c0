import { describe, expect, it } from 'vitest';
import type { PhaseReport } from '../../src/apply/apply-phase.js';
import { applyFlags, formatReport, reportExitCode } from '../../src/cli/apply-runner.js';
import { UsageError } from '../../src/errors.js';

const report = (outcomes: PhaseReport['outcomes']): PhaseReport => ({
  phase: '3-enforce-baseline',
  dryRun: false,
  outcomes,
  stoppedAt: null,
});
const o = (outcome: PhaseReport['outcomes'][number]['outcome'], details: string[] = []) => ({
  step: 's',
  namespace: 'shop',
  target: 'namespace shop',
  outcome,
  message: 'm',
  details,
});

describe('apply CLI helpers', () => {
  it('reads flags, rejecting a bad --timeout or --wait as usage errors', () => {
    expect(applyFlags({ yes: true, namespace: ['a'], timeout: '60', wait: 'admitted', phase: '2-fix' })).toEqual({
      yes: true,
      dryRun: false,
      force: false,
      acceptModifiedPlanFiles: false,
      namespace: ['a'],
      timeoutSeconds: 60,
      wait: 'admitted',
      phase: '2-fix',
    });
    expect(() => applyFlags({ timeout: 'soon' })).toThrow(UsageError);
    expect(() => applyFlags({ wait: 'forever' })).toThrow(UsageError);
  });

  it('exits 1 when a step failed, was refused or skipped, else 0', () => {
    expect(reportExitCode(report([o('applied'), o('alreadyDone'), o('manual')]))).toBe(0);
    for (const bad of ['failed', 'refused', 'skipped'] as const)
      expect(reportExitCode(report([o('applied'), o(bad)]))).toBe(1);
  });

  it('prints one line per step with its details indented, and a summary', () => {
    const text = formatReport(
      report([o('applied'), o('refused', ['pod web-1 (shop/Deployment/web): privileged'])]),
      'apply',
    );
    expect(text.split('\n')).toEqual([
      'apply 3-enforce-baseline',
      '  applied      namespace shop: m',
      '  refused      namespace shop: m',
      '                 pod web-1 (shop/Deployment/web): privileged',
      'summary: 1 applied, 1 refused',
      '',
    ]);
  });
});
