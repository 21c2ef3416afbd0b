/**
 * Per-user subscriptions (issue 7): a subscription belongs to a web user, or to nobody when the
 * CLI made it (`user_id` null). Admins see every subscription in the pages and API, viewers their
 * own. Removing a user removes their subscriptions (and, by the existing cascade, their alerts).
 *
 * The target was unique on its own (`subscriptions_channel_target_key`), so a second user
 * subscribing the same address would have replaced the first one's filters and secret. It is now
 * unique per owner: (user_id, channel, target) with NULLS NOT DISTINCT, so the CLI's subscriptions
 * (user_id null) still replace each other by target as before.
 *
 * The document list's search (web/, db/web.repository.ts), fast over 100,000 documents:
 * `pt_issuers_text(issuers)`, an immutable join of the issuers an index can hold, and, where the
 * pg_trgm extension is available (it is in contrib of every Postgres; PGlite only loads it when
 * asked, so there the search scans), trigram GIN indexes on the title, the number, the issuers and
 * the texts, so that `ilike '%1752%'` and `ilike '%政府投资基金%'` are index scans.
 *
 * The texts are indexed by provision (`provision_texts`, 0013: heading and text of each provision
 * of every version, preamble 前言 and closing 结尾 included), not by version: a revision writes
 * only the provisions it changed (≈30% of the text volume), and a trigram GIN on the full text of
 * each version made every insert into `versions` cost ≈15 ms (bench/ingest: recording at 9% of a
 * bare COPY's rate). Versions without provisions (news, pages segmented into no provision) are
 * indexed whole, by a partial index only they enter. What neither holds is the signature block
 * (issuers, searched in `documents`, and the date).
 *
 * Frozen history: never edit after it has run anywhere; add a later migration instead.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table subscriptions add column user_id bigint references web_users(id) on delete cascade`.execute(db);
  await sql`alter table subscriptions drop constraint subscriptions_channel_target_key`.execute(db);
  await sql`alter table subscriptions add constraint subscriptions_owner_channel_target_key unique nulls not distinct (user_id, channel, target)`.execute(db);
  await sql`create index subscriptions_user_idx on subscriptions (user_id) where user_id is not null`.execute(db);

  await sql`create function pt_issuers_text(text[]) returns text language sql immutable parallel safe as $$ select array_to_string($1, ' ') $$`.execute(db);
  const { rows } = await sql<{ ok: boolean }>`select exists (select 1 from pg_available_extensions where name = 'pg_trgm') as ok`.execute(db);
  if (rows[0]?.ok) {
    await sql`create extension if not exists pg_trgm`.execute(db);
    await sql`create index documents_title_trgm on documents using gin (title gin_trgm_ops)`.execute(db);
    await sql`create index documents_number_trgm on documents using gin (doc_number gin_trgm_ops)`.execute(db);
    await sql`create index documents_issuers_trgm on documents using gin (pt_issuers_text(issuers) gin_trgm_ops)`.execute(db);
    await sql`create index provision_texts_text_trgm on provision_texts using gin ((coalesce(heading, '') || ' ' || text) gin_trgm_ops)`.execute(db);
    await sql`create index versions_unsegmented_text_trgm on versions using gin (text gin_trgm_ops) where provision_ids = '{}'::bigint[]`.execute(db);
  }
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const index of ['versions_unsegmented_text_trgm', 'provision_texts_text_trgm', 'documents_issuers_trgm', 'documents_number_trgm', 'documents_title_trgm']) {
    await sql`drop index if exists ${sql.id(index)}`.execute(db);
  }
  await sql`drop function if exists pt_issuers_text(text[])`.execute(db);
  await sql`delete from subscriptions where user_id is not null`.execute(db);
  await sql`drop index if exists subscriptions_user_idx`.execute(db);
  await sql`alter table subscriptions drop constraint subscriptions_owner_channel_target_key`.execute(db);
  await sql`alter table subscriptions add constraint subscriptions_channel_target_key unique (channel, target)`.execute(db);
  await sql`alter table subscriptions drop column user_id`.execute(db);
}
