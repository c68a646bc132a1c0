// The command-line grammar (shared docs/design.md, "Command-line contract"). Each action loads
// its command module lazily so `podsec --help` starts fast.

import { Command, Option } from 'commander';
import { UsageError } from '../errors.js';
import type { CommandContext } from './context.js';
import { closest } from './suggest.js';

const collect = (value: string, previous: string[]): string[] => [...previous, value];

function sourceOptions(cmd: Command): Command {
  return cmd
    .option('-f, --file <path>', "manifest file or directory (repeatable; '-' reads stdin)", collect, [])
    .option('--kubeconfig <path>', 'kubeconfig file (default: $KUBECONFIG, then ~/.kube/config)')
    .option('--context <name>', 'kubeconfig context (default: the current context)')
    .option('-n, --namespace <ns>', 'namespace to read (repeatable)', collect, [])
    .option('-A, --all-namespaces', 'read every namespace (the default for live clusters)', false);
}

const HELP_FOOTER = `
Exit codes: 0 ok; 1 violations (with --exit-code) or a failed operation; 2 usage error;
3 some inputs could not be read (results for the rest are printed); 130 cancelled.

Start here:
  podsec demo                          the guided session on a bundled demo estate (no cluster)
  podsec scan -f k8s/                  evaluate manifests at baseline and restricted
  podsec scan --context prod           scan a live cluster (read-only)
  podsec plan --out plans/prod         write a staged migration plan to review
  podsec apply plans/prod --phase 1-observe --dry-run
  podsec explain runAsNonRoot          what a check requires and how to fix it
`;

const TRIAL_HELP = `
What is tried is the pod template the plan read, patched as the plan patches it:
  plan -n/--context (live)  the workload's template on the cluster now
  plan -f FILES (GitOps)    the manifest's own template, read again from -f (default: the files
                            plan.json names); the trial pod runs in the workload's namespace,
                            which must exist (the Deployment need not). Refused, before any pod
                            is created, when a file no longer holds the workload or its template.
The results go into DIR/plan.json; plan again with the same inputs and --trials DIR to carry
them into the patch files (a passing fix is kept, a failed one is held for review).

Examples:
  podsec trial plans/prod --workload shop/Deployment/vote --iterate 3
  podsec plan -f k8s/ --out plans/staging
  podsec trial plans/staging -f k8s/ --iterate 2 --context staging
  podsec plan -f k8s/ --trials plans/staging --out plans/staging-2
`;

export type CommandName = 'wizard' | 'demo' | 'scan' | 'plan' | 'apply' | 'rollback' | 'explain' | 'trial';

/** Runs a command module; returns the exit code. Supplied by the composition root. */
export type Dispatch = (name: CommandName, flags: Record<string, unknown>, args: string[]) => Promise<number>;

export interface ProgramOutput {
  out(text: string): void;
  err(text: string): void;
}

/** A usage error for words a command does not take: a mistyped command, or files after one -f. */
function unexpectedArguments(name: CommandName, extra: readonly string[], commands: readonly string[]): UsageError {
  const first = extra[0] ?? '';
  if (name === 'wizard') {
    const guess = closest(first, commands);
    return new UsageError(
      `unknown command "${first}"${guess !== null ? ` (did you mean ${guess}?)` : ''}`,
      `podsec --help lists the commands: ${commands.join(', ')}`,
    );
  }
  return new UsageError(
    `unexpected argument "${first}" for podsec ${name}`,
    /\.(ya?ml|json)$|\//.test(first)
      ? 'repeat -f for each file (-f a.yaml -f b.yaml), or pass a directory (-f k8s/)'
      : `podsec ${name} --help lists its options`,
  );
}

