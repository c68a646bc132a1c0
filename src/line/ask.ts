// Shell: runs an inquirer prompt, turning its cancellation (Ctrl-C) into null.

/** The prompt's answer, or null when the operator cancelled it (inquirer's ExitPromptError). */
export async function ask<T>(q: () => Promise<T>): Promise<T | null> {
  try {
    return await q();
  } catch (err) {
    if (err instanceof Error && err.name === 'ExitPromptError') return null;
    throw err;
  }
}
