// The one keymap of the TUI, as data: every binding's keys, what it does, where it applies and the
// wizard event (or UI action) it sends. The lookups over it (the key mode of a state, the hints,
// the help, the action of a key press, typing) are in keys.ts. Shell (UI), but free of Ink imports.

import type { IntentEvent } from '../wizard/events.js';
import type { StepName } from '../wizard/state.js';

/** The parts of Ink's key object the keymap reads. */
export interface KeyPress {
  upArrow: boolean;
  downArrow: boolean;
  return: boolean;
  escape: boolean;
  ctrl: boolean;
  meta?: boolean;
  backspace?: boolean;
  delete?: boolean;
  pageUp?: boolean;
  pageDown?: boolean;
}

/**
 * Where keys apply: a step, or a view inside one (the full-screen fix view `detail`, the `A`
 * question `confirmAll`), so the hints and the help list exactly the keys that work there.
 */
export type KeyMode = StepName | 'detail' | 'confirmAll' | 'typing';

/** What the TUI does itself (the help overlay, scrolling, the detail view) rather than the wizard. */
export type UiAction = 'help' | 'scrollUp' | 'scrollDown' | 'lineUp' | 'lineDown' | 'detail' | 'closeDetail';

/** A key binding: the keys shown, what it does, where it applies, and the event it sends. */
export interface Binding {
  keys: string;
  does: string;
  steps: readonly KeyMode[] | 'all';
  /** Shown in the bottom hint bar (the rest only in the `?` overlay). */
  hint: boolean;
  /** The hint's words when shorter than `does`. */
  short?: string;
  /** Modes where an `all` binding does not apply (a view that owns the key). */
  except?: readonly KeyMode[];
  match: (input: string, key: KeyPress) => boolean;
  event: IntentEvent | UiAction;
}

const ch = (c: string) => (input: string, key: KeyPress) => input === c && !key.ctrl;
const LISTS: KeyMode[] = ['cluster', 'overview', 'namespace', 'apply'];
/** Views that own esc and q themselves. */
const OWN_ESC: readonly KeyMode[] = ['detail', 'confirmAll', 'typing'];

