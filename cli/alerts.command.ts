/**
 * `policy-tracker alerts [--failed] [--json]`, `alerts retry <id|--all>` and `alerts scan [--on DATE]`:
 * what was raised and sent, sending failed alerts again, and running the expiry scan by hand.
 */
import type { Command } from 'commander';
import { getConfig, getWorkerConfig } from '../config.ts';
import { listAlerts, resetFailed, type Alert } from '../db/alert-delivery.repository.ts';
import { raiseExpiryAlerts } from '../db/alerts.repository.ts';
import { renderAlertMessage } from '../pipeline/alert-message.ts';
import { DATA_DIR_FLAG, DATA_DIR_HELP, dayOf, withDatabase } from './database.ts';

function line(a: Alert): string {
  const when = (a.sentAt ?? a.createdAt).toISOString().slice(0, 19).replace('T', ' ');
  const tail = a.status === 'failed' || (a.status === 'pending' && a.lastError) ? `  · ${a.attempts} attempts · ${a.lastError ?? ''}` : '';
  return `#${String(a.id).padEnd(5)} ${a.status.padEnd(8)} sub #${String(a.subscriptionId).padEnd(4)} ${a.kind.padEnd(17)} ${when}Z  ${renderAlertMessage({ id: a.id, kind: a.kind, payload: a.payload }).subject}${tail}`;
}

function positive(flag: string, v: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new Error(`${flag} expects a whole number >= 1, got "${v}"`);
  return n;
}

/** Queues alert ids for delivery, or says that a worker will pick them up. */
async function queue(ids: readonly number[], requeue: boolean): Promise<string> {
  if (ids.length === 0) return '';
  const { queueDeliveriesOrLeavePending } = await import('../workers/alert-queue.ts');
  const r = await queueDeliveriesOrLeavePending(getConfig().redisUrl, getWorkerConfig(), ids, { requeue });
  return r.queued ? 'queued for delivery' : `left pending (${r.reason}); a worker will deliver them once it runs`;
}

export function registerAlerts(program: Command): void {
  const alerts = program
    .command('alerts')
    .description('alerts raised for the subscriptions, newest first (--failed: those that gave up)')
    .option('--failed', 'only alerts whose delivery failed after the last retry')
    .option('--subscription <id>', 'only the alerts of one subscription')
    .option('--limit <n>', 'at most this many', '50')
    .option('--json', 'print JSON')
    .option(DATA_DIR_FLAG, DATA_DIR_HELP)
    .action(async (opts: { failed?: boolean; subscription?: string; limit: string; json?: boolean; dataDir?: string }) => {
      const list = await withDatabase(opts, (db) =>
        listAlerts(db, {
          status: opts.failed ? 'failed' : undefined,
          subscriptionId: opts.subscription === undefined ? undefined : positive('--subscription', opts.subscription),
          limit: positive('--limit', opts.limit),
        }),
      );
      if (opts.json) process.stdout.write(`${JSON.stringify({ alerts: list }, null, 2)}\n`);
      else if (list.length === 0) process.stdout.write(opts.failed ? 'no failed alerts\n' : 'no alerts\n');
      else process.stdout.write(`${list.map(line).join('\n')}\n`);
    });

  alerts
    .command('retry')
    .description('send failed alerts (one by id, or --all) back to the deliver queue')
    .argument('[id]', 'the alert id, as `alerts --failed` shows it')
    .option('--all', 'every failed alert')
    .option(DATA_DIR_FLAG, DATA_DIR_HELP)
    .action(async (id: string | undefined, opts: { all?: boolean; dataDir?: string }) => {
      if ((id === undefined) === !opts.all) throw new Error('give an alert id or --all');
      const ids = await withDatabase(opts, (db) => resetFailed(db, opts.all ? null : [positive('alert id', id!)]));
      if (ids.length === 0) throw new Error(opts.all ? 'no failed alerts to retry' : `alert #${id} is not failed; see \`policy-tracker alerts --failed\``);
      process.stdout.write(`retrying ${ids.length} alert${ids.length === 1 ? '' : 's'} (#${ids.join(', #')}): ${await queue(ids, true)}\n`);
    });

  alerts
    .command('scan')
    .description('run the expiry scan for a day now (the workers run it daily) and queue the alerts it creates')
    .option('--on <date>', 'the day to scan (YYYY-MM-DD, default today in China)')
    .option('--json', 'print JSON')
    .option(DATA_DIR_FLAG, DATA_DIR_HELP)
    .action(async (opts: { on?: string; json?: boolean; dataDir?: string }) => {
      const on = dayOf(opts.on);
      const r = await withDatabase(opts, (db) => raiseExpiryAlerts(db, { on }));
      const queued = await queue(r.created, false);
      if (opts.json) process.stdout.write(`${JSON.stringify(r, null, 2)}\n`);
      else process.stdout.write(`scan ${on} (${r.lookahead} days ahead): ${r.expiring} ending, ${r.expired} ended · ${r.created.length} new alert${r.created.length === 1 ? '' : 's'}${queued ? `, ${queued}` : ''}\n`);
    });
}
