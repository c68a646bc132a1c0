// Composition root: parses argv, builds the concrete adapters, runs a command, maps errors to
// exit codes. The only place that reads process.* for the rest of the program.

import { fileURLToPath } from 'node:url';
import { CommanderError } from 'commander';
import { buildProgram, type CommandName } from './cli/program.js';
import { processIo } from './cli/io.js';
import { renderError } from './cli/render-error.js';
import type { CommandContext } from './cli/context.js';
import { EXIT, exitCodeFor } from './errors.js';
import { parseFlags } from './cli/flags.js';

declare const PODSEC_VERSION: string | undefined;
const version = typeof PODSEC_VERSION === 'string' ? PODSEC_VERSION : '0.1.0';

async function main(argv: string[]): Promise<number> {
  const noColor = argv.includes('--no-color');
  const io = processIo(process, noColor);
  const controller = new AbortController();
  let interrupted = false;
  const onSignal = () => {
    if (interrupted) process.exit(EXIT.cancelled);
    interrupted = true;
    controller.abort();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let exitCode: number = EXIT.ok;
  const dispatch = async (name: CommandName, raw: Record<string, unknown>, args: string[]) => {
    const flags = parseFlags(raw);
    const ctx: CommandContext = {
      io,
      env: process.env,
      cwd: process.cwd(),
      templatesDir: fileURLToPath(new URL('../templates/', import.meta.url)),
      now: () => new Date(),
      version,
      globals: {
        nonInteractive: flags.nonInteractive,
        line: flags.line,
        color: io.color,
      },
      signal: controller.signal,
    };
    const mod = await loadCommand(name);
    return mod.run(flags, args, ctx);
  };

  const program = buildProgram({ version }, dispatch, (code) => (exitCode = code), io);
  try {
    await program.parseAsync(argv, { from: 'node' });
    return interrupted && exitCode === EXIT.ok ? EXIT.cancelled : exitCode;
  } catch (err) {
    if (err instanceof CommanderError) {
      if (err.code === 'commander.helpDisplayed' || err.code === 'commander.version' || err.code === 'commander.help') {
        return EXIT.ok;
      }
      return EXIT.usage;
    }
    io.err(renderError(err, version));
    return exitCodeFor(err);
  }
}

interface CommandModule {
  run(flags: Record<string, unknown>, args: string[], ctx: CommandContext): Promise<number>;
}

async function loadCommand(name: CommandName): Promise<CommandModule> {
  switch (name) {
    case 'scan':
      return import('./cli/commands/scan.js');
    case 'plan':
      return import('./cli/commands/plan.js');
    case 'apply':
      return import('./cli/commands/apply.js');
    case 'rollback':
      return import('./cli/commands/rollback.js');
    case 'explain':
      return import('./cli/commands/explain.js');
    case 'trial':
      return import('./cli/commands/trial.js');
    case 'demo':
      return import('./cli/commands/demo.js');
    case 'wizard':
      return import('./cli/commands/wizard.js');
  }
}

const code = await main(process.argv);
process.exitCode = code;
