/**
 * The command line: `npx policy-tracker <command>`. Each command lives in its own
 * `*.command.ts`; this file wires them and turns errors into one line on stderr with a
 * non-zero exit.
 */
import { Command, CommanderError } from 'commander';
import { registerCompare } from './compare.command.ts';
import { registerDiff } from './diff.command.ts';
import { registerExpiring } from './expiring.command.ts';
import { registerIngest } from './ingest.command.ts';
import { registerRecordCommands } from './record.command.ts';
import { registerSegment } from './segment.command.ts';
import { registerSources } from './sources.command.ts';
import { registerWorker } from './worker.command.ts';
import { registerJobs } from './jobs.command.ts';
import { registerSnapshots } from './snapshots.command.ts';
import { registerServe } from './serve.command.ts';
import { registerUsers } from './users.command.ts';
import { registerSubscribe } from './subscribe.command.ts';
import { registerAlerts } from './alerts.command.ts';
import { registerFeed } from './feed.command.ts';

const program = new Command();
program
  .name('policy-tracker')
  .description('Follow Chinese government policy texts as they change.')
  .showHelpAfterError('(run with --help for usage)')
  .exitOverride();

registerSegment(program);
registerIngest(program);
registerRecordCommands(program);
registerCompare(program);
registerExpiring(program);
registerDiff(program);
registerSources(program);
registerWorker(program);
registerJobs(program);
registerSnapshots(program);
registerServe(program);
registerUsers(program);
registerSubscribe(program);
registerAlerts(program);
registerFeed(program);

/** Exit codes: 1 for bad input or a failed run, 2 for a usage error. */
async function main(argv: string[]): Promise<number> {
  try {
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

process.exitCode = await main(process.argv);
