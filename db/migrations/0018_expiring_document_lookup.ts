/**
 * A hash index on `documents.id` for `expiring`'s lookups (db/expiring.repository.ts; issue 5,
 * Speed).
 *
 * findExpiring reads each listed measure's document by id (its dates decide whether the measure
 * is listed; its number and title are shown): 1,395 lookups for the 90-day window of
 * bench/expiring, a third of the statement's executor time. Through `documents_pkey` each one
 * descends the btree (perf: `_bt_compare` alone was 11% of the backend's CPU); a hash index
 * finds the bucket page at once. Measured with bench/expiring (1,000,000 measures, 20,000
 * documents): Postgres CPU per whole window 8.5 → 7.5 ms. Tried and not kept: a covering btree
 * on `documents (id) include (doc_number, title, effective, expires, status, ended_on,
 * signed_on)` (index-only lookups, no measurable change: the descent, not the heap page, is the
 * cost), and reading the window's documents once by `id = any(array)` (slower).
 *
 * The planner picks it for the lookups by itself (equality on `id`); the primary key stays for
 * the foreign keys and ranges. Writes: one more index entry per new document (documents are
 * 1–2% of the rows a recording writes); updates of a document keep the id, so they stay HOT
 * where they were. Works the same on PGlite.
 *
 * Frozen history: never edit after it has run anywhere; add a later migration instead.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index documents_id_hash_idx on documents using hash (id)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists documents_id_hash_idx`.execute(db);
}
