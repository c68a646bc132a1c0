// Step 4: one namespace: its workloads with status words, and for the selected one the failing
// checks in plain words, the fix as a diff of the pod template, and each value's confidence and
// source. Accept, skip, edit (UID, writable paths, exemption), or gather evidence.
//   > + fixed     Deployment redis     accepted
//     ! review    Deployment vote
//   fails Privilege escalation: container "vote" must set ...
//   + securityContext:
import { Box, Text } from 'ink';
import { Spinner } from '@inkjs/ui';
import { workloadKey } from '../../inventory/types.js';
import { changeLines, failingChecks, statusLabel, templateDiff } from '../../wizard/describe.js';
import { proposalFor, workloadsIn } from '../../wizard/session.js';
import type { NamespaceState } from '../../wizard/state.js';
import { statusRole, type Paint } from '../theme.js';
import { visibleWindow } from '../components/window.js';
import { TypedInput } from '../components/typed-input.js';

const EDIT_PROMPTS = {
  uid: 'UID (a number of 1 or more):',
  writablePaths: 'paths the program writes (space separated):',
  exemption: 'reason to exempt the namespace:',
} as const;

interface Line {
  text: string;
  role?: 'ok' | 'bad' | 'warn' | 'muted' | 'accent';
}

function detailLines(state: NamespaceState): Line[] {
  const w = workloadsIn(state.session.inventory, state.namespace)[state.cursor];
  if (w === undefined) return [];
  const p = proposalFor(state.session, workloadKey(w));
  if (p === undefined) return [{ text: 'no proposal yet' }];
  const lines: Line[] = failingChecks(w, p).map((f) => ({ text: `fails ${f.title}: ${f.detail}`, role: 'warn' }));
  if (p.blockedReason !== undefined) lines.push({ text: `blocked: ${p.blockedReason}`, role: 'bad' });
  if (p.status === 'compliant') lines.push({ text: `passes ${p.target} already`, role: 'ok' });
  for (const d of templateDiff(w.template, p.patchedTemplate)) lines.push({ text: `${d.op} ${d.text}`, ...(d.op === '+' ? { role: 'ok' as const } : d.op === '-' ? { role: 'bad' as const } : {}) });
  for (const c of changeLines(p.changes)) lines.push({ text: `value ${c}`, role: 'muted' });
  for (const q of p.questions) lines.push({ text: `question: ${q.prompt} (u/w to answer)`, role: 'accent' });
  return lines;
}

/** The namespace screen; `scroll` offsets the detail pane. */
export function NamespaceScreen(props: { state: NamespaceState; paint: Paint; height: number; columns: number; scroll: number }) {
  const { state, paint, height, columns, scroll } = props;
  const ws = workloadsIn(state.session.inventory, state.namespace);
  const listHeight = Math.min(ws.length, Math.max(3, Math.floor((height - 4) / 3)));
  const { start, end } = visibleWindow(ws.length, state.cursor, listHeight);
  const details = detailLines(state);
  const room = Math.max(2, height - listHeight - 5);
  const first = Math.min(scroll, Math.max(0, details.length - room));
  const shown = details.slice(first, first + room);
  const exempt = state.session.answers.exemptions[state.namespace];
  return (
    <Box flexDirection="column">
      <Text bold>
        Namespace {state.namespace} ({ws.length} workloads){exempt !== undefined ? ` · exempt: ${exempt}` : ''}
      </Text>
      {ws.slice(start, end).map((w, i) => {
        const key = workloadKey(w);
        const p = proposalFor(state.session, key);
        const sel = start + i === state.cursor;
        return (
          <Text key={key} {...(sel ? paint('selected') : {})}>
            {sel ? '> ' : '  '}
            <Text {...paint(statusRole(p?.status))}>{statusLabel(p).padEnd(14)}</Text>
            {`${w.kind} ${w.name}`.padEnd(36)}
            {state.session.decisions[key] ?? ''}
          </Text>
        );
      })}
      <Text {...paint('muted')}>{'─'.repeat(Math.max(10, Math.min(columns - 2, 78)))}</Text>
      {shown.map((l, i) => (
        <Text key={first + i} wrap="truncate-end" {...(l.role !== undefined ? paint(l.role) : {})}>
          {l.text}
        </Text>
      ))}
      {details.length > first + room ? <Text {...paint('muted')}>… {details.length - first - room} more line(s): ] scrolls</Text> : null}
      {state.busy !== null ? <Spinner label={state.busy} /> : null}
      {state.notice !== null ? <Text {...paint('accent')}>{state.notice}</Text> : null}
      {state.editing !== null ? (
        <TypedInput label={EDIT_PROMPTS[state.editing]} value={state.draft} placeholder="enter to save, esc to cancel" paint={paint} />
      ) : null}
    </Box>
  );
}
