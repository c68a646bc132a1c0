// A headless session of the built CLI ends on SIGTERM with exit 130 at any point, never spinning
// (the session runner yields to the event loop between decisions and aborts what is running).
import { spawn } from 'node:child_process';
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

function runUntilSignal(delayMs: number): Promise<{ code: number | null; ms: number; stderr: string }> {
  const cwd = mkdtempSync(join(tmpdir(), 'podsec-sigterm-'));
  const child = spawn('node', [join(ROOT, 'bin/podsec.js'), 'demo', '--non-interactive', '--out', 'p'], {
    cwd,
    env: { ...process.env, NO_COLOR: '1', CI: '' },
  });
  let stderr = '';
  child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
  return new Promise((resolve) => {
    let sent = 0;
    setTimeout(() => {
      sent = Date.now();
      child.kill('SIGTERM');
    }, delayMs);
    child.on('exit', (code) => resolve({ code, ms: sent === 0 ? 0 : Date.now() - sent, stderr }));
  });
}

describe('headless session and SIGTERM', () => {
  it('exits 130 promptly when terminated during start-up or the scan', async () => {
    const codes: (number | null)[] = [];
    for (const delay of [150, 400, 700, 1000]) {
      const r = await runUntilSignal(delay);
      // Before the handler is installed the signal's default ends node (null); after it, 130; a demo
      // that already finished exits 0. Never a hang.
      expect([null, 0, 130], r.stderr).toContain(r.code);
      expect(r.ms).toBeLessThan(3000);
      codes.push(r.code);
    }
    // Once started, the session itself ends on the signal with 130.
    expect(codes.includes(130) || codes.at(-1) === 0, String(codes)).toBe(true);
  }, 40_000);
});
