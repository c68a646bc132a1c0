// The closest known word to a mistyped one ("did you mean scan?"). Pure.

/** Edit distance (insertions, deletions, substitutions, adjacent swaps). */
export function editDistance(a: string, b: string): number {
  const d: number[][] = Array.from({ length: a.length + 1 }, (_, i) =>
    Array.from({ length: b.length + 1 }, (_, j) => (i === 0 ? j : j === 0 ? i : 0)),
  );
  for (let i = 1; i <= a.length; i++) {
    for (let j = 1; j <= b.length; j++) {
      const row = d[i] as number[];
      const prev = d[i - 1] as number[];
      row[j] = Math.min(
        (prev[j] ?? 0) + 1,
        (row[j - 1] ?? 0) + 1,
        (prev[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1),
      );
      if (i > 1 && j > 1 && a[i - 1] === b[j - 2] && a[i - 2] === b[j - 1])
        row[j] = Math.min(row[j] ?? 0, ((d[i - 2] as number[])[j - 2] ?? 0) + 1);
    }
  }
  return (d[a.length] as number[])[b.length] ?? 0;
}

/** The known word closest to `word` when it is close enough (at most 2 edits, and less than half of it), else null. */
export function closest(word: string, known: readonly string[]): string | null {
  let best: { w: string; d: number } | null = null;
  for (const k of known) {
    const d = editDistance(word.toLowerCase(), k);
    if (best === null || d < best.d) best = { w: k, d };
  }
  return best !== null && best.d <= 2 && best.d < Math.max(2, word.length / 2) ? best.w : null;
}