export function buildProgram(
  ctx: Pick<CommandContext, 'version'>,
  dispatch: Dispatch,
  setExit: (code: number) => void,
  output: ProgramOutput,
): Command {
  const program = new Command('podsec')
    .exitOverride()
    .configureOutput({ writeOut: output.out, writeErr: output.err })
    .description(
      'Take a Kubernetes cluster to the restricted Pod Security Standard, namespace by namespace, ' +
        'without breaking workloads: scan, fix proposals, a staged plan, and a safe apply.',
    )
    .version(ctx.version, '--version', 'print the podsec version')
    .option('--non-interactive', 'never prompt; every answer comes from flags or --answers', false)
    .option('--line', 'line-by-line prompts instead of the full-screen wizard', false)
    .option('--no-color', 'no colours (NO_COLOR is honoured too)')
    .addHelpText('after', HELP_FOOTER)
    .showHelpAfterError('(run with --help for usage)')
    .enablePositionalOptions()
    // Excess words reach the action, which names the mistake (unexpectedArguments).
    .allowExcessArguments(true);

  const run = (name: CommandName) =>
    async function (this: Command, ...args: unknown[]) {
      const flags = { ...program.opts(), ...this.opts() };
      const positional = args.slice(0, -2).filter((a): a is string => typeof a === 'string');
      // Commands without arguments take none: say what was meant instead of "too many arguments".
      const extra = this.args.slice(this.registeredArguments.length);
      if (extra.length > 0)
        throw unexpectedArguments(
          name,
          extra,
          program.commands.map((c) => c.name()),
        );
      setExit(await dispatch(name, flags, positional));
    };

  sourceOptions(program)
    .option('--out <dir>', 'where the wizard writes its plan', undefined)
    .option('--answers <file>', 'answers file (YAML) for decisions', undefined)
    .option('--force', 'overwrite an existing plan without a journal', false)
    .action(run('wizard'));

  program
    .command('demo')
    .description('the guided session on a bundled demo inventory (no cluster needed)')
    .option('--out <dir>', 'where to write the plan', 'plans/demo')
    .option('--answers <file>', 'answers file (YAML) for decisions')
    .option('--force', 'overwrite an existing plan without a journal', false)
    .option('--non-interactive', 'no prompts: accept every recommended fix and write the plan')
    .option('--line', 'line-by-line prompts instead of the full-screen session')
    .option('--no-color', 'no colours (NO_COLOR is honoured too)')
    .action(run('demo'));

  sourceOptions(program.command('scan').description('evaluate workloads exactly as Pod Security Admission would'))
    .addOption(new Option('--level <level>', 'evaluate one level only').choices(['baseline', 'restricted']))
    .option('--version <version>', 'policy version: v1.N or latest (default: latest, or the namespace pin)')
    .addOption(
      new Option('-o, --output <format>', 'output format')
        .choices(['table', 'json', 'yaml', 'markdown', 'sarif'])
        .default('table'),
    )
    .option('--exit-code', 'exit 1 when a workload fails the level (restricted unless --level)', false)
    .option('--verify', 'server-side dry-run to confirm verdicts (live clusters; default when permitted)')
    .option('--no-verify', 'skip the server-side dry-run')
    .action(run('scan'));

  sourceOptions(program.command('plan').description('write a staged migration plan with patch files'))
    .addOption(
      new Option('--target <level>', 'target level (default: the answers file, else restricted)').choices([
        'baseline',
        'restricted',
      ]),
    )
    .option('--out <dir>', 'plan directory', 'plans/podsec')
    .option('--answers <file>', 'answers file (YAML): UIDs, writable paths, exemptions, skips')
    .option('--exempt <ns>', 'namespace to record as exempt (repeatable)', collect, [])
    .option('--harden', 'add readOnlyRootFilesystem hardening beyond the level', false)
    .option('--force', 'overwrite an existing plan (never one with an apply journal)', false)
    .option(
      '--version <version>',
      'policy version to pin and evaluate at: v1.N or latest (default: the cluster minor, else the newest)',
    )
    .option(
      '--evidence',
      'read container logs of failing or crashing workloads to inform fixes (live clusters; needs get pods/log)',
      false,
    )
    .option(
      '--probe',
      'also run id -u, id -g and a find in their pods (asks first; implies --evidence; needs pods/exec)',
      false,
    )
    .option('--yes', 'run --probe without asking', false)
    .option(
      '--trials <dir>',
      'use the trial runs recorded in that plan (podsec trial): the fixes that passed, and failed trials hold their patch',
    )
    .option(
      '--chart <dir>',
      'plan a Helm chart: render it, fix the workloads, and find the chart values that realise the fixes (values-podsec.yaml)',
    )
    .option('--values <file>', 'with --chart: your values file (repeatable, in helm order)', collect, [])
    .option('--release <name>', 'with --chart: the release name to render with (default: the chart name)')
    .option(
      '--edit-sources',
      'with -f: also write each fix into the manifest files themselves (comments and layout kept) and show the diff',
      false,
    )
    .option('--dry-run', 'with --edit-sources: show the diffs, write no source file', false)
    .option('--non-interactive', 'never prompt (--probe then needs --yes)')
    .action(run('plan'));

  program
    .command('apply')
    .description('apply a plan phase by phase: server-side dry-run, confirm, journal')
    .argument('<dir>', 'plan directory')
    .option('--phase <id>', 'phase to apply (default: the next one not applied)')
    .option('--namespace <ns>', 'limit to these namespaces (repeatable)', collect, [])
    .option('--kubeconfig <path>', 'kubeconfig file')
    .option('--context <name>', 'kubeconfig context')
    .option('--yes', 'do not ask for confirmation', false)
    .option('--dry-run', 'run every check and write nothing', false)
    .option('--force', 'skip phase gating and cluster/drift checks (never the plan file digests)', false)
    .option(
      '--accept-modified-plan-files',
      'use patch files that differ from the digests in plan.json (after reviewing them); the security-field check still applies',
      false,
    )
    .option('--timeout <seconds>', 'rollout timeout per workload', '300')
    .addOption(
      new Option('--wait <until>', 'end a rollout when new pods are ready, or once they are admitted')
        .choices(['ready', 'admitted'])
        .default('ready'),
    )
    .action(run('apply'));

  program
    .command('trial')
    .description(
      'try the patched pod templates as short-lived copies on the cluster before applying (create/delete pods)',
    )
    .argument('<dir>', 'plan directory')
    .option(
      '-f, --file <path>',
      "a plan made with -f: the manifests to try, as the plan read them (repeatable; default: the files plan.json names; '-' reads stdin)",
      collect,
      [],
    )
    .option(
      '--workload <key>',
      'namespace/Kind/name to try (repeatable; default: every workload with a proposed fix)',
      collect,
      [],
    )
    .option('--iterate <n>', 'rounds at most: after a failure, re-propose from its logs and try again', '1')
    .option('--timeout <duration>', 'how long to watch each copy (e.g. 60s, 2m)', '60s')
    .option(
      '--allow <key=reason>',
      'run a copy the safety rules refuse (StatefulSet, Job, hostPort, ReadWriteOnce PVC), with your reason (repeatable)',
      collect,
      [],
    )
    .option('--kubeconfig <path>', 'kubeconfig file')
    .option('--context <name>', 'kubeconfig context')
    .option('--dry-run', 'print the trial pods and create nothing', false)
    .addHelpText('after', TRIAL_HELP)
    .action(run('trial'));

  program
    .command('rollback')
    .description("undo a phase from the plan's journal, newest change first")
    .argument('<dir>', 'plan directory')
    .option('--phase <id>', 'phase to roll back (default: the last applied)')
    .option('--namespace <ns>', 'limit to these namespaces (repeatable)', collect, [])
    .option('--kubeconfig <path>', 'kubeconfig file')
    .option('--context <name>', 'kubeconfig context')
    .option('--yes', 'do not ask for confirmation', false)
    .option('--dry-run', 'run every check and write nothing', false)
    .option('--force', 'revert even where someone changed the object since', false)
    .option('--timeout <seconds>', 'rollout timeout per workload', '300')
    .addOption(
      new Option('--wait <until>', 'end a rollout when pods are ready, or once they are admitted')
        .choices(['ready', 'admitted'])
        .default('ready'),
    )
    .action(run('rollback'));

  program
    .command('explain')
    .description('what a check requires, at which policy versions, and how to fix it')
    .argument('[check]', 'check ID, e.g. runAsNonRoot (omit to list all)')
    .action(run('explain'));

  return program;
}
