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
import type { Database, SubscriptionRow, SubscriptionsTable } from './schema.ts';

/** `subscriptions` with its owner (migration 0016): a web user, or null when the CLI made it. */
export interface SubscriptionsTableV16 extends SubscriptionsTable {
  user_id: number | null;
}
type SubscriptionsDatabase = Omit<Database, 'subscriptions'> & { subscriptions: SubscriptionsTableV16 };

/** The same connection, typed with 0016's owner column. */
function subsDb(db: Kysely<Database>): Kysely<SubscriptionsDatabase> {
  return db as unknown as Kysely<SubscriptionsDatabase>;
}

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
  /** The web user it belongs to; null when made by the CLI (migration 0016). */
  readonly userId: number | null;
}

/** Maps a row to a {@link Subscription}. */
export function subscriptionRowToSubscription(r: SubscriptionRow & { user_id?: number | string | null }): Subscription {
  return {
    id: Number(r.id),
    userId: r.user_id === null || r.user_id === undefined ? null : Number(r.user_id),
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
  /** The web user it belongs to (null or absent: the CLI's). */
  readonly userId?: number | null;
}

/**
 * Creates a subscription, or replaces name, filters and secret of the one of the same owner with
 * the same channel and target (reactivating it after `unsubscribe`). Another user's subscription
 * to the same address is a separate row, never touched.
 * @returns the subscription and whether it was created now.
 */
export async function saveSubscription(db: Kysely<Database>, input: SubscriptionInput): Promise<{ subscription: Subscription; created: boolean }> {
  const filters = JSON.stringify(input.filters);
  // warn_days keeps the widest threshold: the scan looks that far ahead.
  const warnDays = Math.max(...warnDaysOf(input.filters));
  const row = await subsDb(db)
    .insertInto('subscriptions')
    .values({ channel: input.channel, target: input.target, name: input.name, filters, secret: input.secret, warn_days: warnDays, user_id: input.userId ?? null })
    .onConflict((oc) =>
      oc.columns(['user_id', 'channel', 'target']).doUpdateSet({ name: input.name, filters, secret: input.secret, warn_days: warnDays, active: true }),
    )
    .returningAll()
    // xmax = 0 only on a freshly inserted row.
    .returning(sql<boolean>`(xmax = 0)`.as('created'))
    .executeTakeFirstOrThrow();
  return { subscription: subscriptionRowToSubscription(row), created: row.created };
}

/** Active subscriptions (all with `all`), oldest first; with `userId`, only that user's. */
export async function listSubscriptions(db: Kysely<Database>, opts: { all?: boolean; userId?: number } = {}): Promise<Subscription[]> {
  let q = subsDb(db).selectFrom('subscriptions').selectAll().orderBy('id');
  if (!opts.all) q = q.where('active', '=', true);
  if (opts.userId !== undefined) q = q.where('user_id', '=', opts.userId);
  return (await q.execute()).map(subscriptionRowToSubscription);
}

/** One subscription by id, or null. */
export async function getSubscription(db: Kysely<Database>, id: number): Promise<Subscription | null> {
  const r = await subsDb(db).selectFrom('subscriptions').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? subscriptionRowToSubscription(r) : null;
}

/**
 * Deactivates a subscription: no new alerts, and its alerts not yet sent are marked `skipped`
 * (sent ones stay, for its feed and the record). With `userId`, only a subscription of that user.
 * @returns false when no active subscription (of that user) has the id.
 */
export async function deactivateSubscription(db: Kysely<Database>, id: number, opts: { userId?: number } = {}): Promise<boolean> {
  return subsDb(db).transaction().execute(async (trx) => {
    let u = trx.updateTable('subscriptions').set({ active: false }).where('id', '=', id).where('active', '=', true);
    if (opts.userId !== undefined) u = u.where('user_id', '=', opts.userId);
    const r = await u.returning('id').executeTakeFirst();
    if (!r) return false;
    await trx.updateTable('alerts').set({ status: 'skipped' }).where('subscription_id', '=', id).where('status', 'in', ['pending', 'failed']).execute();
    return true;
  });
}
