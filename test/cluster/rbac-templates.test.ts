// The shipped ClusterRoles are least privilege: the reader reads exactly what a scan lists, no
// Secrets/ConfigMaps, no write verbs; the applier patches but never creates or deletes.
import * as fs from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { WORKLOAD_KINDS, NAMESPACES } from '../../src/cluster/list.js';

type Rule = { apiGroups: string[]; resources: string[]; verbs: string[] };
const rules = (file: string): Rule[] =>
  (parse(fs.readFileSync(`templates/rbac/${file}`, 'utf8')) as { rules: Rule[] }).rules;
const grants = (rs: Rule[]) =>
  rs.flatMap((r) => r.apiGroups.flatMap((g) => r.resources.map((res) => (g ? `${res}.${g}` : res))));

describe('templates/rbac', () => {
  it('podsec-reader grants get/list on exactly the resources the reader lists', () => {
    const r = rules('podsec-reader.yaml');
    expect(new Set(r.flatMap((x) => x.verbs))).toEqual(new Set(['get', 'list']));
    expect(grants(r).sort()).toEqual([NAMESPACES, ...WORKLOAD_KINDS].map((k) => k.resource).sort());
  });

  it('no role grants secrets, configmaps, wildcards, create or delete', () => {
    for (const f of ['podsec-reader.yaml', 'podsec-applier.yaml', 'podsec-evidence.yaml']) {
      const r = rules(f);
      const all = grants(r).join(' ');
      expect(all).not.toMatch(/secrets|configmaps|\*/);
      expect(r.flatMap((x) => x.verbs)).not.toContain('create');
      expect(r.flatMap((x) => x.verbs)).not.toContain('delete');
      expect(r.flatMap((x) => x.verbs)).not.toContain('*');
    }
    expect(grants(rules('podsec-evidence.yaml'))).toEqual(['pods/log']);
  });

  it('podsec-applier patches namespaces and workloads, and may only list events besides', () => {
    const r = rules('podsec-applier.yaml');
    for (const rule of r) {
      const verbs = [...rule.verbs].sort();
      if (rule.resources.includes('events')) expect([rule.resources, verbs]).toEqual([['events'], ['list']]);
      else expect(verbs).toEqual(['get', 'patch']);
    }
    expect(grants(r)).toContain('namespaces');
    expect(grants(r)).toContain('deployments.apps');
  });
});

describe('templates/rbac/podsec-trial.yaml', () => {
  it('grants pod create/delete/get/list, pods/log get, events list and PVC get: nothing that changes a workload', () => {
    const r = rules('podsec-trial.yaml');
    expect(r.map((x) => [grants([x]).join(','), [...x.verbs].sort().join(',')])).toEqual([
      ['pods', 'create,delete,get,list'],
      ['pods/log', 'get'],
      ['events', 'list'],
      ['persistentvolumeclaims', 'get'],
    ]);
    expect(grants(r).join(' ')).not.toMatch(/secrets|configmaps|deployments|\*/);
  });
});
