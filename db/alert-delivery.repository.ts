/**
 * Delivery state of alerts: `pending` → `sending` (written before the POST or SMTP exchange) →
 * `sent` (after the receiver accepted), or back to `pending` with the error to be tried again,
 * or `failed` after the last attempt. `alerts retry` sends failed ones back to `pending`.
 *
 * The transitions are single conditional UPDATEs: a job that finds its alert already `sent`
 * (a duplicate job, a retry after the receiver accepted) claims nothing and sends nothing.
 */
import { sql, type Kysely } from 'kysely';
import type { AlertPayload } from '../pipeline/alert-message.ts';
import { alertsDb, type AlertKindV10 } from './alerts.repository.ts';
import type { AlertStatus, Database } from './schema.ts';
import { subscriptionRowToSubscription, type Subscription } from './subscriptions.repository.ts';

/** An alert as delivery, the `alerts` command and the feed see it. */
export interface Alert {
  readonly id: number;
  readonly subscriptionId: number;
  readonly kind: AlertKindV10;
  readonly status: AlertStatus;
  readonly documentId: number | null;
  readonly dueOn: string | null;
  readonly threshold: number | null;
  readonly attempts: number;
  readonly lastError: string | null;
  readonly response: string | null;
  readonly createdAt: Date;
  readonly sentAt: Date | null;
  readonly nextAttemptAt: Date | null;
  readonly payload: AlertPayload;
}

/** Longest error or response text kept on the row. */
const MAX_NOTE = 1_000;

type AlertRowOut = {
  id: number | string; subscription_id: number | string; kind: AlertKindV10; status: AlertStatus; document_id: number | string | null;
  due_on: string | null; threshold: number | null; attempts: number; last_error: string | null; response: string | null;
  created_at: Date; sent_at: Date | null; next_attempt_at: Date | null; payload: unknown;
};

/** Maps a row to an {@link Alert}. */
export function alertRowToAlert(r: AlertRowOut): Alert {
  return {
    id: Number(r.id),
    subscriptionId: Number(r.subscription_id),
    kind: r.kind,
    status: r.status,
    documentId: r.document_id === null ? null : Number(r.document_id),
    dueOn: r.due_on,
    threshold: r.threshold,
    attempts: r.attempts,
    lastError: r.last_error,
    response: r.response,
    createdAt: new Date(r.created_at),
    sentAt: r.sent_at ? new Date(r.sent_at) : null,
    nextAttemptAt: r.next_attempt_at ? new Date(r.next_attempt_at) : null,
    payload: (r.payload ?? {}) as AlertPayload,
  };
}

const COLUMNS = [
  'id', 'subscription_id', 'kind', 'status', 'document_id', 'due_on', 'threshold', 'attempts', 'last_error', 'response',
  'created_at', 'sent_at', 'next_attempt_at', 'payload',
] as const;

/** What {@link claimAlert} found. */
export type Claim =
  | { readonly kind: 'claimed'; readonly alert: Alert; readonly subscription: Subscription }
  /** Already sent, skipped, gone, or its subscription stopped: nothing to do. */
  | { readonly kind: 'done'; readonly status: AlertStatus | 'gone' };

/**
 * Marks an alert `sending` (attempts + 1) unless it is `sent` or `skipped`, and returns it with its
 * subscription. A `sending` alert is claimed again: its previous worker died mid-send (at-least-once).
 * An alert of an inactive subscription is marked `skipped`.
 */
export async function claimAlert(db: Kysely<Database>, alertId: number, now: Date): Promise<Claim> {
  return alertsDb(db).transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('alerts')
      .set({ status: 'sending', attempts: sql`attempts + 1`, last_attempt_at: now, next_attempt_at: null })
      .where('id', '=', alertId)
      .where('status', 'in', ['pending', 'sending', 'failed'])
      .returning(COLUMNS)
      .executeTakeFirst();
    if (!row) {
      const s = await trx.selectFrom('alerts').select('status').where('id', '=', alertId).executeTakeFirst();
      return { kind: 'done', status: s?.status ?? 'gone' } as const;
    }
    const sub = await trx.selectFrom('subscriptions').selectAll().where('id', '=', row.subscription_id).executeTakeFirst();
    if (!sub || !sub.active) {
      await trx.updateTable('alerts').set({ status: 'skipped', last_error: 'subscription is no longer active' }).where('id', '=', alertId).execute();
      return { kind: 'done', status: 'skipped' } as const;
    }
    return { kind: 'claimed', alert: alertRowToAlert(row), subscription: subscriptionRowToSubscription(sub) } as const;
  });
}

