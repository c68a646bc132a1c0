// Steps 1 and 2: pick a kubeconfig context, scan the cluster (or the files), and the failed screen
// either can end on. Pure.

import { assertNever, clamp, done, go, overview, picker, quit, stay, type Own, type Transition } from './flow.js';
import type { ClusterState, FailedState, ScanningState } from './state.js';
import { NO_PROGRESS } from './state.js';

export function onCluster(s: ClusterState, e: Own<'cluster'>): Transition {
  const list = s.contexts ?? [];
  switch (e.type) {
    case 'contextsLoaded':
      return stay({
        ...s,
        contexts: e.contexts,
        cursor: Math.max(
          0,
          e.contexts.findIndex((c) => c.current),
        ),
      });
    case 'contextsFailed':
      return stay({
        step: 'failed',
        message: e.message,
        hint: 'check your kubeconfig (--kubeconfig, $KUBECONFIG), or try `podsec demo`',
        outDir: s.outDir,
        canPick: false,
      });
    case 'move':
      return stay({ ...s, cursor: clamp(s.cursor + e.delta, list.length) });
    case 'select': {
      const ctx = list[s.cursor];
      return ctx === undefined ? stay(s) : onCluster(s, { type: 'pickContext', name: ctx.name });
    }
    case 'pickContext': {
      if (!list.some((c) => c.name === e.name))
        return stay({ ...s, error: `the kubeconfig has no context "${e.name}"` });
      return go(
        { step: 'scanning', context: e.name, progress: NO_PROGRESS, outDir: s.outDir, live: true },
        { type: 'scan', context: e.name },
      );
    }
    case 'back':
      return quit(s);
    default:
      return assertNever(e);
  }
}

export function onScanning(s: ScanningState, e: Own<'scanning'>): Transition {
  switch (e.type) {
    case 'scanProgressed':
      return stay({ ...s, progress: e.progress });
    case 'scanFailed':
      return stay({ step: 'failed', message: e.message, hint: e.hint, outDir: s.outDir, canPick: s.live });
    case 'scanFinished': {
      const { inventory, proposals, target, version, answers, evidence, verification, verificationNote } = e.result;
      const server = {
        ...(verification !== undefined ? { verification } : {}),
        ...(verificationNote !== undefined ? { verificationNote } : {}),
      };
      return stay(
        overview({
          inventory,
          proposals,
          target,
          version,
          answers,
          decisions: {},
          evidence,
          outDir: s.outDir,
          dirty: false,
          ...server,
        }),
      );
    }
    case 'back':
      // Esc during the scan stops it (the runner aborts it as the step is left), as q does.
      return quit(s);
    default:
      return assertNever(e);
  }
}

export function onFailed(s: FailedState, e: Own<'failed'>): Transition {
  switch (e.type) {
    case 'back':
      // Back to the context picker when there is one (e.g. after an unreachable context).
      return s.canPick ? picker(s.outDir) : done(1, s.message);
    case 'select':
      return done(1, s.message);
    default:
      return assertNever(e);
  }
}
