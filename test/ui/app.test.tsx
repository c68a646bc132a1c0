// The TUI with ink-testing-library: keys in, frames out (ANSI stripped), over a fake-port container.
import { render, cleanup } from 'ink-testing-library';
import { afterEach, describe, expect, it } from 'vitest';
import { App } from '../../src/ui/app.js';
import { initialState, type WizardState } from '../../src/wizard/state.js';
import { fakePorts, type Recorded } from './fake-ports.js';
import { KEYS, frameOf, press, tick, waitFor } from './helpers.js';

afterEach(() => cleanup());

function mount(opts: { live?: boolean; color?: boolean; rec?: Recorded } = {}) {
  let end: { state: WizardState } | { crash: unknown } | null = null;
  const inst = render(
    <App
      start={initialState({
        live: opts.live ?? false,
        context: opts.live === true ? null : 'fixture',
        outDir: 'plans/t',
      })}
      ports={fakePorts(opts.rec)}
      title="podsec test"
      color={opts.color ?? false}
      onEnd={(e) => (end = e)}
    />,
  );
  return { inst, end: () => end };
}

describe('App', () => {
  it('picks a context with the current one preselected, then shows scan results', async () => {
    // Given a kubeconfig with two contexts, prod current
    const { inst } = mount({ live: true });
    const f = await waitFor(inst, (x) => x.includes('prod'));
    expect(f).toMatch(/> prod +https:\/\/prod:6443 +\(current\)/);
    await tick();
    // When the operator moves up and selects dev
    await press(inst, KEYS.up, (x) => x.includes('> dev'));
    await press(inst, KEYS.enter, (x) => x.includes('NAMESPACE'));
    // Then the overview lists the namespaces with system ones marked
    const o = frameOf(inst);
    expect(o).toMatch(/> app +none +privileged +privileged +1 +! hostNamespaces, privileged/);
    expect(o).toMatch(/kube-system \*/);
    expect(o).toContain('* system namespace');
    expect(o).toContain('✓ Cluster › ✓ Scan › [Overview]');
  });

  it('draws the first frame in ASCII only (same meaning), then the glyphs', async () => {
    // Given the demo-like session starting at the scan
    const { inst } = mount();
    // Then the very first frame has no non-ASCII character, with done/current still in words
    const first = frameOf(inst);
    expect(first).toContain('podsec test');
    expect(first).toMatch(/\+ Cluster > \[Scan\] > Overview/);
    expect(first).toMatch(/^[\x00-\x7e]*$/);
    // And the next frames use the usual glyphs
    const later = await waitFor(inst, (x) => x.includes('›'));
    expect(later).toContain('✓ Cluster ›');
  });

  it('filters with / and sorts with o', async () => {
    const { inst } = mount();
    await waitFor(inst, (x) => x.includes('NAMESPACE'));
    await tick();
    await press(inst, 'o', (x) => x.includes('sorted by strictest'));
    // Typed right after / opens the filter, with no wait: no key is lost.
    inst.stdin.write('/');
    inst.stdin.write('o');
    inst.stdin.write('k');
    await waitFor(inst, (x) => x.includes('filter "ok"'));
    const f = frameOf(inst);
    expect(f).toContain('> ok');
    expect(f).not.toContain('  app ');
    await press(inst, KEYS.esc, (x) => !x.includes('filter "ok"'));
    expect(frameOf(inst)).toContain('app');
  });

  it('shows a namespace: failing checks in plain words, the diff, value sources; accept, edit, skip', async () => {
    const rec: Recorded = { written: [], evidence: [] };
    const { inst } = mount({ rec });
    await waitFor(inst, (x) => x.includes('NAMESPACE'));
    await tick();
    await press(inst, KEYS.enter, (x) => x.includes('Namespace app'));
    let f = await press(inst, 'j', (x) => x.includes('> ! needs review'));
    expect(f).toContain(
      'fails Privilege escalation: container "web" must set securityContext.allowPrivilegeEscalation=false',
    );
    expect(f).toContain('+       allowPrivilegeEscalation: false');
    // When the operator edits the UID with a bad value, then a good one
    await press(inst, 'u', (x) => x.includes('UID (a number of 1 or more):'));
    inst.stdin.write('0');
    await waitFor(inst, (x) => x.includes('UID (a number of 1 or more): 0'));
    await press(inst, KEYS.enter, (x) => x.includes('0 is root'));
    await press(inst, KEYS.esc, (x) => !x.includes('UID (a number'));
    // When the operator types fast: u, the UID and enter, each key as it comes, no wait for a frame
    for (const k of ['u', '1', '0', '0', '0', '1', KEYS.enter]) inst.stdin.write(k);
    // Then the proposal is re-made with the answer: the open question is gone (review -> fixed)
    await waitFor(inst, (x) => /> \+ fix proposed +Deployment web +edited/.test(x));
    // And the details scroll to the value with its source
    for (let i = 0; i < 6 && !frameOf(inst).includes('runAsUser = 10001'); i++) await press(inst, ']');
    f = frameOf(inst);
    expect(f).toContain('runAsUser = 10001  (high confidence, your answer');
    // And gathers evidence
    await press(inst, 'g', (x) => x.includes('1 finding(s)'));
    expect(rec.evidence).toEqual(['app/Deployment/web']);
    // And skips the agent
    f = await press(inst, 'k', (x) => x.includes('> x blocked') && x.includes('blocked: '));
    expect(f).toContain('fails Host namespaces: hostNetwork=true');
    await press(inst, 's', (x) => /DaemonSet agent +skipped/.test(x));
  });

  it('asks before quitting with unsaved decisions; n returns, y quits with exit 0', async () => {
    const { inst, end } = mount();
    await waitFor(inst, (x) => x.includes('NAMESPACE'));
    await tick();
    await press(inst, KEYS.enter, (x) => x.includes('Namespace app'));
    await press(inst, KEYS.space, (x) => x.includes('accepted'));
    await press(inst, 'q', (x) => x.includes('Quit without writing a plan? 1 decision(s)'));
    await press(inst, 'n', (x) => x.includes('Namespace app'));
    await press(inst, 'q', (x) => x.includes('Quit without'));
    inst.stdin.write('y');
    await waitFor(inst, () => end() !== null);
    expect(end()).toMatchObject({ state: { step: 'done', exitCode: 0 } });
  });

  it('Ctrl-C cancels from any screen with exit 130, even while typing a filter', async () => {
    const { inst, end } = mount();
    await waitFor(inst, (x) => x.includes('NAMESPACE'));
    await tick();
    await press(inst, '/', (x) => x.includes('/ '));
    inst.stdin.write(KEYS.ctrlC);
    await waitFor(inst, () => end() !== null);
    expect(end()).toMatchObject({ state: { step: 'done', exitCode: 130 } });
  });

  it('? lists every key of the step, from the same keymap as the hints', async () => {
    const { inst } = mount();
    await waitFor(inst, (x) => x.includes('NAMESPACE'));
    await tick();
    expect(frameOf(inst)).toContain('/ filter namespaces');
    const f = await press(inst, '?', (x) => x.includes('Keys'));
    for (const k of ['↑/k', '↓/j', 'enter', '/', 'o', 'p', 'esc', '?', 'q', 'ctrl-c'])
      expect(f).toMatch(new RegExp(`│ ${k.replace(/[?/]/g, '\\$&')} +\\S`));
    await press(inst, '?', (x) => x.includes('NAMESPACE'));
  });

  it('writes the plan from the plan step and shows how to apply', async () => {
    const rec: Recorded = { written: [], evidence: [] };
    const { inst, end } = mount({ rec });
    await waitFor(inst, (x) => x.includes('NAMESPACE'));
    await tick();
    const f = await press(inst, 'p', (x) => x.includes('1-observe'));
    expect(f).toMatch(/1-observe +app \(1\)/);
    expect(f).toContain('Output directory: plans/t');
    await press(inst, KEYS.enter, (x) => x.includes('plan written to /abs/plans/t (9 files)'));
    expect(rec.written).toMatchObject([{ outDir: 'plans/t' }]);
    await press(inst, 'a', (x) => x.includes('podsec apply plans/t --phase 1-observe --dry-run'));
    inst.stdin.write(KEYS.enter);
    await waitFor(inst, () => end() !== null);
    expect(end()).toMatchObject({ state: { step: 'done', exitCode: 0 } });
  });

  it('offers another directory when the output is in the way, writes there, and keeps the summary on screen at the end', async () => {
    // Given an output directory that already holds a different plan
    const rec: Recorded = { written: [], evidence: [] };
    let end: { state: WizardState } | { crash: unknown } | null = null;
    const base = fakePorts(rec);
    const ports = {
      ...base,
      writePlan: async (...a: Parameters<typeof base.writePlan>) =>
        a[3] === 'plans/t'
          ? {
              conflict: { dir: 'plans/t', suggestion: 'plans/t-2', canOverwrite: true },
              message: 'plans/t already holds a plan',
            }
          : base.writePlan(...a),
    };
    const inst = render(
      <App
        start={initialState({ live: false, context: 'fixture', outDir: 'plans/t' })}
        ports={ports}
        title="podsec test"
        color={false}
        onEnd={(e) => (end = e)}
      />,
    );
    await waitFor(inst, (x) => x.includes('NAMESPACE'));
    await tick();
    await press(inst, 'p', (x) => x.includes('1-observe'));
    // When the operator writes, the step says what is in the way and what to do
    const f = await press(inst, KEYS.enter, (x) => x.includes('already holds a plan'));
    expect(f).toContain('d writes it elsewhere (plans/t-2)');
    expect(f).toContain('o overwrites plans/t');
    // And d offers the free directory, enter writes there
    await press(inst, 'd', (x) => x.includes('write the plan to: plans/t-2'));
    await press(inst, KEYS.enter, (x) => x.includes('plan written to /abs/plans/t-2'));
    expect(rec.written.map((w) => w.outDir)).toEqual(['plans/t-2']);
    // Then quitting leaves the summary (where, next steps) as the last frame, printed once
    inst.stdin.write('q');
    await waitFor(inst, () => end !== null);
    const last = frameOf(inst);
    expect(last).toContain('Wrote the plan to plans/t-2/');
    expect(last).toContain('Next: review it');
    expect(last.split('Wrote the plan').length).toBe(2);
  });

  it('uses no colour codes with colour off', async () => {
    const plain = mount({ color: false });
    await waitFor(plain.inst, (x) => x.includes('NAMESPACE'));
    expect(plain.inst.lastFrame()).not.toMatch(/\u001B\[3\dm/);
  });
});
