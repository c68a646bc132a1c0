// The TUI's driver: holds the wizard state, applies events through the pure transition and runs
// the effects it returns through the shared effect runner (results come back as events).

import { useCallback, useEffect, useRef, useState } from 'react';
import { initialEffects, performEffect } from '../../cli/wizard-runner.js';
import type { WizardEvent } from '../../wizard/events.js';
import type { WizardPorts } from '../../wizard/ports.js';
import type { WizardState } from '../../wizard/state.js';
import { transition } from '../../wizard/transition.js';

export interface UseWizard {
  state: WizardState;
  dispatch: (e: WizardEvent) => void;
  /** The latest state, also between renders (for several keys arriving in one chunk). */
  current: () => WizardState;
  /** A bug in an effect (InternalError): the root shows it and exits 70. */
  crash: unknown;
}

/** State + dispatch over `transition`, with effects run against `ports`. */
export function useWizard(start: WizardState, ports: WizardPorts): UseWizard {
  const [state, setState] = useState(start);
  const [crash, setCrash] = useState<unknown>(null);
  const current = useRef(start);
  const scanAbort = useRef(new AbortController());
  const dispatch = useCallback(
    (e: WizardEvent) => {
      const t = transition(current.current, e);
      current.current = t.state;
      setState(t.state);
      for (const effect of t.effects) performEffect(effect, ports, dispatch, scanAbort.current).catch(setCrash);
    },
    [ports],
  );
  useEffect(() => {
    for (const effect of initialEffects(start)) performEffect(effect, ports, dispatch, scanAbort.current).catch(setCrash);
    return () => scanAbort.current.abort();
    // Started once per mount: the start state and ports do not change during a session.
  }, []);
  const latest = useCallback(() => current.current, []);
  return { state, dispatch, crash, current: latest };
}
