// The TUI's driver: the session runner (src/wizard/runner.ts) behind React state. Events go in
// through dispatch; every new state re-renders; a bug (InternalError) becomes `crash`.

import { useCallback, useEffect, useRef, useState } from 'react';
import type { IntentEvent } from '../../wizard/events.js';
import type { WizardPorts } from '../../wizard/ports.js';
import { SessionRunner } from '../../wizard/runner.js';
import type { WizardState } from '../../wizard/state.js';

export interface UseWizard {
  state: WizardState;
  dispatch: (e: IntentEvent) => void;
  /** The latest state, also between renders (for several keys arriving in one chunk). */
  current: () => WizardState;
  /** A bug (InternalError): the root shows it and exits 70. */
  crash: unknown;
}

/** State + dispatch over the session runner; the runner's requests are aborted on unmount. */
export function useWizard(start: WizardState, ports: WizardPorts): UseWizard {
  const [state, setState] = useState(start);
  const [crash, setCrash] = useState<unknown>(null);
  const runner = useRef<SessionRunner | null>(null);
  runner.current ??= new SessionRunner(start, ports, { onState: setState, onCrash: setCrash });
  const dispatch = useCallback((e: IntentEvent) => {
    try {
      runner.current?.dispatch(e);
    } catch (err) {
      setCrash(err);
    }
  }, []);
  useEffect(() => {
    const r = runner.current;
    r?.start();
    return () => r?.stop();
    // Started once per mount: the start state and ports do not change during a session.
  }, []);
  const latest = useCallback(() => runner.current?.state ?? start, []);
  return { state, dispatch, crash, current: latest };
}
