// The explain data must agree with the engine it documents (levels, first versions, allowed
// lists) and every fix snippet must be valid YAML.
import { parse } from 'yaml';
import { describe, expect, it } from 'vitest';
import { ALL_CHECKS } from '../../src/policy/checks/index.js';
import { EXPLANATIONS, findExplanation } from '../../src/policy/explain.js';
import { ALLOWED_VOLUME_SOURCES, CHECK_IDS, NEWEST_MINOR, allowedSysctls } from '../../src/policy/index.js';

describe('explain data', () => {
  it('covers every check once, in upstream order', () => {
    expect(EXPLANATIONS.map((e) => e.id)).toEqual([...CHECK_IDS]);
  });

  for (const check of ALL_CHECKS) {
    it(`${check.id}: level, first version and a YAML fix`, () => {
      const e = findExplanation(check.id)!;
      expect(e.level).toBe(check.level);
      const first = Math.min(...check.versions.map((v) => v.minimumVersion));
      expect(e.versions.startsWith(`v1.${first}`)).toBe(true);
      const snippet: unknown = parse(e.yaml);
      expect(snippet !== null && typeof snippet === 'object').toBe(true);
      expect(e.fields.length).toBeGreaterThan(0);
    });
  }

  it('names every sysctl the newest version allows', () => {
    const text = findExplanation('sysctls')!.allowed;
    for (const name of allowedSysctls(NEWEST_MINOR)) expect(text).toContain(name);
  });

  it('names exactly the allowed volume sources', () => {
    expect(findExplanation('restrictedVolumes')!.allowed.split(', ')).toEqual([...ALLOWED_VOLUME_SOURCES]);
  });

  it('finds checks by any case and by fixture stem', () => {
    expect(findExplanation('SECCOMPPROFILE_RESTRICTED')?.id).toBe('seccompProfile_restricted');
    expect(findExplanation('procmount')?.id).toBe('procMount');
    expect(findExplanation('procmount_restricted3')?.id).toBe('procMount_restricted');
    expect(findExplanation('restrictedvolumes19')?.id).toBe('restrictedVolumes');
    expect(findExplanation('seccomp')).toBeUndefined();
  });
});
