// The TUI root: rail, the current step's screen, key hints, the `?` overlay. It owns the one
// keyboard handler (through ui/keys.ts) and the single exit() call (Ctrl-C = cancel, exit 130).
//   podsec demo
//   ✓ Cluster › ✓ Scan › [Overview] › Namespaces › Plan › Apply
//   <screen>
//   ↑/k move up · ↓/j move down · enter select · ...
import { Box, Text, useApp, useInput, type Key } from 'ink';
import { useCallback, useEffect, useMemo, useRef, useState } from 'react';
import type { WizardPorts } from '../wizard/ports.js';
import type { WizardState } from '../wizard/state.js';
import { HelpOverlay } from './components/help-overlay.js';
import { KeyHints } from './components/key-hints.js';
import { Rail } from './components/rail.js';
import { useTerminalSize } from './hooks/use-terminal-size.js';
import { useWizard } from './hooks/use-wizard.js';
import { actionFor, hintRows, keyMode, typedText, typingAction } from './keys.js';
import { ApplyScreen } from './screens/apply.js';
import { ClusterScreen } from './screens/cluster.js';
import { ConfirmQuitScreen } from './screens/confirm-quit.js';
import { DetailView } from './screens/detail.js';
import { DoneScreen } from './screens/done.js';
import { FailedScreen } from './screens/failed.js';
import { NamespaceScreen } from './screens/namespace.js';
import { OverviewScreen } from './screens/overview.js';
import { PlanScreen } from './screens/plan.js';
import { ScanScreen } from './screens/scan.js';
import { WrittenScreen } from './screens/written.js';
import { makePaint } from './theme.js';

export interface AppProps {
  start: WizardState;
  ports: WizardPorts;
  title: string;
  color: boolean;
  /** Aborted on SIGTERM/SIGINT from outside the terminal: treated as cancel. */
  signal?: AbortSignal;
  /** Called once with the final state (done) or a crash, right before exit(). */
  onEnd: (end: { state: WizardState } | { crash: unknown }) => void;
}

