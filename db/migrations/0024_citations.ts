/**
 * Citations: the documents a text names become `relations` of kind `cites` (designed in 0001,
 * filled from now on). Derived after recording, as the search index is (0019): `ingest` and the
 * ingest worker call `linkCitations` (db/citations.repository.ts) once their documents are
 * recorded, which reads each version not read yet (`versions.citations_read`), finds what its
 * text cites (pipeline/citations.ts) and links the documents recorded under those numbers or
 * titles; a document recorded later is linked to the texts that cited it before. Recording is
 * not slowed: none of this runs inside `pt_record_document(s)`.
 *
 * 1. `versions.citations_read`, false for every version recorded so far: the first call after
 *    this migration reads them all (catch-up), then only what each run recorded.
 * 2. An index of the versions not read yet. (Relations are indexed by the document they point
 *    to, and when unresolved by number and by title, since 0001: what the late links need.)
 *
 * Frozen history: never edit after it has run anywhere; add a later migration instead.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table versions add column citations_read boolean not null default false`.execute(db);
  await sql`create index versions_citations_unread_idx on versions (id) where not citations_read`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from relations where kind = 'cites'`.execute(db);
  await sql`drop index versions_citations_unread_idx`.execute(db);
  await sql`alter table versions drop column citations_read`.execute(db);
}
