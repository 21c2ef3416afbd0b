/**
 * Source health: a source turns `broken` (failing, blocked, selector no longer matching,
 * mojibake) or back to `ok`, and each transition records one alert for the operators'
 * subscription (`source-broken` / `source-recovered`). Delivery is the `deliver` queue's job.
 *
 * Transitions are single conditional UPDATEs, so when many workers see the same trouble at once
 * exactly one of them records the alert.
 */
import { sql, type Kysely } from 'kysely';
import type { AlertKind, Database } from './schema.ts';

/** Why a source is broken. */
export type BrokenReason = 'failing' | 'blocked' | 'selector' | 'mojibake';

/** Alert kinds of source health (migration 0009 adds them to the check). */
export type SourceAlertKind = 'source-broken' | 'source-recovered';

/** Name of the subscription operator alerts go to. */
export const OPERATORS_SUBSCRIPTION = 'operators';

/**
 * The operators' subscription (created on first use): `target` is an e-mail address or a webhook
 * URL. @returns its id.
 */
export async function ensureOperatorsSubscription(db: Kysely<Database>, target: string): Promise<number> {
  const channel = /^https?:\/\//.test(target) ? ('webhook' as const) : ('email' as const);
  const row = await db
    .insertInto('subscriptions')
    .values({
      name: OPERATORS_SUBSCRIPTION,
      channel,
      target,
      filters: JSON.stringify({ alertKinds: ['source-broken', 'source-recovered'] }),
    })
    // Unique per owner since migration 0016; the operators' subscription has none (user_id null).
    .onConflict((oc) => oc.constraint('subscriptions_owner_channel_target_key').doUpdateSet({ name: OPERATORS_SUBSCRIPTION }))
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

export interface HealthContext {
  readonly operators: string;
  readonly at: Date;
}

/**
 * Marks a source broken unless it already is; when this call made the transition, records a
 * `source-broken` alert. @returns true when this call made the transition.
 */
export async function markBroken(
  db: Kysely<Database>,
  sourceId: number,
  reason: BrokenReason,
  detail: string,
  ctx: HealthContext,
): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const row = await trx
      .updateTable('sources')
      .set({ health: 'broken', broken_reason: reason, broken_since: ctx.at, last_error: detail.slice(0, 500), updated_at: ctx.at })
      .where('id', '=', sourceId)
      .where('health', '=', 'ok')
      .returning(['id', 'location'])
      .executeTakeFirst();
    if (!row) return false;
    await recordAlert(trx, 'source-broken', sourceId, ctx, { sourceId, location: row.location, reason, detail, since: ctx.at.toISOString() });
    return true;
  });
}

/**
 * Marks a broken source ok again; when this call made the transition, records a
 * `source-recovered` alert. @returns true when this call made the transition.
 */
export async function markRecovered(db: Kysely<Database>, sourceId: number, ctx: HealthContext): Promise<boolean> {
  return db.transaction().execute(async (trx) => {
    const before = await trx
      .selectFrom('sources')
      .select(['broken_reason', 'broken_since'])
      .where('id', '=', sourceId)
      .where('health', '=', 'broken')
      .forUpdate()
      .executeTakeFirst();
    if (!before) return false;
    const row = await trx
      .updateTable('sources')
      .set({ health: 'ok', broken_reason: null, broken_since: null, updated_at: ctx.at })
      .where('id', '=', sourceId)
      .returning(['location'])
      .executeTakeFirstOrThrow();
    const since = before.broken_since ? new Date(before.broken_since).toISOString() : null;
    await recordAlert(trx, 'source-recovered', sourceId, ctx, { sourceId, location: row.location, reason: before.broken_reason, brokenSince: since });
    return true;
  });
}

async function recordAlert(db: Kysely<Database>, kind: SourceAlertKind, sourceId: number, ctx: HealthContext, payload: object): Promise<void> {
  const subscriptionId = await ensureOperatorsSubscription(db, ctx.operators);
  await db
    .insertInto('alerts')
    .values({
      subscription_id: subscriptionId,
      // The check constraint allows these kinds from migration 0009 on; schema.ts's AlertKind predates them.
      kind: kind as unknown as AlertKind,
      // One alert per source, transition and instant: a later breakage is a new alert.
      dedupe_key: `${kind}-${sourceId}-${ctx.at.getTime()}-${subscriptionId}`,
      payload: JSON.stringify(payload),
    })
    .onConflict((oc) => oc.column('dedupe_key').doNothing())
    .execute();
}

/** Health alerts recorded for a source, oldest first (for `sources list` and tests). */
export async function sourceAlerts(db: Kysely<Database>, sourceId: number): Promise<Array<{ id: number; kind: string; payload: unknown }>> {
  const rows = await db
    .selectFrom('alerts')
    .select(['id', 'kind', 'payload'])
    .where('kind', 'in', ['source-broken', 'source-recovered'] as unknown as AlertKind[])
    .where(sql<boolean>`payload->>'sourceId' = ${String(sourceId)}`)
    .orderBy('id')
    .execute();
  return rows.map((r) => ({ id: Number(r.id), kind: r.kind, payload: r.payload }));
}
