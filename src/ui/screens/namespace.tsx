// Step 4: one namespace: its workloads with status words, and for the selected one the failing
// checks in plain words, the fix as a diff of the pod template, and each value's confidence and
// source. Accept, skip, edit (UID, writable paths, exemption), or gather evidence.
//   > + fixed     Deployment redis     accepted
//     ! review    Deployment vote
//   fails Privilege escalation: container "vote" must set ...
//   + securityContext:
import { Box, Text } from 'ink';
import { Spinner } from '@inkjs/ui';
import {
  changeLines,
  diffLineText,
  failingChecks,
  podHealth,
  statusLabel,
  templateDiff,
} from '../../wizard/describe.js';
import {
  decisionCounts,
  decisionText,
  proposalFor,
  serverText,
  sessionKey,
  workloadsIn,
} from '../../wizard/session.js';
import type { NamespaceState } from '../../wizard/state.js';
import { statusRole, type Paint } from '../theme.js';
import { visibleWindow } from '../components/window.js';
import { TypedInput } from '../components/typed-input.js';
import { wrapText } from '../components/wrap.js';

const EDIT_PROMPTS = {
  uid: 'UID (a number of 1 or more):',
  writablePaths: 'paths the program writes (space separated):',
  exemption: 'reason to exempt the namespace:',
} as const;

/** One line of the fix details, with its colour role (meaning is in the text too). */
export interface Line {
  text: string;
  role?: 'ok' | 'bad' | 'warn' | 'muted' | 'accent';
}

/** The selected workload's details: pod health, failing checks, the diff (hunks separated), values, questions. */
export function detailLines(state: NamespaceState): Line[] {
  const w = workloadsIn(state.session.inventory, state.namespace)[state.cursor];
  if (w === undefined) return [];
  const p = proposalFor(state.session, sessionKey(state.session.inventory, w));
  if (p === undefined) return [{ text: 'no proposal yet' }];
  const health = podHealth(w);
  const lines: Line[] =
    health !== null
      ? [{ text: `pods: ${health}`, role: /CrashLoop|Error|BackOff|Failed/.test(health) ? 'bad' : 'muted' }]
      : [];
  // What was seen running (logs, probe) and which values it decided, before the checks and the diff.
  const seen = new Map<string, string[]>();
  for (const c of p.changes)
    if (c.source?.kind === 'evidence') seen.set(c.source.detail, [...(seen.get(c.source.detail) ?? []), c.path]);
  for (const [detail, paths] of seen)
    lines.push({
      text: `evidence ${detail} -> ${paths.length} value(s) (${[...new Set(paths.map((x) => x.split('/').pop()))].join(', ')})`,
      role: 'accent',
    });
  lines.push(...failingChecks(w, p).map((f): Line => ({ text: `fails ${f.title}: ${f.detail}`, role: 'warn' })));
  if (p.blockedReason !== undefined) lines.push({ text: `blocked: ${p.blockedReason}`, role: 'bad' });
  if (p.status === 'compliant') lines.push({ text: `passes ${p.target} already`, role: 'ok' });
  for (const d of templateDiff(w.template, p.patchedTemplate))
    lines.push({
      text: diffLineText(d),
      ...(d.op === '+'
        ? { role: 'ok' as const }
        : d.op === '-'
          ? { role: 'bad' as const }
          : d.op === '~'
            ? { role: 'muted' as const }
            : {}),
    });
  for (const c of changeLines(p.changes)) lines.push({ text: `value ${c}`, role: 'muted' });
  for (const q of p.questions) lines.push({ text: `question: ${q.prompt} (u/w to answer)`, role: 'accent' });
  return lines;
}

/** The namespace screen; `scroll` offsets the detail pane. */
export function NamespaceScreen(props: {
  state: NamespaceState;
  paint: Paint;
  height: number;
  columns: number;
  scroll: number;
}) {
  const { state, paint, height, columns, scroll } = props;
  const ws = workloadsIn(state.session.inventory, state.namespace);
  const width = Math.max(40, columns - 1);
  const listHeight = Math.min(ws.length, Math.max(3, Math.floor(height / 3)));
  const { start, end } = visibleWindow(ws.length, state.cursor, listHeight);
  const details = detailLines(state);
  const exempt = state.session.answers.exemptions[state.namespace];
  const notice = state.notice === null ? [] : wrapText(state.notice, width - 1);
  const footer =
    (state.busy !== null ? 1 : 0) +
    notice.length +
    (state.editing !== null ? 1 : 0) +
    (state.confirmingAll ? 1 : 0) +
    1;
  const room = Math.max(2, height - 3 - listHeight - footer);
  const first = Math.min(scroll, Math.max(0, details.length - room));
  const shown = details.slice(first, first + room);
  const nameWidth = Math.min(32, Math.max(...ws.map((w) => w.kind.length + w.name.length + 1)) + 2);
  return (
    <Box flexDirection="column">
      <Text bold wrap="truncate-end">
        Namespace {state.namespace}: {decisionText(decisionCounts(state.session, state.namespace))}
        {exempt !== undefined ? ` · exempt: ${exempt}` : ''}
      </Text>
      <Text
        {...paint(state.session.verification?.[state.namespace]?.status === 'disagrees' ? 'bad' : 'muted')}
        wrap="truncate-end"
      >
        {serverText(state.session, state.namespace)}
      </Text>
      {ws.slice(start, end).map((w, i) => {
        const key = sessionKey(state.session.inventory, w);
        const p = proposalFor(state.session, key);
        const sel = start + i === state.cursor;
        const health = podHealth(w);
        return (
          <Text key={key} wrap="truncate-end" {...(sel ? paint('selected') : {})}>
            {sel ? '> ' : '  '}
            <Text {...paint(statusRole(p?.status))}>{statusLabel(p).padEnd(16)}</Text>
            {`${w.kind} ${w.name}`.padEnd(nameWidth)}
            {(exempt !== undefined ? 'exempt' : (state.session.decisions[key] ?? '')).padEnd(10)}
            {health !== null ? (
              <Text {...paint(/CrashLoop|Error|BackOff|Failed/.test(health) ? 'bad' : 'muted')}>{health}</Text>
            ) : null}
          </Text>
        );
      })}
      <Text {...paint('muted')}>{'─'.repeat(Math.max(10, Math.min(columns - 2, 78)))}</Text>
      {shown.map((l, i) => (
        <Text key={first + i} wrap="truncate-end" {...(l.role !== undefined ? paint(l.role) : {})}>
          {l.text}
        </Text>
      ))}
      <Text {...paint('muted')}>
        {details.length > room
          ? `lines ${first + 1}-${first + shown.length} of ${details.length} · ] scrolls · d shows it in full`
          : 'd shows it in full'}
      </Text>
      {state.busy !== null ? <Spinner label={state.busy} /> : null}
      {notice.map((l, i) => (
        <Text key={`n${i}`} {...paint('accent')}>
          {l}
        </Text>
      ))}
      {state.confirmingAll ? (
        <Text {...paint('warn')}>
          ? Some fixes here need review. Accept every fix in {state.namespace} anyway? (y/n)
        </Text>
      ) : null}
      {state.editing !== null ? (
        <TypedInput
          label={EDIT_PROMPTS[state.editing]}
          value={state.draft}
          placeholder="enter to save, esc to cancel"
          paint={paint}
        />
      ) : null}
    </Box>
  );
}
