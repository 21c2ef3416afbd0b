/**
 * Alerts for subscribers (issue 5): the kinds a revision and an end raise, the warning threshold
 * an expiry alert is for, and what delivery needs to be visible.
 *
 * - `alerts.kind`: adds `revised_document` (one alert per revised version, carrying its changed
 *   articles and their classes), `document_expired` and `measure_expired` to whatever the check
 *   allows at this point (read from the catalog, so kinds added by other migrations are kept).
 * - `alerts.threshold`: days before the end an expiry alert warns about (90, 30, 7…).
 * - `alerts.next_attempt_at`, `last_attempt_at`, `response`: when the next retry is due, when
 *   the last try started, and what the receiver answered (status line and the start of the body).
 * - `alerts_feed_idx`: a subscription's alerts newest first (Atom feed, `alerts` listing).
 *
 * Frozen history: never edit after it has run anywhere; add 0011_… instead.
 */
import { sql, type Kysely } from 'kysely';

/** Alert kinds this migration adds. */
const KINDS = ['revised_document', 'document_expired', 'measure_expired'] as const;

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table alerts
      add column threshold integer check (threshold >= 0),
      add column next_attempt_at timestamptz,
      add column last_attempt_at timestamptz,
      add column response text`.execute(db);
  await sql`create index alerts_feed_idx on alerts (subscription_id, id desc)`.execute(db);
  await replaceKindCheck(db, (kinds) => [...new Set([...kinds, ...KINDS])]);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from alerts where kind in ('revised_document', 'document_expired', 'measure_expired')`.execute(db);
  await replaceKindCheck(db, (kinds) => kinds.filter((k) => !(KINDS as readonly string[]).includes(k)));
  await sql`drop index if exists alerts_feed_idx`.execute(db);
  await sql`alter table alerts drop column threshold, drop column next_attempt_at, drop column last_attempt_at, drop column response`.execute(db);
}

/** Rewrites the check constraint on `alerts.kind` with the list `edit` returns. */
async function replaceKindCheck(db: Kysely<any>, edit: (kinds: string[]) => string[]): Promise<void> {
  const { rows } = await sql<{ conname: string; def: string }>`
    select c.conname, pg_get_constraintdef(c.oid) as def
    from pg_constraint c
    where c.conrelid = 'alerts'::regclass and c.contype = 'c' and pg_get_constraintdef(c.oid) like '%kind%'`.execute(db);
  const kinds: string[] = [];
  for (const r of rows) {
    for (const m of r.def.matchAll(/'([^']+)'/g)) kinds.push(m[1]!);
    await sql`alter table alerts drop constraint ${sql.id(r.conname)}`.execute(db);
  }
  const list = edit([...new Set(kinds)]);
  await sql`alter table alerts add constraint alerts_kind_check check (kind in (${sql.join(list.map((k) => sql.lit(k)))}))`.execute(db);
}
