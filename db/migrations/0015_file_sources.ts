/**
 * File sources and conditional fetching of rendered pages (issue 6, second part).
 *
 * - `sources.last_raw_sha256`: for a `--render` source, the sha256 of the raw HTTP body behind the
 *   last rendered snapshot; when a plain GET returns the same bytes (or a 304), rendering is
 *   skipped.
 * - `source_files`: for a source that is a local directory, the files already read (size, mtime,
 *   sha256), so that a tick reads only new or changed files.
 *
 * Frozen history: never edit after it has run anywhere; add a later migration instead.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table sources add column last_raw_sha256 text`.execute(db);
  await sql`
    create table source_files (
      source_id bigint not null references sources(id) on delete cascade,
      path text not null,
      size bigint not null,
      mtime_ms double precision not null,
      sha256 text not null,
      seen_at timestamptz not null default now(),
      primary key (source_id, path)
    )`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop table if exists source_files`.execute(db);
  await sql`alter table sources drop column if exists last_raw_sha256`.execute(db);
}
