// The pure core (policy, fix, plan, wizard, report, inventory, apply) must not import I/O, UI or the
// runtime Kubernetes client, nor read process state (shared docs/style.md 5.2).
import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';

const PURE = ['policy', 'fix', 'plan', 'wizard', 'report', 'inventory', 'apply', 'sources'];
const FORBIDDEN_MODULES = [/^ink/, /^react/, /^@inquirer\//, /^node:/, /^(fs|child_process|os|path|http|https|net)$/];
const FORBIDDEN_CALLS = [/\bprocess\./, /\bDate\.now\(/, /\bnew Date\(\)/, /\bMath\.random\(/, /\bconsole\./];

function files(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const p = join(dir, name);
    return statSync(p).isDirectory() ? files(p) : /\.tsx?$/.test(name) ? [p] : [];
  });
}

describe('architecture', () => {
  for (const folder of PURE) {
    it(`src/${folder} imports no I/O, UI or runtime client and reads no process state`, () => {
      const problems: string[] = [];
      for (const file of files(join('src', folder))) {
        const text = readFileSync(file, 'utf8');
        for (const m of text.matchAll(/^\s*import\s+(type\s+)?[^'"]*?from\s+['"]([^'"]+)['"]/gm)) {
          const typeOnly = m[1] !== undefined;
          const mod = m[2]!;
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
