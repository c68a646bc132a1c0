// A full walk of the demo session in the TUI with the real ports (demo estate, fix engine,
// planner, plan writer): first screen to written plan, which equals the committed plans/demo.
import { mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { render, cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import type { CommandContext } from '../../src/cli/context.js';
import { demoSource, offlinePorts } from '../../src/cli/wizard-ports.js';
import { parseAnswersText } from '../../src/files/answers-file.js';
import { App } from '../../src/ui/app.js';
import { initialState, type WizardState } from '../../src/wizard/state.js';
import { KEYS, press, tick, waitFor } from './helpers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TEMPLATES = join(ROOT, 'templates');

afterEach(() => cleanup());

function context(cwd: string): CommandContext {
  return {
    io: {
      out: () => {},
      err: () => {},
      stdoutIsTTY: true,
      stdinIsTTY: true,
      stderrIsTTY: true,
      color: false,
      columns: 100,
    },
    env: {},
    cwd,
    templatesDir: TEMPLATES,
    now: () => new Date('2026-01-01T00:00:00.000Z'),
    version: 'test',
    globals: { nonInteractive: false, line: false, color: false },
    signal: new AbortController().signal,
  };
}

describe('the demo session in the TUI', () => {
  it('walks from the scan to a written plan equal to plans/demo', async () => {
    // Given the demo estate and its bundled answers
    const cwd = mkdtempSync(join(tmpdir(), 'podsec-walk-'));
    const answers = parseAnswersText(readFileSync(join(TEMPLATES, 'demo/answers.yaml'), 'utf8'), 'answers.yaml');
    const ports = offlinePorts(context(cwd), demoSource(context(cwd)), { answers, force: false });
    let end: { state: WizardState } | { crash: unknown } | null = null;
    const inst = render(
      <App
        start={initialState({ live: false, context: 'demo', outDir: 'plans/demo' })}
        ports={ports}
        title="podsec demo"
        color={false}
        onEnd={(e) => (end = e)}
      />,
    );
    // When the scan ends, the overview shows every namespace
    const overview = await waitFor(inst, (f) => f.includes('NAMESPACE'), 30_000);
    for (const ns of ['batch', 'legacy', 'monitoring', 'payments', 'shop', 'web']) expect(overview).toContain(ns);
    expect(overview).toMatch(/monitoring +none +privileged +exempt/);
    await tick();
    // And the operator opens shop, looks at vote (the gunicorn /tmp story), accepts everything
    for (let i = 0; i < 4; i++) await press(inst, KEYS.down);
    const shop = await press(inst, KEYS.enter, (f) => f.includes('Namespace shop'));
    expect(shop).toMatch(/Deployment vote/);
    for (let i = 0; i < 2; i++) await press(inst, 'j');
    await waitFor(inst, (f) => /> \+ fix proposed +Deployment vote/.test(f));
    await press(inst, 'A', (f) => /Deployment vote +accepted/.test(f));
    await press(inst, KEYS.esc, (f) => f.includes('NAMESPACE'));
    // And goes to the plan and writes it
    const plan = await press(inst, 'p', (f) => f.includes('4-enforce-restricted'));
    expect(plan).toContain('Output directory: plans/demo');
    expect(plan).toMatch(/2-fix +.*shop \(5\)/);
    await press(inst, KEYS.enter, (f) => f.includes('plan written to'));
    inst.stdin.write('q');
    await waitFor(inst, () => end !== null);
    // Then the plan on disk is the committed example
    expect(end).toMatchObject({ state: { step: 'done', exitCode: 0 } });
    const golden = readFileSync(join(ROOT, 'plans/demo/plan.json'), 'utf8');
    expect(readFileSync(join(cwd, 'plans/demo/plan.json'), 'utf8')).toBe(golden);
    expect(readFileSync(join(cwd, 'plans/demo/2-fix/shop/deployment-vote.yaml'), 'utf8')).toBe(
      readFileSync(join(ROOT, 'plans/demo/2-fix/shop/deployment-vote.yaml'), 'utf8'),
    );
  }, 60_000);
});
