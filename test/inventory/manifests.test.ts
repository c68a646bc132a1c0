// parseManifests / FileInventoryBuilder: documents, Lists, JSON, Namespace labels, lines, errors.
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FileInventoryBuilder, parseManifests } from '../../src/inventory/manifests.js';

const fixture = (name: string) => readFileSync(new URL(`../fixtures/manifests/${name}`, import.meta.url), 'utf8');

describe('parseManifests', () => {
  it('reads multi-document YAML with document index, start line, namespace default and managers', () => {
    const p = parseManifests('shop.yaml', fixture('shop.yaml'));
    expect(p.errors).toEqual([]);
    expect(p.workloads.map((w) => [w.kind, w.namespace, w.name, w.source])).toEqual([
      ['Deployment', 'shop', 'vote', { file: 'shop.yaml', document: 1, line: 11 }],
      ['Pod', 'default', 'debug', { file: 'shop.yaml', document: 3, line: 38 }],
    ]);
    const vote = p.workloads[0];
    expect(vote?.templatePath).toEqual(['spec', 'template']);
    expect(vote?.replicas).toBe(2);
    expect(vote?.managedBy).toEqual([{ tool: 'helm', name: 'voting' }]);
    expect(p.namespaces.get('shop')).toMatchObject({ 'pod-security.kubernetes.io/enforce-version': 'v1.22' });
    // Namespace and Service are not workloads.
    expect(p.skipped).toBe(2);
  });

  it('reads JSON Lists: items get their index and their own line', () => {
    const p = parseManifests('list.json', fixture('list.json'));
    expect(p.errors).toEqual([]);
    expect(p.workloads).toHaveLength(1);
    expect(p.workloads[0]?.source).toEqual({ file: 'list.json', document: 0, item: 1, line: 10 });
    expect(p.skipped).toBe(1);
  });

  it('names each bad document and still reads the others', () => {
    const p = parseManifests('broken.yaml', fixture('broken.yaml'));
    expect(p.workloads.map((w) => w.name)).toEqual(['first', 'last']);
    expect(p.errors).toHaveLength(3);
    const [yamlErr, notObject, shape] = p.errors;
    expect(yamlErr).toMatchObject({ file: 'broken.yaml', document: 1 });
    expect(yamlErr?.message).toMatch(/^invalid YAML: /);
    expect(yamlErr?.line).toBeGreaterThanOrEqual(7);
    expect(yamlErr?.line).toBeLessThanOrEqual(12);
    expect(notObject).toEqual({
      file: 'broken.yaml',
      document: 2,
      line: 13,
      message: 'expected a Kubernetes object (a mapping), got string',
    });
    expect(shape).toMatchObject({ file: 'broken.yaml', document: 3, line: 15 });
    expect(shape?.message).toContain('spec.template.spec.containers: expected a list, got string');
  });

  it('treats flow-style YAML, removed API versions, empty documents and comments as input', () => {
    const text =
      '---\n# nothing\n---\n{apiVersion: extensions/v1beta1, kind: DaemonSet, metadata: {name: old}, spec: {template: {spec: {containers: [{name: c, image: i}]}}}}\n---\n';
    const p = parseManifests('old.yaml', text);
    expect(p.errors).toEqual([]);
    expect(p.workloads.map((w) => [w.apiVersion, w.kind, w.name, w.namespace, w.source])).toEqual([
      ['extensions/v1beta1', 'DaemonSet', 'old', 'default', { file: 'old.yaml', document: 1, line: 4 }],
    ]);
  });

  it('reports a workload kind without a pod template and an unnamed workload', () => {
    const p = parseManifests(
      'x.yaml',
      'kind: Deployment\nmetadata: {name: d}\nspec: {}\n---\nkind: Pod\nspec: {containers: []}\n',
    );
    expect(p.workloads).toEqual([]);
    expect(p.errors.map((e) => [e.document, e.line, e.message])).toEqual([
      [0, 1, 'Deployment d: no pod template (expected spec.template.spec to be a mapping)'],
      [1, 5, 'Pod: metadata.name is missing'],
    ]);
  });

  it('empty input is no workloads and no errors', () => {
    expect(parseManifests('e.yaml', '')).toMatchObject({ workloads: [], errors: [], skipped: 0 });
  });
});

describe('FileInventoryBuilder', () => {
  it('merges files; namespaces sorted, labels from Namespace objects, system flag', () => {
    const b = new FileInventoryBuilder();
    b.addText('shop.yaml', fixture('shop.yaml'));
    b.addText(
      'ks.yaml',
      'kind: Pod\nmetadata: {name: p, namespace: kube-system}\nspec: {containers: [{name: c, image: i}]}\n',
    );
    b.addError({ file: 'gone.yaml', message: 'cannot read gone.yaml: no such file or directory' });
    const inv = b.build();
    expect(inv.origin).toBe('files');
    expect(inv.namespaces.map((n) => [n.name, n.system])).toEqual([
      ['default', false],
      ['kube-system', true],
      ['shop', false],
    ]);
    expect(inv.namespaces[2]?.psa.enforce).toEqual({ level: 'baseline', version: 'v1.22' });
    expect(inv.workloads).toHaveLength(3);
    expect(inv.errors).toHaveLength(1);
  });
});
