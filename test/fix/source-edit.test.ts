// Edited copies of manifest files: the workload's document carries the patch, comments survive,
// every other document is byte-identical.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';
import { describe, expect, it } from 'vitest';
import { patchedObject } from '../../src/fix/patches.js';
import { proposeFix } from '../../src/fix/propose.js';
import { editSourceText } from '../../src/fix/source-edit.js';
import { loadCatalogue, REALWORLD, workloadsFromText } from './helpers.js';

const catalogue = loadCatalogue();

function docSlices(text: string): string[] {
  const docs = parseAllDocuments(text);
  return docs.map((d, i) => text.slice(i === 0 ? 0 : docs[i - 1]!.range[2], d.range[2]));
}

describe('editSourceText', () => {
  const files = readdirSync(REALWORLD).filter((f) => f.endsWith('.yaml'));

  it.each(files)('applies every proposal of %s and leaves other documents byte-identical', (file) => {
    const text = readFileSync(join(REALWORLD, file), 'utf8');
    for (const w of workloadsFromText(text, file)) {
      const p = proposeFix(w, { target: 'restricted', version: 'latest', catalogue, harden: true });
      const src = w.source as { document: number; item?: number };
      const edited = editSourceText(text, src.document, src.item, p);
      if (p.jsonPatch.length === 0) {
        expect(edited).toBe(text);
        continue;
      }
      const before = docSlices(text);
      const after = docSlices(edited);
      expect(after.length).toBe(before.length);
      before.forEach((slice, i) => {
        if (i !== src.document) expect(after[i]).toBe(slice);
      });
      expect(parseAllDocuments(edited)[src.document]!.toJS()).toEqual(patchedObject(w, p.patchedTemplate));
      // Every comment survives, except one written above a key the fix removed.
      const lines = before[src.document]!.split('\n');
      lines.forEach((line, i) => {
        const comment = /#.*$/.exec(line)?.[0];
        if (comment === undefined || after[src.document]!.includes(comment.trim())) return;
        const next = lines.slice(i + 1).find((l) => !/^\s*#/.test(l)) ?? '';
        expect(after[src.document], `comment ${comment}`).not.toContain(next.trim());
      });
    }
  });

  it('keeps comments and key order in the edited document', () => {
    const text = [
      '# the web tier',
      'apiVersion: apps/v1',
      'kind: Deployment',
      'metadata:',
      '  name: web # keep me',
      '  namespace: shop',
      'spec:',
      '  template:',
      '    spec:',
      '      containers:',
      '      - name: web',
      '        image: gcr.io/distroless/static:nonroot # pinned later',
      '        ports:',
      '        - containerPort: 8080',
      '---',
      '# untouched: odd   spacing stays',
      'kind: ConfigMap',
      'metadata: {name: x}',
      '',
    ].join('\n');
    const [w] = workloadsFromText(text);
    const p = proposeFix(w!, { target: 'restricted', version: 'latest', catalogue });
    expect(p.status).toBe('fixed');
    const edited = editSourceText(text, 0, undefined, p);
    expect(edited).toContain('# the web tier\napiVersion: apps/v1\nkind: Deployment\nmetadata:\n  name: web # keep me');
    expect(edited).toContain(
      '      - name: web\n        image: gcr.io/distroless/static:nonroot # pinned later\n        ports:\n        - containerPort: 8080\n',
    );
    expect(edited.endsWith('---\n# untouched: odd   spacing stays\nkind: ConfigMap\nmetadata: {name: x}\n')).toBe(true);
    expect(edited).toMatch(/securityContext:\n {10}allowPrivilegeEscalation: false/);
  });
});
