/**
 * Scheduled sources (issue 6): what the workers need to fetch a source on its own.
 *
 * - `sources`: the listing selector, a selector to wait for when rendering, the sha256 of the last
 *   bytes fetched (unchanged content ends a fetch early), the last claimed schedule tick (two
 *   workers never fetch one source twice in a tick), and the health state (consecutive failures,
 *   broken since / why, last error).
 * - `source_links`: links of a listing page already seen, so that only new ones are followed.
 * - `alerts.kind`: adds `source-broken` and `source-recovered` to whatever the check allows at
 *   this point (read from the catalog, so kinds added by other migrations are kept).
 *
 * Frozen history: never edit after it has run anywhere; add 0010_… instead.
 */
import { sql, type Kysely } from 'kysely';

/** Alert kinds this migration adds. */
const SOURCE_ALERT_KINDS = ['source-broken', 'source-recovered'] as const;

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    alter table sources
      add column links_selector text,
      add column wait_for text,
      add column last_sha256 text,
      add column last_tick bigint,
      add column last_tick_job text,
      add column last_status integer,
      add column last_error text,
      add column consecutive_failures integer not null default 0,
      add column health text not null default 'ok' check (health in ('ok', 'broken')),
      add column broken_reason text,
      add column broken_since timestamptz,
      add column updated_at timestamptz not null default now()`.execute(db);

  await sql`
    create table source_links (
      source_id bigint not null references sources(id) on delete cascade,
      url text not null,
      first_seen_at timestamptz not null default now(),
      primary key (source_id, url)
    )`.execute(db);

  await replaceKindCheck(db, (kinds) => [...new Set([...kinds, ...SOURCE_ALERT_KINDS])]);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from alerts where kind in ('source-broken', 'source-recovered')`.execute(db);
  await replaceKindCheck(db, (kinds) => kinds.filter((k) => !(SOURCE_ALERT_KINDS as readonly string[]).includes(k)));
  await sql`drop table if exists source_links`.execute(db);
  await sql`
    alter table sources
      drop column links_selector, drop column wait_for, drop column last_sha256, drop column last_tick, drop column last_tick_job,
      drop column last_status, drop column last_error, drop column consecutive_failures, drop column health,
      drop column broken_reason, drop column broken_since, drop column updated_at`.execute(db);
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
