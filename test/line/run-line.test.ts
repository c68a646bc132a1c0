// Line mode: the same wizard driven by @inquirer/prompts, tested with @inquirer/testing's screen
// (imported first so the prompts use its I/O), over the fake-port container.
import { screen } from '@inquirer/testing/vitest';
import { describe, expect, it } from 'vitest';
import { driveSession, SessionRunner } from '../../src/wizard/runner.js';
import { lineDecider } from '../../src/line/run-line.js';
import { initialState, type WizardState } from '../../src/wizard/state.js';
import { fakePorts, type Recorded } from '../ui/fake-ports.js';

function start(rec: Recorded, printed: string[]): Promise<WizardState> {
  return driveSession(
    new SessionRunner(initialState({ live: true, context: null, outDir: 'plans/line' }), fakePorts(rec)),
    lineDecider((t) => printed.push(t)),
    new AbortController().signal,
  );
}

async function waitScreen(text: string): Promise<string> {
  for (let i = 0; i < 50 && !screen.getScreen().includes(text); i++) await screen.next();
  const s = screen.getScreen();
  expect(s).toContain(text);
  return s;
}

describe('line mode', () => {
  it('walks cluster -> namespace decision with a UID -> plan written', async () => {
    const rec: Recorded = { written: [], evidence: [] };
    const printed: string[] = [];
    const done = start(rec, printed);
    // Given the context prompt with the current context preselected
    expect(await waitScreen('Kubeconfig context')).toContain('prod');
    screen.keypress('enter');
    // When the operator opens namespace app
    await waitScreen('Review a namespace, or write the plan');
    expect(printed.join('')).toMatch(/app \*?\s+none\s+privileged/);
    screen.keypress('enter');
    // And picks the web Deployment and sets its UID
    await waitScreen('Namespace app');
    expect(printed.join('')).toContain(
      'fails Privilege escalation: container "web" must set securityContext.allowPrivilegeEscalation=false',
    );
    screen.keypress('down');
    screen.keypress('enter');
    await waitScreen('accept the fix');
    screen.keypress('down');
    screen.keypress('down');
    screen.keypress('enter');
    await waitScreen('UID for app/Deployment/web');
    screen.type('10001');
    screen.keypress('enter');
    // Then back to the overview and write the plan
    await waitScreen('Namespace app');
    for (let i = 0; i < 4; i++) screen.keypress('down');
    screen.keypress('enter');
    await waitScreen('Review a namespace');
    for (let i = 0; i < 3; i++) screen.keypress('down');
    screen.keypress('enter');
    await waitScreen('Write the plan to plans/line?');
    screen.keypress('enter');
    const end = await done;
    expect(end).toMatchObject({ step: 'done', exitCode: 0 });
    expect(rec.written).toHaveLength(1);
    expect(rec.written[0]?.answers.uids).toEqual({ 'app/Deployment/web': 10001 });
    expect(printed.join('')).toContain('Wrote the plan to plans/line/');
  });

  it('Ctrl-C in a prompt cancels the session (exit 130)', async () => {
    const done = start({ written: [], evidence: [] }, []);
    await waitScreen('Kubeconfig context');
    screen.keypress({ name: 'c', ctrl: true });
    expect(await done).toMatchObject({ step: 'done', exitCode: 130 });
  });
});
