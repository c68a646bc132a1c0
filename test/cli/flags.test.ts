// Flags are typed once, where they enter (src/cli/flags.ts): repeatable flags become lists,
// switches booleans, and a value of the wrong type is a usage error that names the flag.
import { describe, expect, it } from 'vitest';
import { parseFlags } from '../../src/cli/flags.js';
import { UsageError } from '../../src/errors.js';

describe('parseFlags', () => {
  it('normalises what commander gives: lists, switches with defaults, choices', () => {
    const f = parseFlags({ file: ['a.yaml', 'b/'], namespace: 'shop', yes: true, output: 'json', color: false });
    expect(f.file).toEqual(['a.yaml', 'b/']);
    expect(f.namespace).toEqual(['shop']);
    expect(f.values).toEqual([]);
    expect([f.yes, f.dryRun, f.force, f.color]).toEqual([true, false, false, false]);
    expect(f.output).toBe('json');
    expect(f.kubeconfig).toBeUndefined();
  });
  it('refuses a wrongly typed value, naming the flag', () => {
    expect(() => parseFlags({ dryRun: 'yes' })).toThrow(UsageError);
    expect(() => parseFlags({ dryRun: 'yes' })).toThrow(/^--dry-run: /);
    expect(() => parseFlags({ output: 'xml' })).toThrow(/^--output: /);
  });
});
