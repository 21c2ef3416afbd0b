/**
 * The command line: `npx policy-tracker <command>`. Each command lives in its own
 * `*.command.ts`; this file wires them and turns errors into one line on stderr with a
 * non-zero exit.
 *
 * Only the module of the command being run is loaded (the database, the HTTP server, BullMQ and
 * the HTML parser are heavy to import): `segment` starts in a fraction of the time it would take
 * with every command loaded. `--help` and an unknown command load them all.
 */
import { Command, CommanderError } from 'commander';

type Register = (program: Command) => void;

/** Command name → loader of the module that registers it. */
const COMMANDS: Readonly<Record<string, () => Promise<Register>>> = {
  segment: async () => (await import('./segment.command.ts')).registerSegment,
  compare: async () => (await import('./compare.command.ts')).registerCompare,
  ingest: async () => (await import('./ingest.command.ts')).registerIngest,
  migrate: async () => (await import('./record.command.ts')).registerRecordCommands,
  documents: async () => (await import('./record.command.ts')).registerRecordCommands,
  history: async () => (await import('./record.command.ts')).registerRecordCommands,
  show: async () => (await import('./record.command.ts')).registerRecordCommands,
  diff: async () => (await import('./diff.command.ts')).registerDiff,
  expiring: async () => (await import('./expiring.command.ts')).registerExpiring,
  sources: async () => (await import('./sources.command.ts')).registerSources,
  worker: async () => (await import('./worker.command.ts')).registerWorker,
  jobs: async () => (await import('./jobs.command.ts')).registerJobs,
  snapshots: async () => (await import('./snapshots.command.ts')).registerSnapshots,
  serve: async () => (await import('./serve.command.ts')).registerServe,
  users: async () => (await import('./users.command.ts')).registerUsers,
  subscribe: async () => (await import('./subscribe.command.ts')).registerSubscribe,
  subscriptions: async () => (await import('./subscribe.command.ts')).registerSubscribe,
  unsubscribe: async () => (await import('./subscribe.command.ts')).registerSubscribe,
  alerts: async () => (await import('./alerts.command.ts')).registerAlerts,
  feed: async () => (await import('./feed.command.ts')).registerFeed,
};

/** Register the command named in `argv` (or every command, for help and unknown names). */
async function buildProgram(argv: readonly string[]): Promise<Command> {
  const program = new Command();
  program
    .name('policy-tracker')
    .description('Follow Chinese government policy texts as they change.')
    .showHelpAfterError('(run with --help for usage)')
    .exitOverride();
  const name = argv.slice(2).find((a) => !a.startsWith('-'));
  const loader = name !== undefined ? COMMANDS[name] : undefined;
  const loaders = loader ? [loader] : Object.values(COMMANDS);
  const registered = new Set<Register>();
  for (const load of loaders) {
    const register = await load();
    if (registered.has(register)) continue;
    registered.add(register);
    register(program);
  }
  return program;
}

/** Exit codes: 1 for bad input or a failed run, 2 for a usage error. */
async function main(argv: string[]): Promise<number> {
  try {
    const program = await buildProgram(argv);
    await program.parseAsync(argv);
    return process.exitCode === undefined ? 0 : Number(process.exitCode);
  } catch (rawErr) {
    if (rawErr instanceof CommanderError) {
      // Help and version are "errors" to commander; they have already printed.
      return rawErr.exitCode === 0 ? 0 : 2;
    }
    const err = rawErr instanceof Error ? rawErr : new Error(String(rawErr));
    // Every failure is one line; the stack only on request.
    process.stderr.write(`policy-tracker: ${err.message.split('\n')[0]}\n`);
    if (process.env.POLICY_TRACKER_DEBUG) process.stderr.write(`${err.stack ?? ''}\n`);
    return 1;
  }
}

// A reader that stops early (`policy-tracker show … | head`) closes the pipe: the rest of the
// output has nowhere to go, and that is not a failure. Stop quietly, as Unix tools do, instead
// of dying on an unhandled EPIPE with a stack trace.
process.stdout.on('error', (err: NodeJS.ErrnoException) => {
  if (err.code === 'EPIPE') process.exit(process.exitCode === undefined ? 0 : Number(process.exitCode));
  throw err;
});

process.exitCode = await main(process.argv);
