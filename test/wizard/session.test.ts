// Overview rows, decisions as answers, and the plain-words views of a proposal.
import { describe, expect, it } from 'vitest';
import { changeLines, failingChecks, lineDiff, statusLabel, templateDiff } from '../../src/wizard/describe.js';
import { applyEdit, namespaceRows, proposalFor, withSkip } from '../../src/wizard/session.js';
import { EMPTY_ANSWERS } from '../../src/fix/index.js';
import { fixtureSession } from './fixture.js';

const s = fixtureSession();

describe('namespaceRows', () => {
  it('shows labels as set, the strictest level passed, blockers and the recommended target', () => {
    const rows = namespaceRows(s);
    expect(rows.map((r) => r.name)).toEqual(['app', 'kube-system', 'ok']);
    expect(rows[0]).toMatchObject({
      labels: 'none',
      strictest: 'privileged',
      blockers: ['hostNamespaces', 'privileged'],
      recommended: 'privileged',
      toFix: 1,
      system: false,
    });
    expect(rows[1]).toMatchObject({ system: true, workloads: 0 });
    expect(rows[2]).toMatchObject({
      labels: 'enforce=restricted',
      strictest: 'restricted',
      recommended: 'restricted',
      blockers: [],
    });
  });

  it('sorts by blockers or level and filters by substring', () => {
    expect(namespaceRows(s, 'blockers').map((r) => r.name)[0]).toBe('app');
    expect(namespaceRows(s, 'strictest').map((r) => r.strictest)).toEqual(['privileged', 'restricted', 'restricted']);
    expect(namespaceRows(s, 'name', 'KUBE').map((r) => r.name)).toEqual(['kube-system']);
  });

  it('marks exempted namespaces', () => {
    expect(namespaceRows({ ...s, answers: { ...EMPTY_ANSWERS, exemptions: { app: 'agent' } } })[0]?.exempted).toBe(
      true,
    );
  });
});

describe('decisions as answers', () => {
  it('withSkip adds and removes a key and keeps the object when nothing changes', () => {
    const a = withSkip(EMPTY_ANSWERS, 'ns/Deployment/b', true);
    expect(withSkip(a, 'ns/Deployment/a', true).skip).toEqual(['ns/Deployment/a', 'ns/Deployment/b']);
    expect(withSkip(a, 'ns/Deployment/b', true)).toBe(a);
    expect(withSkip(a, 'ns/Deployment/b', false).skip).toEqual([]);
  });

  it('applyEdit rejects what the answers schema would reject', () => {
    expect(applyEdit(EMPTY_ANSWERS, 'uid', 'k', 'ns', '-3')).toMatch(/whole number/);
    expect(applyEdit(EMPTY_ANSWERS, 'exemption', 'k', 'ns', '   ')).toMatch(/reason/);
    expect(applyEdit(EMPTY_ANSWERS, 'writablePaths', 'k', 'ns', '/tmp relative')).toMatch(/absolute/);
    expect(applyEdit(EMPTY_ANSWERS, 'uid', 'k', 'ns', '65534')).toMatchObject({ uids: { k: 65534 } });
  });
});

describe('describe', () => {
  const web = s.inventory.workloads.find((w) => w.name === 'web');
  const p = proposalFor(s, 'app/Deployment/web');

  it('names failing checks in plain words with the upstream detail', () => {
    if (web === undefined || p === undefined) throw new Error('fixture');
    const checks = failingChecks(web, p);
    expect(checks.map((c) => c.check)).toEqual(
      expect.arrayContaining([
        'allowPrivilegeEscalation',
        'capabilities_restricted',
        'runAsNonRoot',
        'seccompProfile_restricted',
      ]),
    );
    expect(checks.find((c) => c.check === 'allowPrivilegeEscalation')?.detail).toBe(
      'container "web" must set securityContext.allowPrivilegeEscalation=false',
    );
  });

  it('shows the fix as added lines of the pod template, values with confidence and source', () => {
    if (web === undefined || p === undefined) throw new Error('fixture');
    const diff = templateDiff(web.template, p.patchedTemplate);
    expect(diff.filter((l) => l.op === '+').map((l) => l.text.trim())).toEqual(
      expect.arrayContaining(['allowPrivilegeEscalation: false', 'type: RuntimeDefault']),
    );
    expect(diff.some((l) => l.op === '-')).toBe(false);
    expect(changeLines(p.changes)).toContain(
      '/spec/containers/0/securityContext = {"allowPrivilegeEscalation":false}  (high confidence, what the level requires)',
    );
    expect(statusLabel(p)).toBe('! needs review');
  });

  it('lineDiff keeps one context line around changes', () => {
    expect(lineDiff('a\nb\nc\nd\ne', 'a\nb\nX\nd\ne')).toEqual([
      { op: ' ', text: 'b' },
      { op: '+', text: 'X' },
      { op: '-', text: 'c' },
      { op: ' ', text: 'd' },
    ]);
    expect(lineDiff('same', 'same')).toEqual([]);
  });
});