/** Records a delivery the receiver accepted. */
export async function markSent(db: Kysely<Database>, alertId: number, response: string, at: Date): Promise<void> {
  await alertsDb(db)
    .updateTable('alerts')
    .set({ status: 'sent', sent_at: at, response: response.slice(0, MAX_NOTE), last_error: null, next_attempt_at: null })
    .where('id', '=', alertId)
    .execute();
}

/**
 * Records a failed attempt: back to `pending` with the time of the next try, or `failed` when
 * no attempt is left (`nextAttemptAt` null). A row already `sent` is left alone.
 */
export async function markAttemptFailed(db: Kysely<Database>, alertId: number, error: string, response: string | null, nextAttemptAt: Date | null): Promise<void> {
  await alertsDb(db)
    .updateTable('alerts')
    .set({ status: nextAttemptAt === null ? 'failed' : 'pending', last_error: error.slice(0, MAX_NOTE), response: response?.slice(0, MAX_NOTE) ?? null, next_attempt_at: nextAttemptAt })
    .where('id', '=', alertId)
    .where('status', '!=', 'sent')
    .execute();
}

export interface AlertQuery {
  readonly status?: AlertStatus;
  readonly subscriptionId?: number;
  readonly limit?: number;
  /** Only alerts of this web user's subscriptions (migration 0016). */
  readonly userId?: number;
  /** Only alerts with a smaller id (the next page, newest first). */
  readonly beforeId?: number;
}

/** Alerts of the subscriptions `userId` owns (a subquery on the owner column of 0016). */
function ownedBy(userId: number) {
  return sql<boolean>`subscription_id in (select s.id from subscriptions s where s.user_id = ${userId})`;
}

/** Alerts, newest first. */
export async function listAlerts(db: Kysely<Database>, q: AlertQuery = {}): Promise<Alert[]> {
  let s = alertsDb(db).selectFrom('alerts').select(COLUMNS).orderBy('id', 'desc').limit(q.limit ?? 100);
  if (q.status) s = s.where('status', '=', q.status);
  if (q.subscriptionId !== undefined) s = s.where('subscription_id', '=', q.subscriptionId);
  if (q.userId !== undefined) s = s.where(ownedBy(q.userId));
  if (q.beforeId !== undefined) s = s.where('id', '<', q.beforeId);
  return (await s.execute()).map(alertRowToAlert);
}

/** How many alerts have each status (of `userId`'s subscriptions when given). */
export async function countAlertsByStatus(db: Kysely<Database>, q: { userId?: number } = {}): Promise<Record<AlertStatus, number>> {
  let s = alertsDb(db).selectFrom('alerts').select(['status', (eb) => eb.fn.countAll<string>().as('n')]).groupBy('status');
  if (q.userId !== undefined) s = s.where(ownedBy(q.userId));
  const out: Record<AlertStatus, number> = { pending: 0, sending: 0, sent: 0, failed: 0, skipped: 0 };
  for (const r of await s.execute()) out[r.status] = Number(r.n);
  return out;
}

/**
 * Sends failed alerts back to `pending` (attempts kept, for the record). `ids` null: every failed
 * alert. With `userId`, only alerts of that user's subscriptions.
 * @returns the ids reset (those not failed, or not the user's, are left alone).
 */
export async function resetFailed(db: Kysely<Database>, ids: readonly number[] | null, opts: { userId?: number } = {}): Promise<number[]> {
  let u = alertsDb(db).updateTable('alerts').set({ status: 'pending', next_attempt_at: null }).where('status', '=', 'failed');
  if (ids !== null) {
    if (ids.length === 0) return [];
    u = u.where('id', 'in', [...ids]);
  }
  if (opts.userId !== undefined) u = u.where(ownedBy(opts.userId));
  return (await u.returning('id').execute()).map((r) => Number(r.id)).sort((a, b) => a - b);
}

/** Alerts waiting to be (re)queued: `pending`, and `sending` ones older than `staleBefore` (their job may be lost). */
export async function undeliveredAlertIds(db: Kysely<Database>, staleBefore: Date, limit = 1_000): Promise<number[]> {
  const rows = await alertsDb(db)
    .selectFrom('alerts')
    .select('id')
    .where((eb) => eb.or([eb('status', '=', 'pending'), eb.and([eb('status', '=', 'sending'), eb('last_attempt_at', '<', staleBefore)])]))
    .orderBy('id')
    .limit(limit)
    .execute();
  return rows.map((r) => Number(r.id));
}
