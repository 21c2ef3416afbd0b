/**
 * Recording without the search index on its path (issue 3, Speed).
 *
 * Profiled on the 2-core machine (bench/ingest, 2,000 versions of 500 documents; `perf record`
 * on the backends and auto_explain of the recording functions' statements): GIN insertion was
 * 40% of the server's CPU while recording (trigram extraction and the pending list's flushes),
 * nearly all of it `provision_texts_text_trgm` (0016), and another share the three trigram
 * indexes on `documents`, entered anew by every revision because each one rewrote its document's
 * row even when none of the row's columns changed.
 *
 * 1. Provision texts enter the text search after they are recorded, not while: a provision
 *    text is stored with `searchable = false`, and `pt_index_search(n)` (run by `ingest` once
 *    its documents are recorded and by the ingest worker after each job, outside the recording
 *    transaction) marks up to n of them searchable, which is when the trigram index takes them.
 *    The index is partial (`where searchable`); the search reads `t.searchable` so that the
 *    planner uses it. Rows recorded before this migration are searchable already.
 *    `provision_texts_unsearchable_idx` finds the ones waiting (small: it holds only those).
 * 2. An update of `documents` that changes none of its columns is skipped (a BEFORE trigger
 *    returning null): no new row version, no index entries. `updated_at` now says when the row
 *    last changed.
 *
 * Frozen history: never edit after it has run anywhere; add a later migration instead.
 */
import { sql, type Kysely } from 'kysely';

/** Marks up to `max_rows` provision texts searchable, oldest first; returns how many it marked. */
const INDEX_SEARCH = `
create or replace function pt_index_search(max_rows integer) returns integer
language sql volatile as $fn$
  with todo as (
    select id from provision_texts where not searchable order by id limit max_rows for update skip locked
  ), done as (
    update provision_texts t set searchable = true from todo where t.id = todo.id returning 1
  )
  select count(*)::integer from done
$fn$`;

/** Skips an update of a document row that changes nothing but `updated_at`. */
const SKIP_UNCHANGED = `
create or replace function pt_documents_skip_unchanged() returns trigger
language plpgsql as $fn$
begin
  new.updated_at := old.updated_at;
  if new is not distinct from old then
    return null;
  end if;
  new.updated_at := now();
  return new;
end
$fn$`;

export async function up(db: Kysely<any>): Promise<void> {
  // Existing rows are searchable (the index holds them); rows recorded from now on wait for pt_index_search.
  await sql`alter table provision_texts add column searchable boolean not null default true`.execute(db);
  await sql`alter table provision_texts alter column searchable set default false`.execute(db);
  await sql`create index provision_texts_unsearchable_idx on provision_texts (id) where not searchable`.execute(db);
  const { rows } = await sql<{ ok: boolean }>`select exists (select 1 from pg_indexes where indexname = 'provision_texts_text_trgm') as ok`.execute(db);
  if (rows[0]?.ok) {
    await sql`drop index provision_texts_text_trgm`.execute(db);
    await sql`create index provision_texts_text_trgm on provision_texts using gin ((coalesce(heading, '') || ' ' || text) gin_trgm_ops) where searchable`.execute(db);
  }
  await sql.raw(INDEX_SEARCH).execute(db);
  await sql.raw(SKIP_UNCHANGED).execute(db);
  await sql`create trigger documents_skip_unchanged before update on documents for each row execute function pt_documents_skip_unchanged()`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop trigger if exists documents_skip_unchanged on documents`.execute(db);
  await sql`drop function if exists pt_documents_skip_unchanged()`.execute(db);
  await sql`drop function if exists pt_index_search(integer)`.execute(db);
  const { rows } = await sql<{ ok: boolean }>`select exists (select 1 from pg_indexes where indexname = 'provision_texts_text_trgm') as ok`.execute(db);
  if (rows[0]?.ok) {
    await sql`drop index provision_texts_text_trgm`.execute(db);
    await sql`create index provision_texts_text_trgm on provision_texts using gin ((coalesce(heading, '') || ' ' || text) gin_trgm_ops)`.execute(db);
  }
  await sql`drop index if exists provision_texts_unsearchable_idx`.execute(db);
  await sql`alter table provision_texts drop column searchable`.execute(db);
}
