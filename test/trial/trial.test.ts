// Trial runs, the pure core (issue 12): pass/fail from recorded pod statuses, the refusal rules,
// the trial pod, and the re-proposal loop over a recorded port (round 1 fails with gunicorn's
// read-only-root error, round 2 gets the emptyDirs the log names and passes).
import { describe, expect, it } from 'vitest';
import { answersSchema } from '../../src/fix/answers.js';
import { proposeFix } from '../../src/fix/propose.js';
import { templateFingerprint } from '../../src/files/generate-plan.js';
import { classifyTrial } from '../../src/trial/classify.js';
import { trialWorkload, type TrialPort } from '../../src/trial/loop.js';
import { TRIAL_LABEL, trialPod, trialRefusal } from '../../src/trial/pod.js';
import type { TrialObservation, TrialRunResult } from '../../src/trial/types.js';
import { deployment, loadCatalogue, workloadsFromText } from '../fix/helpers.js';

const catalogue = loadCatalogue();
const base: TrialObservation = {
  phase: 'Running',
  ready: false,
  readyForMs: 0,
  elapsedMs: 5000,
  containers: [],
  conditions: [],
  events: [],
};
const opts = { timedOut: false, timeoutMs: 60_000 };
const GUNICORN =
  "FileNotFoundError: [Errno 2] No usable temporary directory found in ['/tmp', '/var/tmp', '/usr/tmp', '/app']";
const ROOT_MSG = 'Error: container has runAsNonRoot and image will run as root (pod: "podsec-trial-x", container: app)';

describe('classifyTrial (recorded pod statuses)', () => {
  it('passes a pod Ready for the settle time with no restarts', () => {
    const o = {
      ...base,
      ready: true,
      readyForMs: 4000,
      containers: [{ name: 'app', init: false, ready: true, restartCount: 0 }],
    };
    expect(classifyTrial(o, opts)).toMatchObject({ verdict: 'pass', reason: 'Ready' });
    expect(classifyTrial({ ...o, readyForMs: 500 }, opts).verdict).toBe('running');
  });

  it.each([
    [
      'CrashLoopBackOff',
      {
        waiting: { reason: 'CrashLoopBackOff', message: 'back-off 10s' },
        restartCount: 2,
        lastTerminated: { reason: 'Error', exitCode: 3 },
      },
      /exited 3 \(Error\)/,
    ],
    [
      'CreateContainerConfigError',
      { waiting: { reason: 'CreateContainerConfigError', message: ROOT_MSG }, restartCount: 0 },
      /image will run as root/,
    ],
    ['OOMKilled', { restartCount: 0, terminated: { reason: 'OOMKilled', exitCode: 137 } }, /more memory/],
    ['Restarted', { restartCount: 1, lastTerminated: { reason: 'Error', exitCode: 1 } }, /restarted 1 time/],
  ])('fails %s', (reason, c, msg) => {
    const r = classifyTrial({ ...base, containers: [{ name: 'app', init: false, ready: false, ...c }] }, opts);
    expect(r).toMatchObject({ verdict: 'fail', reason });
    expect(r.message).toMatch(msg);
  });

  it('fails a failed readiness probe, and a pod that never gets Ready, at the timeout', () => {
    const running = { ...base, containers: [{ name: 'app', init: false, ready: false, restartCount: 0 }] };
    expect(classifyTrial(running, opts).verdict).toBe('running');
    const probe = {
      ...running,
      events: [
        {
          type: 'Warning',
          reason: 'Unhealthy',
          message: 'Readiness probe failed: HTTP probe failed with statuscode: 500',
        },
      ],
    };
    expect(classifyTrial(probe, { ...opts, timedOut: true })).toMatchObject({
      verdict: 'fail',
      reason: 'ReadinessProbeFailed',
    });
    const pending = {
      ...base,
      phase: 'Pending',
      conditions: [
        { type: 'PodScheduled', status: 'False', reason: 'Unschedulable', message: '0/0 nodes are available' },
      ],
    };
    expect(classifyTrial(pending, { ...opts, timedOut: true })).toMatchObject({
      verdict: 'fail',
      reason: 'Timeout',
      message: 'not Ready within 60s: not scheduled (Unschedulable: 0/0 nodes are available)',
    });
  });
});

