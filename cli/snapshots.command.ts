/**
 * `policy-tracker snapshots prune --older-than 90d | --keep 5`: retention of raw snapshots.
 * Nothing is pruned unless asked; the newest snapshot of each location always stays.
 */
import type { Command } from 'commander';
import { pruneSnapshots, type PruneRule } from '../db/snapshot-retention.repository.ts';
import { DATA_DIR_FLAG, DATA_DIR_HELP, withDatabase } from './database.ts';
import { formatBytes } from './input.ts';

export function registerSnapshots(program: Command): void {
  const snapshots = program.command('snapshots').description('the raw pages kept as fetched');
  snapshots
    .command('prune')
    .description('delete old raw snapshots (documents and versions stay; the newest snapshot of each page stays)')
    .option('--older-than <age>', 'snapshots fetched more than this many days ago, e.g. 90d')
    .option('--keep <n>', 'keep only the newest N snapshots of each page')
    .option(DATA_DIR_FLAG, DATA_DIR_HELP)
    .action(async (opts: { olderThan?: string; keep?: string; dataDir?: string }) => {
      let rule: PruneRule;
      if (opts.olderThan !== undefined && opts.keep === undefined) {
        const m = /^(\d+)d$/.exec(opts.olderThan.trim());
        if (!m) throw new Error(`--older-than expects days like 90d, got "${opts.olderThan}"`);
        rule = { olderThanDays: Number(m[1]) };
      } else if (opts.keep !== undefined && opts.olderThan === undefined) {
        const n = Number(opts.keep);
        if (!Number.isInteger(n) || n < 1) throw new Error(`--keep expects a whole number >= 1, got "${opts.keep}"`);
        rule = { keep: n };
      } else {
        throw new Error('give one of --older-than 90d or --keep 5 (snapshots are kept forever unless you prune)');
      }
      const r = await withDatabase(opts, (db) => pruneSnapshots(db, rule, new Date()));
      process.stdout.write(`pruned ${r.snapshots} snapshot${r.snapshots === 1 ? '' : 's'} (${formatBytes(r.bytes)})\n`);
    });
}
