// Smoke test in a real pseudo-terminal: runs the built CLI (`podsec demo`) in tmux at 80x24,
// drives it with keys, and checks the plan it writes and that the terminal is given back.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const TMUX = '/usr/bin/tmux';
const hasTmux = existsSync(TMUX);
const session = `podsec-smoke-${process.pid}`;
const socket = join(tmpdir(), `podsec-tmux-${process.pid}`);

const tmux = (...args: string[]) => execFileSync(TMUX, ['-S', socket, ...args], { encoding: 'utf8' });
const capture = () => tmux('capture-pane', '-p', '-t', session);

async function waitPane(pred: (pane: string) => boolean, ms = 30_000): Promise<string> {
  const until = Date.now() + ms;
  for (;;) {
    const pane = capture();
    if (pred(pane)) return pane;
    if (Date.now() > until) throw new Error(`timed out; pane:\n${pane}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

async function keys(...k: string[]): Promise<void> {
  for (const key of k) {
    tmux('send-keys', '-t', session, key);
    await new Promise((r) => setTimeout(r, 150));
  }
}

afterEach(() => {
  if (hasTmux) spawnSync(TMUX, ['-S', socket, 'kill-session', '-t', session]);
});

afterAll(() => {
  if (hasTmux) spawnSync(TMUX, ['-S', socket, 'kill-server']);
});

describe.skipIf(!hasTmux)('podsec demo in a real terminal (tmux)', () => {
  it('draws at 80x24, takes keys, writes the plan and exits 0', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'podsec-tty-'));
    const cmd = `cd ${cwd} && env -u CI NO_COLOR=1 TERM=xterm-256color node ${join(ROOT, 'bin/podsec.js')} demo; echo "EXIT=$?"; sleep 60`;
    tmux('new-session', '-d', '-s', session, '-x', '80', '-y', '24', cmd);
    // Given the overview of the demo estate
    const overview = await waitPane((p) => p.includes('NAMESPACE') && p.includes('payments'));
    expect(overview).toContain('[Overview]');
    expect(overview.split('\n').every((l) => l.length <= 80)).toBe(true);
    // When the terminal is resized, the layout follows (wider table, no line beyond the width)
    tmux('resize-window', '-t', session, '-x', '60', '-y', '20');
    const narrow = await waitPane((p) => p.includes('NAMESPACE') && p.split('\n').every((l) => l.length <= 60));
    expect(narrow).toContain('> batch');
    tmux('resize-window', '-t', session, '-x', '80', '-y', '24');
    await waitPane((p) => p.includes('NAMESPACE'));
    // And the operator opens the help, closes it, goes to the plan and writes it
    await keys('?');
    await waitPane((p) => p.includes('Keys (? or esc closes this help)'));
    await keys('?');
    await waitPane((p) => p.includes('NAMESPACE'));
    await keys('p');
    await waitPane((p) => p.includes('Output directory: plans/demo'));
    await keys('Enter');
    await waitPane((p) => p.includes('plan written to'));
    await keys('q');
    // Then it exits 0 and the plan is the demo plan
    const end = await waitPane((p) => p.includes('EXIT='));
    expect(end).toContain('EXIT=0');
    const plan = JSON.parse(readFileSync(join(cwd, 'plans/demo/plan.json'), 'utf8')) as {
      kind: string;
      workloads: unknown[];
      namespaces: { name: string }[];
    };
    expect(plan.kind).toBe('Plan');
    expect(plan.workloads).toHaveLength(11);
    expect(plan.namespaces.map((n) => n.name)).toEqual(['batch', 'legacy', 'monitoring', 'payments', 'shop', 'web']);
    tmux('kill-session', '-t', session);
  }, 90_000);

  it('Ctrl-C restores the terminal and exits 130', async () => {
    const cwd = mkdtempSync(join(tmpdir(), 'podsec-tty-'));
    const cmd = `cd ${cwd} && env -u CI TERM=xterm-256color node ${join(ROOT, 'bin/podsec.js')} demo; echo "EXIT=$?"; stty -a | grep -o ' -\\?icanon ' ; sleep 60`;
    tmux('new-session', '-d', '-s', session, '-x', '80', '-y', '24', cmd);
    await waitPane((p) => p.includes('NAMESPACE'));
    await keys('C-c');
    const end = await waitPane((p) => p.includes('EXIT='));
    expect(end).toContain('EXIT=130');
    // canonical mode is back on (raw mode would show -icanon)
    expect(await waitPane((p) => /\sicanon\s/.test(p) || /-icanon/.test(p))).toMatch(/\sicanon\s/);
    expect(existsSync(join(cwd, 'plans'))).toBe(false);
    tmux('kill-session', '-t', session);
  }, 90_000);
});
