// The terminal's size, updated on resize (the layout adapts; 80x24 is the smallest designed for).

import { useStdout } from 'ink';
import { useEffect, useState } from 'react';

/** Columns and rows of stdout (defaults 80x24 when unknown). */
export function useTerminalSize(): { columns: number; rows: number } {
  const { stdout } = useStdout();
  const read = () => ({ columns: stdout.columns || 80, rows: stdout.rows || 24 });
  const [size, setSize] = useState(read);
  useEffect(() => {
    const on = () => setSize(read());
    stdout.on('resize', on);
    return () => void stdout.off('resize', on);
  }, [stdout]);
  return size;
}