export const KEYMAP: readonly Binding[] = [
  {
    keys: '↑/k',
    does: 'move up',
    steps: LISTS,
    hint: true,
    match: (i, k) => k.upArrow || ch('k')(i, k),
    event: { type: 'move', delta: -1 },
  },
  {
    keys: '↓/j',
    does: 'move down',
    steps: LISTS,
    hint: true,
    match: (i, k) => k.downArrow || ch('j')(i, k),
    event: { type: 'move', delta: 1 },
  },
  {
    keys: 'enter',
    does: 'select / open / write',
    steps: ['cluster', 'overview', 'plan', 'written', 'apply', 'failed'],
    hint: true,
    match: (_i, k) => k.return,
    event: { type: 'select' },
  },
  {
    keys: 'space',
    does: 'toggle the namespace',
    steps: ['apply'],
    hint: true,
    match: (i) => i === ' ',
    event: { type: 'toggle' },
  },
  {
    keys: 'enter/space',
    does: 'accept the selected fix',
    steps: ['namespace'],
    hint: true,
    match: (i, k) => k.return || i === ' ',
    event: { type: 'accept' },
  },
  {
    keys: 'A',
    does: 'accept every fix in this namespace (asks first when some need review)',
    short: 'accept all',
    steps: ['namespace'],
    hint: true,
    match: ch('A'),
    event: { type: 'acceptAll' },
  },
  {
    keys: 's',
    does: 'skip the workload (leave it out of the fix phase)',
    short: 'skip',
    steps: ['namespace'],
    hint: true,
    match: ch('s'),
    event: { type: 'skip' },
  },
  {
    keys: 'u',
    does: 'edit the UID',
    short: 'UID',
    steps: ['namespace'],
    hint: true,
    match: ch('u'),
    event: { type: 'startEdit', field: 'uid' },
  },
  {
    keys: 'w',
    does: 'edit writable paths (emptyDir mounts)',
    short: 'writable paths',
    steps: ['namespace'],
    hint: true,
    match: ch('w'),
    event: { type: 'startEdit', field: 'writablePaths' },
  },
  {
    keys: 'x',
    does: 'exempt the namespace (with a reason)',
    short: 'exempt',
    steps: ['namespace'],
    hint: true,
    match: ch('x'),
    event: { type: 'startEdit', field: 'exemption' },
  },
  {
    keys: 'g',
    does: 'gather evidence (logs) and re-propose',
    short: 'evidence',
    steps: ['namespace'],
    hint: true,
    match: ch('g'),
    event: { type: 'gatherEvidence' },
  },
  {
    keys: 't',
    does: 'try the fix as a short-lived copy on the cluster (trial run; its logs re-propose)',
    short: 'trial',
    steps: ['namespace'],
    hint: true,
    match: ch('t'),
    event: { type: 'trialRun' },
  },
  {
    keys: 'd',
    does: 'show the fix in full (checks, diff, values)',
    short: 'full view',
    steps: ['namespace'],
    hint: true,
    match: ch('d'),
    event: 'detail',
  },
  {
    keys: '[',
    does: 'scroll the fix details up',
    short: 'scroll up',
    steps: ['namespace', 'detail'],
    hint: true,
    match: (i, k) => i === '[' || k.pageUp === true,
    event: 'scrollUp',
  },
  {
    keys: ']',
    does: 'scroll the fix details down',
    short: 'scroll down',
    steps: ['namespace', 'detail'],
    hint: true,
    match: (i, k) => i === ']' || k.pageDown === true,
    event: 'scrollDown',
  },
  {
    keys: '↑/k',
    does: 'scroll up a line',
    steps: ['detail'],
    hint: true,
    match: (i, k) => k.upArrow || ch('k')(i, k),
    event: 'lineUp',
  },
  {
    keys: '↓/j',
    does: 'scroll down a line',
    steps: ['detail'],
    hint: true,
    match: (i, k) => k.downArrow || ch('j')(i, k),
    event: 'lineDown',
  },
  {
    keys: 'esc/d/q',
    does: 'close the full view',
    steps: ['detail'],
    hint: true,
    match: (i, k) => k.escape || ch('d')(i, k) || ch('q')(i, k),
    event: 'closeDetail',
  },
  {
    keys: 'y',
    does: 'yes, accept them all',
    steps: ['confirmAll'],
    hint: true,
    match: (i) => i === 'y' || i === 'Y',
    event: { type: 'confirm', yes: true },
  },
  {
    keys: 'n/esc',
    does: 'no, decide one by one',
    steps: ['confirmAll'],
    hint: true,
    match: (i, k) => i === 'n' || i === 'N' || k.escape,
    event: { type: 'confirm', yes: false },
  },
  {
    keys: '/',
    does: 'filter namespaces',
    steps: ['overview'],
    hint: true,
    match: ch('/'),
    event: { type: 'startFilter' },
  },
  {
    keys: 'o',
    does: 'change the sort order',
    steps: ['overview'],
    hint: true,
    match: ch('o'),
    event: { type: 'cycleSort' },
  },
  {
    keys: 'p',
    does: 'go to the plan',
    steps: ['overview', 'namespace'],
    hint: true,
    match: ch('p'),
    event: { type: 'openPlan' },
  },
  {
    keys: 'o',
    does: 'overwrite the plan in the way',
    steps: ['plan'],
    hint: true,
    match: ch('o'),
    event: { type: 'overwritePlan' },
  },
  {
    keys: 'd',
    does: 'choose the output directory',
    steps: ['plan'],
    hint: true,
    match: ch('d'),
    event: { type: 'changeOutDir' },
  },
  {
    keys: 'a',
    does: 'apply the plan (live cluster) or show how',
    steps: ['written'],
    hint: true,
    match: ch('a'),
    event: { type: 'showApply' },
  },
  {
    keys: 'y',
    does: 'yes, quit',
    steps: ['confirmQuit'],
    hint: true,
    match: (i) => i === 'y' || i === 'Y',
    event: { type: 'confirm', yes: true },
  },
  {
    keys: 'y',
    does: 'yes (answer the question)',
    steps: ['apply'],
    hint: true,
    match: (i) => i === 'y' || i === 'Y',
    event: { type: 'confirm', yes: true },
  },
  {
    keys: 'n',
    does: 'no',
    steps: ['apply'],
    hint: true,
    match: (i) => i === 'n' || i === 'N',
    event: { type: 'confirm', yes: false },
  },
  {
    keys: 'n',
    does: 'no, go back',
    steps: ['confirmQuit'],
    hint: true,
    match: (i) => i === 'n' || i === 'N',
    event: { type: 'confirm', yes: false },
  },
  // While an input is open the root handler edits the text (typingAction); these only describe it.
  {
    keys: 'enter',
    does: 'keep what you typed (save)',
    short: 'keep',
    steps: ['typing'],
    hint: true,
    match: () => false,
    event: { type: 'select' },
  },
  {
    keys: 'esc',
    does: 'cancel the input',
    short: 'cancel',
    steps: ['typing'],
    hint: true,
    match: () => false,
    event: { type: 'back' },
  },
  {
    keys: 'backspace',
    does: 'delete the last character',
    short: 'delete',
    steps: ['typing'],
    hint: true,
    match: () => false,
    event: { type: 'back' },
  },
  {
    keys: 'esc',
    does: 'back (clears a filter first)',
    short: 'back',
    steps: 'all',
    except: OWN_ESC,
    hint: true,
    match: (_i, k) => k.escape,
    event: { type: 'back' },
  },
  { keys: '?', does: 'this help', short: 'help', steps: 'all', hint: true, match: ch('?'), event: 'help' },
  {
    keys: 'q',
    does: 'quit (asks when decisions are unsaved)',
    short: 'quit',
    steps: 'all',
    except: OWN_ESC,
    hint: true,
    match: ch('q'),
    event: { type: 'quit' },
  },
  {
    keys: 'ctrl-c',
    does: 'cancel and restore the terminal (exit 130)',
    steps: 'all',
    hint: false,
    match: (i, k) => k.ctrl && i === 'c',
    event: { type: 'cancel' },
  },
];
