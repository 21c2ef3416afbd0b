/** `policy-tracker feed <subscription-id> [--limit 50]`: the subscription's alerts as an Atom feed. */
import type { Command } from 'commander';
import { listAlerts } from '../db/alert-delivery.repository.ts';
import { getSubscription } from '../db/subscriptions.repository.ts';
import { renderAtomFeed } from '../pipeline/alert-feed.ts';
import { DATA_DIR_FLAG, DATA_DIR_HELP, withDatabase } from './database.ts';

export function registerFeed(program: Command): void {
  program
    .command('feed')
    .description("print a subscription's alerts as an Atom feed (newest first)")
    .argument('<subscription-id>', 'the subscription id, as `subscriptions` shows it')
    .option('--limit <n>', 'at most this many entries', '50')
    .option(DATA_DIR_FLAG, DATA_DIR_HELP)
    .action(async (id: string, opts: { limit: string; dataDir?: string }) => {
      if (!/^\d+$/.test(id)) throw new Error(`feed expects a subscription id (a number), got "${id}"`);
      const limit = Number(opts.limit);
      if (!Number.isInteger(limit) || limit < 1) throw new Error(`--limit expects a whole number >= 1, got "${opts.limit}"`);
      const xml = await withDatabase(opts, async (db) => {
        const sub = await getSubscription(db, Number(id));
        if (!sub) throw new Error(`no subscription #${id}; see \`policy-tracker subscriptions --all\``);
        // Skipped alerts (unsubscribed before sending) were never news to the reader.
        const alerts = (await listAlerts(db, { subscriptionId: sub.id, limit: limit * 2 })).filter((a) => a.status !== 'skipped').slice(0, limit);
        return renderAtomFeed({
          subscription: { id: sub.id, name: sub.name },
          alerts: alerts.map((a) => ({ id: a.id, kind: a.kind, payload: a.payload, createdAt: a.createdAt.toISOString() })),
          updated: sub.createdAt.toISOString(),
        });
      });
      process.stdout.write(xml);
    });
}
