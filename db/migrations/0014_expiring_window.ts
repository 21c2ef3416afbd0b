/**
 * Indexes for `expiring` as one statement (db/expiring.repository.ts; issue 5, Speed).
 *
 * An item's end is the earlier of its own end and its document's (`least(expires, ended_on - 1)`:
 * the last day before a repeal takes effect). findExpiring reads three ranges, each in the list's
 * order so that a first page stops early:
 *
 * - `documents_ends_on_idx` on `(least(expires, ended_on - 1), id)`: documents ending in the
 *   window, in order (before: two ranges, on `expires` and on `ended_on`, merged and sorted);
 * - measures ending on their own end date: `measures_current_expiring_idx` (0011), unchanged;
 * - measures cut short by their document ending inside the window:
 *   `measures_document_ends_idx` on `(document_id, ends_on, superseded_on) where ends_on is not
 *   null`, from each such document to its dated measures (only dated measures: a tenth of the
 *   table on the bench; the "current" test is checked in the index).
 *
 * Frozen history: never edit after it has run anywhere; add a later migration instead.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index documents_ends_on_idx on documents ((least(expires, ended_on - 1)), id)`.execute(db);
  await sql`create index measures_document_ends_idx on measures (document_id, ends_on, superseded_on) where ends_on is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists measures_document_ends_idx`.execute(db);
  await sql`drop index if exists documents_ends_on_idx`.execute(db);
}