describe('trialRefusal', () => {
  const [sts, job, cron] = workloadsFromText(`
apiVersion: apps/v1
kind: StatefulSet
metadata: {name: db, namespace: shop}
spec: {selector: {matchLabels: {a: b}}, serviceName: db, template: {metadata: {labels: {a: b}}, spec: {containers: [{name: db, image: postgres}]}}}
---
apiVersion: batch/v1
kind: Job
metadata: {name: j, namespace: shop}
spec: {template: {spec: {restartPolicy: Never, containers: [{name: j, image: busybox}]}}}
---
apiVersion: batch/v1
kind: CronJob
metadata: {name: c, namespace: shop}
spec: {schedule: "* * * * *", jobTemplate: {spec: {template: {spec: {restartPolicy: Never, containers: [{name: c, image: busybox}]}}}}}
`);
  it('refuses StatefulSets, Jobs, CronJobs, hostPorts and ReadWriteOnce claims; allows a plain Deployment', () => {
    expect(trialRefusal(sts!)).toMatch(/StatefulSet/);
    expect(trialRefusal(job!)).toMatch(/side effects/);
    expect(trialRefusal(cron!)).toMatch(/CronJob/);
    expect(
      trialRefusal(
        deployment('w', {
          containers: [{ name: 'w', image: 'nginx', ports: [{ containerPort: 80, hostPort: 8080 }] }],
        }),
      ),
    ).toMatch(/host port 8080/);
    const pvc = deployment('p', {
      containers: [{ name: 'p', image: 'nginx' }],
      volumes: [{ name: 'd', persistentVolumeClaim: { claimName: 'data' } }],
    });
    expect(trialRefusal(pvc, { data: ['ReadWriteOnce'] })).toMatch(/ReadWriteOnce/);
    expect(trialRefusal(pvc)).toMatch(/access mode unknown/);
    expect(trialRefusal(pvc, { data: ['ReadWriteMany'] })).toBeNull();
    expect(trialRefusal(deployment('ok', { containers: [{ name: 'ok', image: 'nginx' }] }))).toBeNull();
  });
});

describe('trialPod', () => {
  it('is an owner-less copy with its labels replaced and the trial label and annotation naming the plan', () => {
    const w = deployment('vote', {
      serviceAccountName: 'vote',
      nodeName: 'n1',
      containers: [{ name: 'vote', image: 'vote:1' }],
    });
    const pod = trialPod(w, w.template, { plan: 'prod-plan', round: 2, suffix: 'ab12c' }) as {
      metadata: Record<string, unknown>;
      spec: Record<string, unknown>;
    };
    expect(pod.metadata).toEqual({
      name: 'podsec-trial-vote-ab12c',
      namespace: 'shop',
      labels: { [TRIAL_LABEL]: 'prod-plan' },
      annotations: { [TRIAL_LABEL]: 'trial of shop/Deployment/vote for plan prod-plan, round 2; podsec deletes it' },
    });
    expect(pod.spec).toMatchObject({ serviceAccountName: 'vote', restartPolicy: 'Always' });
    expect(pod.spec).not.toHaveProperty('nodeName');
  });
});

/** A recorded port: plays back one result per round from what the pod spec would do. */
function recordedPort(
  decide: (pod: Record<string, unknown>) => Omit<TrialRunResult, 'pod' | 'deleted'>,
): TrialPort & { pods: Record<string, unknown>[] } {
  const pods: Record<string, unknown>[] = [];
  return {
    pods,
    run: async (pod) => {
      pods.push(pod);
      return { pod: String((pod['metadata'] as Record<string, unknown>)['name']), deleted: true, ...decide(pod) };
    },
  };
}

const crashed = (log: string): Omit<TrialRunResult, 'pod' | 'deleted'> => ({
  observation: {
    ...base,
    containers: [
      {
        name: 'vote',
        init: false,
        ready: false,
        restartCount: 2,
        waiting: { reason: 'CrashLoopBackOff' },
        lastTerminated: { reason: 'Error', exitCode: 1 },
      },
    ],
  },
  classification: { verdict: 'fail', reason: 'CrashLoopBackOff', message: 'container "vote": CrashLoopBackOff' },
  logs: { vote: log },
});
const passed: Omit<TrialRunResult, 'pod' | 'deleted'> = {
  observation: {
    ...base,
    ready: true,
    readyForMs: 5000,
    containers: [{ name: 'vote', init: false, ready: true, restartCount: 0 }],
  },
  classification: { verdict: 'pass', reason: 'Ready', message: 'Ready after 2s with no restarts' },
  logs: { vote: '' },
};

