import { describe, expect, it } from 'vitest';
import { extractPodTemplate, validatePodSpecShape } from '../../src/policy/index.js';

const spec = { containers: [{ name: 'c', image: 'x' }] };

describe('extractPodTemplate', () => {
  it.each([
    ['Deployment', 'apps/v1'],
    ['Deployment', 'extensions/v1beta1'],
    ['ReplicaSet', 'apps/v1'],
    ['StatefulSet', 'apps/v1beta2'],
    ['DaemonSet', 'apps/v1'],
    ['ReplicationController', 'v1'],
    ['Job', 'batch/v1'],
    ['Rollout', 'argoproj.io/v1alpha1'],
  ])('finds spec.template in a %s (%s), metadata included', (kind, apiVersion) => {
    const t = { metadata: { labels: { a: 'b' }, annotations: { x: 'y' } }, spec };
    const got = extractPodTemplate({ kind, apiVersion, metadata: { name: 'w' }, spec: { template: t } });
    expect(got).toEqual({ templatePath: ['spec', 'template'], template: t });
  });

  it('finds a CronJob template (batch/v1beta1 too)', () => {
    const got = extractPodTemplate({
      kind: 'CronJob',
      apiVersion: 'batch/v1beta1',
      spec: { jobTemplate: { spec: { template: { spec } } } },
    });
    expect(got?.templatePath).toEqual(['spec', 'jobTemplate', 'spec', 'template']);
  });

  it('uses the pod itself for a Pod and template for a PodTemplate', () => {
    expect(extractPodTemplate({ kind: 'Pod', metadata: { name: 'p', annotations: { a: 'b' } }, spec })).toEqual({
      templatePath: [],
      template: { metadata: { name: 'p', annotations: { a: 'b' } }, spec },
    });
    expect(extractPodTemplate({ kind: 'PodTemplate', template: { spec } })?.templatePath).toEqual(['template']);
  });

  it('ignores non-workloads and unknown kinds without containers', () => {
    expect(extractPodTemplate({ kind: 'Service', spec: { ports: [] } })).toBeNull();
    expect(extractPodTemplate({ kind: 'Widget', spec: { template: { spec: { foo: 1 } } } })).toBeNull();
    expect(extractPodTemplate('x')).toBeNull();
  });
});

describe('validatePodSpecShape', () => {
  it('accepts a well-formed spec', () => {
    expect(validatePodSpecShape({ ...spec, securityContext: { runAsUser: 1000 } })).toEqual([]);
  });

  it('names fields of the wrong type', () => {
    expect(validatePodSpecShape({ containers: 'x' })).toEqual(['spec.containers: expected a list, got string']);
    expect(
      validatePodSpecShape({ containers: [{ name: 'c', securityContext: { privileged: 'yes', runAsUser: 1.5 } }] }),
    ).toEqual([
      'spec.containers[0].securityContext.runAsUser: expected an integer, got number',
      'spec.containers[0].securityContext.privileged: expected a boolean, got string',
    ]);
    expect(validatePodSpecShape({})).toEqual(['spec.containers: required']);
  });

  it('names wrongly typed fields that would otherwise hide a violation', () => {
    const got = validatePodSpecShape(
      {
        containers: [
          {
            name: 'c',
            securityContext: { capabilities: { add: ['NET_RAW', 7] }, seccompProfile: 'Unconfined' },
            livenessProbe: { httpGet: { host: 10, port: 80 } },
          },
        ],
        volumes: [
          { name: 'data', hostPath: '/data' },
          { name: 'ok', emptyDir: null },
        ],
        securityContext: { sysctls: ['kernel.msgmax', { name: 'net.ipv4.tcp_syncookies', value: 1 }] },
        os: { name: 1 },
      },
      'spec.template.spec',
    );
    expect(got).toEqual([
      'spec.template.spec.containers[0].securityContext.seccompProfile: expected a mapping, got string',
      'spec.template.spec.containers[0].securityContext.capabilities.add[1]: expected a string, got integer',
      'spec.template.spec.containers[0].livenessProbe.httpGet.host: expected a string, got integer',
      'spec.template.spec.volumes[0].hostPath: expected a mapping, got string',
      'spec.template.spec.securityContext.sysctls[0]: expected a mapping, got string',
      'spec.template.spec.securityContext.sysctls[1].value: expected a string, got integer',
      'spec.template.spec.os.name: expected a string, got integer',
    ]);
  });

  it('reports a spec that is not a mapping', () => {
    expect(validatePodSpecShape(['x'])).toEqual(['spec: expected a mapping, got list']);
  });
});
