// Step 6 on a live cluster: the phases (next one marked), the namespaces of the picked phase,
// the dry-run report, progress while applying, the result; a confirm overlay for questions.
//   > 1-observe  Observe  (next)          [x] shop
//   Dry run of 1-observe: would apply namespace shop: labels ...
import { Box, Text } from 'ink';
import { Spinner } from '@inkjs/ui';
import { currentPhase, isResuming, phaseTag, reportLines } from '../../wizard/apply-flow.js';
import type { ApplyState } from '../../wizard/state.js';
import type { Paint } from '../theme.js';

function Question({ state, paint }: { state: ApplyState; paint: Paint }) {
  const q = state.question;
  if (q === null) return null;
  return (
    <Box flexDirection="column" borderStyle="round" paddingX={1}>
      {q.details.map((d, i) => (
        <Text key={i} wrap="truncate-end">
          {d}
        </Text>
      ))}
      <Text bold {...paint('warn')}>
        ? {q.message} (y/n, default {q.default ? 'yes' : 'no'})
      </Text>
    </Box>
  );
}

/** The Apply step. */
export function ApplyScreen({ state, paint, height }: { state: ApplyState; paint: Paint; height: number }) {
  const phase = currentPhase(state);
  const resuming = phase !== undefined && isResuming(phase);
  const body = (() => {
    switch (state.stage) {
      case 'loading':
        return state.error !== null ? <Text>esc goes back</Text> : <Spinner label="reading the plan and its journal" />;
      case 'phase':
        return (
          <Box flexDirection="column">
            <Text bold>Apply which phase? {state.overview?.next === null ? '(every phase is applied)' : ''}</Text>
            {(state.overview?.phases ?? []).map((p, i) => (
              <Text key={p.id} wrap="truncate-end" {...(i === state.cursor ? paint('selected') : {})}>
                {i === state.cursor ? '> ' : '  '}
                {p.id.padEnd(22)} {p.title}
                {p.done
                  ? '  ✓ applied'
                  : phaseTag(p, state.overview?.next ?? null) !== ''
                    ? `  ${phaseTag(p, state.overview?.next ?? null)}`
                    : ''}
              </Text>
            ))}
            <Text {...paint('accent')}>enter picks the phase · esc back to the written plan</Text>
          </Box>
        );
      case 'namespaces':
        return (
          <Box flexDirection="column">
            <Text bold>
              {resuming ? 'Resuming' : 'Phase'} {state.phase}: namespaces
            </Text>
            {(phase?.namespaces ?? []).map((n, i) => (
              <Text key={n} {...(i === state.cursor ? paint('selected') : {})}>
                {i === state.cursor ? '> ' : '  '}[{state.namespaces.includes(n) ? 'x' : ' '}] {n}
                {(phase?.appliedNamespaces ?? []).includes(n) ? '  (applied)' : ''}
              </Text>
            ))}
            <Text {...paint('accent')}>
              space toggles · enter runs the server-side dry run; you confirm once, after it
            </Text>
          </Box>
        );
      case 'dryRun':
      case 'applying': {
        const label =
          state.stage === 'dryRun'
            ? `dry run of ${state.phase ?? ''} (server-side)`
            : `${resuming ? 'resuming' : 'applying'} ${state.phase ?? ''}`;
        return (
          <Box flexDirection="column">
            {state.question === null ? <Spinner label={label} /> : <Text>{label}</Text>}
            {state.progress.slice(-Math.max(1, height - 8)).map((l, i) => (
              <Text key={i} wrap="truncate-end">
                {'  '}
                {l}
              </Text>
            ))}
          </Box>
        );
      }
      case 'reviewed':
      case 'applied': {
        const lines = state.report === null ? [] : reportLines(state.report);
        return (
          <Box flexDirection="column">
            {lines.slice(0, Math.max(2, height - 2)).map((l, i) => (
              <Text key={i} wrap="truncate-end" {...(/FAILED|refused|stopped/.test(l) ? paint('bad') : {})}>
                {l}
              </Text>
            ))}
            <Text {...paint('accent')}>
              {state.stage === 'reviewed'
                ? 'enter or y applies it for real (no second question) · n or esc goes back'
                : 'enter picks the next phase · q quits'}
            </Text>
          </Box>
        );
      }
    }
  })();
  return (
    <Box flexDirection="column">
      {state.question !== null ? <Question state={state} paint={paint} /> : body}
      {state.error !== null ? <Text {...paint('bad')}>x {state.error}</Text> : null}
    </Box>
  );
}