/** The guided session. */
export function App({ start, ports, title, color, signal, onEnd }: AppProps) {
  const { state, dispatch, crash, current } = useWizard(start, ports);
  const { exit } = useApp();
  const { columns, rows } = useTerminalSize();
  const [help, setHelp] = useState(false);
  const [detail, setDetail] = useState(false);
  const [scroll, setScroll] = useState(0);
  const paint = useMemo(() => makePaint(color), [color]);
  // The first frame is ASCII-only (ui/ascii.ts): it shows ~40 ms sooner; the glyphs follow at once.
  const [ascii, setAscii] = useState(true);
  useEffect(() => {
    const t = setTimeout(() => setAscii(false), 0);
    return () => clearTimeout(t);
  }, []);

  useEffect(() => {
    if (state.step === 'done') {
      onEnd({ state });
      exit();
    }
  }, [state]);
  useEffect(() => {
    if (crash !== null) {
      onEnd({ crash });
      exit();
    }
  }, [crash]);
  useEffect(() => {
    const cancel = () => dispatch({ type: 'cancel' });
    signal?.addEventListener('abort', cancel, { once: true });
    return () => signal?.removeEventListener('abort', cancel);
  }, [signal]);
  const cursor = state.step === 'namespace' ? `${state.namespace}/${state.cursor}` : '';
  useEffect(() => setScroll(0), [cursor]);
  if (detail && state.step !== 'namespace') setDetail(false);

  const width = Math.max(40, columns - 1);
  // Title, rail and summary, a blank line; the hint bar at the bottom; one spare row.
  const mode = keyMode(state, detail);
  // The help overlay lists every key, so the hint bar makes room for it.
  const hints = state.step === 'done' || help ? [] : hintRows(mode, width);
  const height = Math.max(6, rows - 5 - hints.length);

  // UI-local state read by the key handler between renders (several keys can arrive in one chunk).
  const ui = useRef({ help, detail });
  ui.current = { help, detail };
  const page = Math.max(1, height - 3);
  const onKey = (input: string, key: Key): void => {
    const now = current();
    if (key.ctrl && input === 'c') return dispatch({ type: 'cancel' });
    if (typedText(now) !== null) {
      const typed = typingAction(now, input, key);
      if (typed !== null) dispatch(typed);
      return;
    }
    if (ui.current.help) {
      if (key.escape || input === '?' || input === 'q') ui.current = { ...ui.current, help: false };
      return;
    }
    const action = actionFor(keyMode(now, ui.current.detail), input, key);
    if (action === null) return;
    if (typeof action !== 'string') return dispatch(action);
    switch (action) {
      case 'help':
        ui.current = { ...ui.current, help: true };
        return;
      case 'detail':
        ui.current = { ...ui.current, detail: true };
        return setScroll(0);
      case 'closeDetail':
        ui.current = { ...ui.current, detail: false };
        return setScroll(0);
      case 'scrollUp':
        return setScroll((s) => Math.max(0, s - (ui.current.detail ? page : 5)));
      case 'scrollDown':
        return setScroll((s) => s + (ui.current.detail ? page : 5));
      case 'lineUp':
        return setScroll((s) => Math.max(0, s - 1));
      case 'lineDown':
        return setScroll((s) => s + 1);
    }
  };

  // The handler reads refs only, so a key arriving before Ink re-subscribes a new handler after a
  // render is still handled against the latest state. Text inputs are part of the wizard state and
  // of this one handler (no input component with its own late-attaching handler): a key typed
  // right after `u` opens the UID input lands in it.
  const handler = useCallback((input: string, key: Key) => {
    // Keys typed faster than a frame arrive as one chunk ("jj\r", "u10001\r"): handle them one
    // by one against the latest state (an escape sequence is one key).
    const chunk = input.length > 1 && !key.ctrl && !key.meta && !input.startsWith('\u001B') ? [...input] : [input];
    for (const c of chunk) {
      const special = c === '\r' || c === '\x7f' || c === '\b';
      const k = chunk.length > 1 ? { ...key, return: c === '\r', backspace: c === '\x7f' || c === '\b' } : key;
      onKey(chunk.length > 1 && special ? '' : c, k);
    }
    setHelp(ui.current.help);
    setDetail(ui.current.detail);
  }, []);
  useInput(handler);

  const screen = (() => {
    switch (state.step) {
      case 'cluster':
        return <ClusterScreen state={state} paint={paint} height={height} />;
      case 'scanning':
        return <ScanScreen state={state} paint={paint} columns={columns} ascii={ascii} />;
      case 'overview':
        return <OverviewScreen state={state} paint={paint} height={height} width={width} />;
      case 'namespace':
        return detail ? (
          <DetailView state={state} paint={paint} height={height} width={width} scroll={scroll} />
        ) : (
          <NamespaceScreen state={state} paint={paint} height={height} columns={columns} scroll={scroll} />
        );
      case 'plan':
        return <PlanScreen state={state} paint={paint} />;
      case 'written':
        return <WrittenScreen state={state} paint={paint} height={height} />;
      case 'apply':
        return <ApplyScreen state={state} paint={paint} height={height} />;
      case 'confirmQuit':
        return <ConfirmQuitScreen state={state} paint={paint} />;
      case 'failed':
        return <FailedScreen state={state} paint={paint} />;
      case 'done':
        return <DoneScreen state={state} paint={paint} />;
    }
  })();

  return (
    <Box flexDirection="column" width={width}>
      {state.step === 'done' ? (
        <Text bold>{title}</Text>
      ) : (
        <Rail state={state} paint={paint} title={title} ascii={ascii} />
      )}
      <Box flexDirection="column" marginTop={1} height={state.step === 'done' ? undefined : height}>
        {help ? <HelpOverlay mode={mode} paint={paint} height={height} width={width} /> : screen}
      </Box>
      {hints.length > 0 ? <KeyHints rows={hints} paint={paint} ascii={ascii} /> : null}
    </Box>
  );
}
