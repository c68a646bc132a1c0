// The keymap drives actions, hints and help from one table; the theme drops colour when off.
import { describe, expect, it } from 'vitest';
import { actionFor, bindingsFor, hintLine, hintRows } from '../../src/ui/keys.js';
import { KEYMAP, type KeyPress } from '../../src/ui/keymap.js';
import { makePaint, statusRole } from '../../src/ui/theme.js';

const none: KeyPress = { upArrow: false, downArrow: false, return: false, escape: false, ctrl: false };

describe('keys', () => {
  it('maps arrows and j/k, enter, space, /, esc, q and ctrl-c per step', () => {
    expect(actionFor('overview', 'j', none)).toEqual({ type: 'move', delta: 1 });
    expect(actionFor('overview', '', { ...none, upArrow: true })).toEqual({ type: 'move', delta: -1 });
    expect(actionFor('overview', '/', none)).toEqual({ type: 'startFilter' });
    expect(actionFor('namespace', ' ', none)).toEqual({ type: 'accept' });
    expect(actionFor('namespace', '', { ...none, return: true })).toEqual({ type: 'accept' });
    expect(actionFor('overview', '', { ...none, return: true })).toEqual({ type: 'select' });
    expect(actionFor('plan', '', { ...none, escape: true })).toEqual({ type: 'back' });
    expect(actionFor('plan', 'q', none)).toEqual({ type: 'quit' });
    expect(actionFor('scanning', 'c', { ...none, ctrl: true })).toEqual({ type: 'cancel' });
    expect(actionFor('plan', '/', none)).toBeNull();
    expect(actionFor('overview', '?', none)).toBe('help');
  });

  it('every binding shows in the help of the steps it applies to, and hints come from the same table', () => {
    for (const b of KEYMAP) {
      const steps = b.steps === 'all' ? (['overview'] as const) : b.steps;
      for (const step of steps) expect(bindingsFor(step)).toContain(b);
    }
    expect(hintLine('overview')).toContain('/ filter namespaces');
    expect(hintLine('overview')).not.toContain('ctrl-c');
    expect(hintLine('namespace')).toContain('u UID');
    // A, x, [ and ] are in the hint bar too, and the bar wraps by phrase, never inside one.
    for (const k of ['A accept all', 'x exempt', '[ scroll up', '] scroll down', 'd full view'])
      expect(hintLine('namespace')).toContain(k);
    for (const width of [60, 80, 100]) {
      const rows = hintRows('namespace', width);
      expect(rows.join(' · ')).toBe(hintLine('namespace'));
      for (const r of rows) expect(r.length).toBeLessThanOrEqual(width);
    }
  });
});

describe('theme', () => {
  it('drops every colour when colour is off', () => {
    expect(makePaint(false)('bad')).toEqual({});
    expect(makePaint(true)('bad')).toEqual({ color: 'red' });
    expect(statusRole('blocked')).toBe('bad');
    expect(statusRole('review')).toBe('warn');
  });
});
