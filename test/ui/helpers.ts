// Key presses and frame polling for ink-testing-library (no fixed sleeps beyond the first tick).
import { stripVTControlCharacters } from 'node:util';

export const KEYS = {
  up: '\u001B[A',
  down: '\u001B[B',
  enter: '\r',
  esc: '\u001B',
  ctrlC: '\u0003',
  space: ' ',
} as const;

/** The last frame without ANSI codes. */
export function frameOf(inst: { lastFrame: () => string | undefined }): string {
  return stripVTControlCharacters(inst.lastFrame() ?? '');
}

/** Polls until `pred(frame)` holds (or fails with the last frame after `ms`). */
export async function waitFor(
  inst: { lastFrame: () => string | undefined },
  pred: (frame: string) => boolean,
  ms = 10_000,
): Promise<string> {
  const until = Date.now() + ms;
  for (;;) {
    const f = frameOf(inst);
    if (pred(f)) return f;
    if (Date.now() > until) throw new Error(`timed out waiting; last frame:\n${f}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/** One tick so useInput attaches. */
export const tick = () => new Promise((r) => setTimeout(r, 20));

/** Writes a key and waits until the frame changes (or `until` holds). */
export async function press(
  inst: { stdin: { write: (s: string) => void }; lastFrame: () => string | undefined },
  key: string,
  until?: (frame: string) => boolean,
): Promise<string> {
  const before = frameOf(inst);
  inst.stdin.write(key);
  return waitFor(inst, until ?? ((f) => f !== before));
}
