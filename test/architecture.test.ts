// The pure core (policy, inventory, fix, report, trial, plan, apply, sources, wizard) must not import
// I/O, UI or the runtime Kubernetes client, nor read process state (shared docs/style.md 5.2). Every
// form of module reference counts: static imports, re-exports (`export ... from`), dynamic
// `import()` and type-position `import('...')`. The core is layered: a folder imports only from its
// own layer or below, with policy at the bottom.
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

/** Core folders by layer: each may import from folders of a lower or equal layer only. */
const LAYER: Record<string, number> = {
  policy: 0,
  inventory: 1,
  fix: 2,
  report: 2,
  trial: 3,
  plan: 3,
  apply: 4,
  sources: 4,
  wizard: 5,
};
const PURE = Object.keys(LAYER);
const FORBIDDEN_MODULES = [/^ink/, /^react/, /^@inquirer\//, /^node:/, /^(fs|child_process|os|path|http|https|net)$/];
const FORBIDDEN_CALLS = [/\bprocess\./, /\bDate\.now\(/, /\bnew Date\(\)/, /\bMath\.random\(/, /\bconsole\./];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : /\.tsx?$/.test(name) ? [p] : [];
  });
}

/** Every module a file refers to: imports, re-exports, dynamic and type-position import(). */
export function moduleRefs(text: string): { mod: string; typeOnly: boolean }[] {
  const out: { mod: string; typeOnly: boolean }[] = [];
  for (const m of text.matchAll(/^\s*(?:import|export)\s+(type\s+)?[^'";]*?from\s+['"]([^'"]+)['"]/gm))
    out.push({ mod: m[2]!, typeOnly: m[1] !== undefined });
  for (const m of text.matchAll(/^\s*import\s+['"]([^'"]+)['"]/gm)) out.push({ mod: m[1]!, typeOnly: false });
  // import('x') in code is a runtime import; in a type position (`: import('x').T`) it is type-only.
  for (const m of text.matchAll(/(:\s*|<\s*|\|\s*)?\bimport\(\s*['"]([^'"]+)['"]\s*\)/g))
    out.push({ mod: m[2]!, typeOnly: m[1] !== undefined });
  return out;
}

/** The core folder a relative import from `file` lands in, if any. */
function targetFolder(file: string, mod: string): string | undefined {
  if (!mod.startsWith('.')) return undefined;
  const parts = join(file, '..', mod).split(/[\\/]/);
  const i = parts.indexOf('src');
  return i >= 0 && parts.length > i + 2 ? parts[i + 1] : undefined;
}

describe('module references', () => {
  it('sees re-exports, dynamic imports and type-position imports', () => {
    const refs = moduleRefs(
      "export { a } from './a.js';\nexport * from '../b.js';\nconst m = await import('node:fs');\nlet t: import('../c.js').T;\nimport './side.js';\n",
    );
    expect(refs).toEqual([
      { mod: './a.js', typeOnly: false },
      { mod: '../b.js', typeOnly: false },
      { mod: './side.js', typeOnly: false },
      { mod: 'node:fs', typeOnly: false },
      { mod: '../c.js', typeOnly: true },
    ]);
  });
});

describe('layers', () => {
  for (const folder of PURE) {
    it(`src/${folder} imports only from its own layer or below`, () => {
      const problems: string[] = [];
      for (const file of files(join('src', folder))) {
        for (const { mod } of moduleRefs(readFileSync(file, 'utf8'))) {
          const to = targetFolder(file, mod);
          if (to === undefined || to === folder || !(to in LAYER)) continue;
          if (LAYER[to]! > LAYER[folder]!)
            problems.push(`${file}: ${folder} (layer ${LAYER[folder]}) imports ${to} (layer ${LAYER[to]}): ${mod}`);
        }
      }
      expect(problems).toEqual([]);
    });
  }
});

describe('architecture', () => {
  for (const folder of PURE) {
    it(`src/${folder} imports no I/O, UI or runtime client and reads no process state`, () => {
      const problems: string[] = [];
      for (const file of files(join('src', folder))) {
        const text = readFileSync(file, 'utf8');
        for (const { mod, typeOnly } of moduleRefs(text)) {
          if (mod === '@kubernetes/client-node' && !typeOnly) problems.push(`${file}: runtime import of ${mod}`);
          if (FORBIDDEN_MODULES.some((re) => re.test(mod))) problems.push(`${file}: imports ${mod}`);
          if (mod.startsWith('.') && /\/(cluster|files|ui|line|cli)\//.test(join(file, '..', mod))) {
            problems.push(`${file}: imports shell module ${mod}`);
          }
        }
        const code = text
          .replace(/\/\*[\s\S]*?\*\//g, '')
          .replace(/\/\/.*$/gm, '')
          .replace(/^\s*(import|export)\s[^;]*?from\s+['"][^'"]+['"];?/gm, '');
        for (const re of FORBIDDEN_CALLS) if (re.test(code)) problems.push(`${file}: uses ${re.source}`);
      }
      expect(problems).toEqual([]);
    });
  }
});
