// Issue 12 item 1: an operator's explicit UID answer wins over the workload, the image catalogue
// and evidence, everywhere; "your answer" labels only real answers (the demo's prefilled values
// are labelled as such).
import { describe, expect, it } from 'vitest';
import { answersSchema } from '../../src/fix/answers.js';
import { analyzeLogs, mergeContainerEvidence, type Evidence } from '../../src/fix/evidence.js';
import { describeSource } from '../../src/fix/identity.js';
import { proposeFix } from '../../src/fix/propose.js';
import { sourceText } from '../../src/wizard/describe.js';
import { applyEdit } from '../../src/wizard/session.js';
import { deployment, loadCatalogue } from './helpers.js';

const catalogue = loadCatalogue();
const restricted = { target: 'restricted' as const, version: 'latest', catalogue };
const uidOf = (p: ReturnType<typeof proposeFix>) => {
  const c = (p.patchedTemplate.spec['containers'] as Record<string, Record<string, unknown>>[])[0]!;
  return (c['securityContext'] as Record<string, unknown> | undefined)?.['runAsUser'];
};

describe('an explicit UID answer wins', () => {
  it('over the image catalogue (redis runs as 999 unless the operator says otherwise)', () => {
    const w = deployment('redis', { containers: [{ name: 'redis', image: 'redis:7.2' }] });
    expect(uidOf(proposeFix(w, restricted))).toBe(999);
    const answers = answersSchema.parse({ uids: { 'shop/Deployment/redis': 1234 } });
    const p = proposeFix(w, { ...restricted, answers });
    expect(uidOf(p)).toBe(1234);
    const change = p.changes.find((c) => c.path.endsWith('/runAsUser'));
    expect(change).toMatchObject({ value: 1234, source: { kind: 'answer', key: 'shop/Deployment/redis' } });
    expect(change?.source).not.toHaveProperty('prefilled');
  });

  it('over evidence (id -u in the container)', () => {
    const ev: Evidence = {
      containers: { app: mergeContainerEvidence(analyzeLogs(''), { uid: 33, gid: 33 }) },
      notes: [],
    };
    const w = deployment('app', { containers: [{ name: 'app', image: 'example.com/app:1' }] });
    expect(uidOf(proposeFix(w, { ...restricted, evidence: ev }))).toBe(33);
    const answers = answersSchema.parse({ uids: { 'shop/Deployment/app/app': 5000 } });
    expect(uidOf(proposeFix(w, { ...restricted, evidence: ev, answers }))).toBe(5000);
  });

  it('over a runAsUser the workload already sets, even when no check fails', () => {
    const w = deployment('app', {
      securityContext: { runAsNonRoot: true, runAsUser: 999, seccompProfile: { type: 'RuntimeDefault' } },
      containers: [
        {
          name: 'app',
          image: 'example.com/app:1',
          securityContext: { allowPrivilegeEscalation: false, capabilities: { drop: ['ALL'] } },
        },
      ],
    });
    const before = proposeFix(w, restricted);
    expect(before.status).toBe('compliant');
    expect(before.strategicPatch).toBeNull();
    const p = proposeFix(w, {
      ...restricted,
      answers: answersSchema.parse({ uids: { 'shop/Deployment/app': 1234 }, gids: { 'shop/Deployment/app': 1234 } }),
    });
    expect(uidOf(p)).toBe(1234);
    expect(JSON.stringify(p.strategicPatch)).toContain('1234');
  });

  it('labels a prefilled (demo) value as such, and an edit turns it into the operator answer', () => {
    const w = deployment('vote', { containers: [{ name: 'vote', image: 'example.com/vote:1' }] });
    const pre = answersSchema.parse({ uids: { 'shop/Deployment/vote': 10001 }, prefilled: ['shop/Deployment/vote'] });
    const p = proposeFix(w, { ...restricted, answers: pre });
    const change = p.changes.find((c) => c.path.endsWith('/runAsUser'));
    expect(change?.source).toEqual({ kind: 'answer', key: 'shop/Deployment/vote', prefilled: true });
    expect(sourceText(change?.source)).toBe('prefilled by the demo (shop/Deployment/vote)');
    expect(describeSource(change?.source)).not.toMatch(/operator/);
    const edited = applyEdit(pre, 'uid', 'shop/Deployment/vote', 'shop', '4321');
    if (typeof edited === 'string') throw new Error(edited);
    const q = proposeFix(w, { ...restricted, answers: edited });
    const c2 = q.changes.find((c) => c.path.endsWith('/runAsUser'));
    expect(c2).toMatchObject({ value: 4321, source: { kind: 'answer', key: 'shop/Deployment/vote' } });
    expect(sourceText(c2?.source)).toBe('your answer (shop/Deployment/vote)');
  });
});
