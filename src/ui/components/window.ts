// Which slice of a list fits in `height` rows while keeping the cursor visible. Pure helper.

/** Start and end (exclusive) of the visible slice. */
export function visibleWindow(length: number, cursor: number, height: number): { start: number; end: number } {
  const h = Math.max(1, height);
  if (length <= h) return { start: 0, end: length };
  const start = Math.min(Math.max(0, cursor - Math.floor(h / 2)), length - h);
  return { start, end: start + h };
}
