// The effect protocol's declarations agree with each other and with the TUI keymap: a step takes
// all of an effect's results or none (so a running request is either awaited or stale), and every
// key of a step sends an event that step takes.
import { describe, expect, it } from 'vitest';
import { KEYMAP } from '../../src/ui/keymap.js';
import { accepts, EFFECT_RESULTS, STEP_ACCEPTS } from '../../src/wizard/protocol.js';
import type { StepName } from '../../src/wizard/state.js';

const STEPS = Object.keys(STEP_ACCEPTS) as StepName[];

describe('protocol', () => {
  it('a step takes all results of an effect or none', () => {
    const partial: string[] = [];
    for (const step of STEPS) {
      for (const [effect, results] of Object.entries(EFFECT_RESULTS)) {
        const taken = results.filter((r) => accepts(step, r));
        if (taken.length > 0 && taken.length < results.length)
          partial.push(`${step} takes only ${taken.join(', ')} of ${effect}`);
      }
    }
    expect(partial).toEqual([]);
  });

  it('every key sends an event its steps take; every step takes cancel but done', () => {
    const wrong: string[] = [];
    for (const b of KEYMAP) {
      if (typeof b.event === 'string') continue;
      // Views inside a step (the full fix view, the accept-all question) send to that step.
      const steps =
        b.steps === 'all'
          ? STEPS.filter((s) => s !== 'done')
          : b.steps.filter((m) => m !== 'typing').map((m) => (m === 'detail' || m === 'confirmAll' ? 'namespace' : m));
      for (const s of steps) if (!accepts(s, b.event.type)) wrong.push(`${b.keys} at ${s}: ${b.event.type}`);
    }
    expect(wrong).toEqual([]);
    for (const s of STEPS) expect(accepts(s, 'cancel')).toBe(s !== 'done');
  });
});
