/**
 * Subscriptions: who is told about what. A webhook URL or an e-mail address, its filters
 * (pipeline/alert-match.ts) in `filters`, and for webhooks the secret their bodies are signed with.
 *
 * @example
 * const { subscription, created } = await saveSubscription(db, {
 *   channel: 'webhook', target: 'https://example.com/hook', name: 'fund team',
 *   filters: { regions: ['广东'], warnDays: [90, 30, 7] }, secret: newSecret(),
 * });
 */
import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { parseFilters, warnDaysOf, type SubscriptionFilters } from '../pipeline/alert-match.ts';
import type { Database, SubscriptionRow } from './schema.ts';

export type Channel = 'webhook' | 'email';

/** A subscription as the commands and workers use it. */
export interface Subscription {
  readonly id: number;
  readonly name: string;
  readonly channel: Channel;
  readonly target: string;
  readonly secret: string | null;
  readonly filters: SubscriptionFilters;
  readonly active: boolean;
  readonly createdAt: Date;
}

/** Maps a row to a {@link Subscription}. */
export function subscriptionRowToSubscription(r: SubscriptionRow): Subscription {
  return {
    id: Number(r.id),
    name: r.name,
    channel: r.channel,
    target: r.target,
    secret: r.secret,
    filters: parseFilters(r.filters),
    active: r.active,
    createdAt: new Date(r.created_at),
  };
}

/** A new webhook secret: 32 random bytes, hex. */
export function newSecret(): string {
  return randomBytes(32).toString('hex');
}

export interface SubscriptionInput {
  readonly channel: Channel;
  readonly target: string;
  readonly name: string;
  readonly filters: SubscriptionFilters;
  /** Webhooks: the signing secret; null for e-mail. */
  readonly secret: string | null;
}

/**
 * Creates a subscription, or replaces name, filters and secret of the one with the same channel
 * and target (reactivating it after `unsubscribe`).
 * @returns the subscription and whether it was created now.
 */
export async function saveSubscription(db: Kysely<Database>, input: SubscriptionInput): Promise<{ subscription: Subscription; created: boolean }> {
  const filters = JSON.stringify(input.filters);
  // warn_days keeps the widest threshold: the scan looks that far ahead.
  const warnDays = Math.max(...warnDaysOf(input.filters));
  const row = await db
    .insertInto('subscriptions')
    .values({ channel: input.channel, target: input.target, name: input.name, filters, secret: input.secret, warn_days: warnDays })
    .onConflict((oc) =>
      oc.columns(['channel', 'target']).doUpdateSet({ name: input.name, filters, secret: input.secret, warn_days: warnDays, active: true }),
    )
    .returningAll()
    // xmax = 0 only on a freshly inserted row.
    .returning(sql<boolean>`(xmax = 0)`.as('created'))
    .executeTakeFirstOrThrow();
  return { subscription: subscriptionRowToSubscription(row), created: row.created };
}

/** Active subscriptions (all with `all`), oldest first. */
export async function listSubscriptions(db: Kysely<Database>, opts: { all?: boolean } = {}): Promise<Subscription[]> {
  let q = db.selectFrom('subscriptions').selectAll().orderBy('id');
  if (!opts.all) q = q.where('active', '=', true);
  return (await q.execute()).map(subscriptionRowToSubscription);
}

/** One subscription by id, or null. */
export async function getSubscription(db: Kysely<Database>, id: number): Promise<Subscription | null> {
  const r = await db.selectFrom('subscriptions').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? subscriptionRowToSubscription(r) : null;
}

/**
 * Deactivates a subscription: no new alerts, and its alerts not yet sent are marked `skipped`
 * (sent ones stay, for its feed and the record). @returns false when no active subscription has the id.
 */
export async function deactivateSubscription(db: Kysely<Database>, id: number): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const r = await trx.updateTable('subscriptions').set({ active: false }).where('id', '=', id).where('active', '=', true).returning('id').executeTakeFirst();
    if (!r) return false;
    await trx.updateTable('alerts').set({ status: 'skipped' }).where('subscription_id', '=', id).where('status', 'in', ['pending', 'failed']).execute();
    return true;
  });
}