describe('trialWorkload (the loop over a recorded port)', () => {
  const vote = deployment('vote', {
    containers: [{ name: 'vote', image: 'example.com/vote:1', securityContext: { readOnlyRootFilesystem: true } }],
  });
  const answers = answersSchema.parse({ uids: { 'shop/Deployment/vote': 10001 } });
  const loopOpts = (iterate: number) => ({
    plan: 'p',
    iterate,
    timeoutMs: 60_000,
    signal: new AbortController().signal,
    now: () => 0,
    suffix: (r: number) => `r${r}`,
    fingerprint: templateFingerprint,
    propose: (evidence: Parameters<typeof proposeFix>[1]['evidence']) =>
      proposeFix(vote, { target: 'restricted', version: 'latest', catalogue, answers, evidence }),
  });
  const mounts = (pod: Record<string, unknown>) => JSON.stringify(pod['spec']).match(/"mountPath":"[^"]+"/g) ?? [];
  const gunicornPort = () =>
    recordedPort((pod) => (mounts(pod).length > 0 ? passed : crashed(`[INFO] Starting gunicorn\n${GUNICORN}`)));

  it('fails round 1 on the read-only root, adds the emptyDirs from the log line, passes round 2', async () => {
    const port = gunicornPort();
    const { record } = await trialWorkload(vote, port, loopOpts(3));
    expect(record.result).toBe('pass');
    expect(record.rounds.map((r) => [r.round, r.result, r.reason])).toEqual([
      [1, 'fail', 'CrashLoopBackOff'],
      [2, 'pass', 'Ready'],
    ]);
    expect(record.rounds[0]!.lines).toEqual([GUNICORN]);
    expect(
      record.rounds[0]!.changes.filter((c) => /volumeMounts/.test(c.path)).map((c) => JSON.stringify(c.value)),
    ).toEqual([expect.stringContaining('/tmp'), expect.stringContaining('/var/tmp')]);
    expect(port.pods.map(mounts)).toEqual([[], ['"mountPath":"/tmp"', '"mountPath":"/var/tmp"']]);
  });

  it('without --iterate tries once and reports the failure', async () => {
    const { record } = await trialWorkload(vote, gunicornPort(), loopOpts(1));
    expect(record).toMatchObject({ result: 'fail', rounds: [{ round: 1, result: 'fail', changes: [] }] });
  });

  it("stops when the evidence changes nothing (a root-only image: the kubelet's reason is the result)", async () => {
    const port = recordedPort(() => ({
      observation: {
        ...base,
        phase: 'Pending',
        containers: [
          {
            name: 'vote',
            init: false,
            ready: false,
            restartCount: 0,
            waiting: { reason: 'CreateContainerConfigError', message: ROOT_MSG },
          },
        ],
      },
      classification: {
        verdict: 'fail',
        reason: 'CreateContainerConfigError',
        message: `container "vote": ${ROOT_MSG}`,
      },
      logs: { vote: '' },
    }));
    const { record } = await trialWorkload(vote, port, loopOpts(3));
    expect(port.pods).toHaveLength(1);
    expect(record.result).toBe('fail');
    expect(record.reason).toMatch(/CreateContainerConfigError: .*image will run as root/);
    expect(record.rounds[0]!.lines).toEqual([ROOT_MSG]);
  });

  it('refuses a StatefulSet unless overridden with a reason', async () => {
    const [sts] = workloadsFromText(
      'apiVersion: apps/v1\nkind: StatefulSet\nmetadata: {name: db, namespace: shop}\nspec: {selector: {matchLabels: {a: b}}, serviceName: db, template: {metadata: {labels: {a: b}}, spec: {containers: [{name: vote, image: pg}]}}}\n',
    );
    const port = recordedPort(() => passed);
    const o = {
      ...loopOpts(1),
      propose: () => proposeFix(sts!, { target: 'restricted', version: 'latest', catalogue, answers }),
    };
    expect((await trialWorkload(sts!, port, o)).record).toMatchObject({
      result: 'refused',
      reason: expect.stringMatching(/StatefulSet.*--allow shop\/StatefulSet\/db=REASON/),
    });
    expect(port.pods).toHaveLength(0);
    const over = await trialWorkload(sts!, port, { ...o, override: 'staging replica, no clients' });
    expect(over.record).toMatchObject({
      result: 'pass',
      override: expect.stringContaining('staging replica, no clients'),
    });
  });
});
