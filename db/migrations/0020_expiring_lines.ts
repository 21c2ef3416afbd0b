/**
 * Each dated measure carries its `expiring` line, ready to send (db/expiring.repository.ts;
 * issue 5, Speed).
 *
 * findExpiring's largest part, measures ending on their own end date, looked up every listed
 * measure's document (its dates decide whether the measure is listed; its number and title are
 * shown) and then formatted and aggregated a dozen values per row: on bench/expiring (1,000,000
 * measures, the 90-day window of 1,372 items) the lookups were about half of the backend's
 * executor time and the per-value work most of the rest, and Node split a dozen texts.
 *
 * Now a dated measure with a stored sentence holds its line of the text answer, everything the
 * list shows of it and of its document: `expiring_keys` (id, dates, kind and ord: ASCII, which
 * Node decodes several times faster than text with Chinese in it, `pt_expiring_keys`) and
 * `expiring_line` (number, title, sentence, path, amounts: `pt_expiring_texts`), and the two
 * document values the query filters on (every dated measure has these): `doc_end`, the
 * document's last day (`least(expires, ended_on - 1)`), and `repeal_from`, the first day its
 * repeal is in effect ('infinity' when not repealed, '-infinity' when repealed on an unknown
 * day). `measures_expiring_line_idx` holds them (INCLUDE), so that part is one index-only range
 * and two aggregates, with no lookup; `measures_expiring_cut_short_idx` lists the measures whose
 * document ends before them, by that end (the part that went from every document ending in the
 * window to its measures). Lines longer than a btree entry allows (`pt_expiring_stored`,
 * 2,000 bytes) and measures recorded before `basis` (0013) have no stored line; they are in
 * `measures_expiring_unstored_idx` and are read as before.
 *
 * Kept current by triggers, whoever writes:
 * - a measure inserted with an end date, or updated in what its line shows, takes its line from
 *   its document (`pt_measures_expiring_line`, BEFORE);
 * - a document updated in what the lines show (number, title, dates, status) rewrites its dated
 *   measures' lines (`pt_documents_expiring_lines`, AFTER). The recording functions insert a
 *   revision's measures before they update its document: the second trigger then brings the new
 *   lines up to date in the same transaction.
 *
 * Dates are written with to_char, never by DateStyle. Replaces 0017's two indexes (same parts,
 * without the lookups); 0017's function stays for older code paths.
 *
 * Frozen history: never edit after it has run anywhere; add a later migration instead.
 */
import { sql, type Kysely } from 'kysely';
import { up as up0017 } from './0017_expiring_covering.ts';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table measures add column expiring_keys text, add column expiring_line text, add column doc_end date, add column repeal_from date`.execute(db);
  // The text answer's fields, separated by U+001F (see expiringTextStatement): the keys, plain
  // ASCII (Node decodes them to a one-byte string, several times faster than text with Chinese in
  // it), then the texts.
  await sql`
    create or replace function pt_expiring_keys(document_id bigint, effective date, expires date, status text, ended_on date,
                                                ends_on date, kind text, ord integer, starts_on date)
      returns text language sql stable parallel safe
    as $$ select document_id::text
              || chr(31) || coalesce(to_char(effective, 'YYYY-MM-DD'), '') || chr(31) || coalesce(to_char(expires, 'YYYY-MM-DD'), '')
              || chr(31) || case when status = 'repealed' then 'R' else '' end || coalesce(to_char(ended_on, 'YYYY-MM-DD'), '')
              || chr(31) || coalesce(to_char(ends_on, 'YYYY-MM-DD'), '') || chr(31) || coalesce(kind || ':' || ord, '')
              || chr(31) || coalesce(to_char(starts_on, 'YYYY-MM-DD'), '') $$`.execute(db);
  await sql`
    create or replace function pt_expiring_texts(doc_number text, title text, basis text, path text, amounts text[], text text, signed_on date)
      returns text language sql stable parallel safe
    as $$ select coalesce('=' || doc_number, '') || chr(31) || title || chr(31) || coalesce('=' || basis, '')
              || chr(31) || coalesce(path, '') || chr(31) || coalesce(cardinality(amounts) || ':' || array_to_string(amounts, chr(28)), '')
              || chr(31) || coalesce(coalesce(to_char(signed_on, 'YYYY-MM-DD'), '') || '~' || text, '') $$`.execute(db);
  await sql`
    create or replace function pt_expiring_stored(keys text, line text) returns boolean
    language sql immutable parallel safe
    as $$ select coalesce(octet_length(keys) + octet_length(line) <= 2000, false) $$`.execute(db);

  await sql`
    create or replace function pt_measures_expiring_line() returns trigger language plpgsql as $$
    begin
      if new.ends_on is null then
        new.expiring_keys := null;
        new.expiring_line := null;
        new.doc_end := null;
        new.repeal_from := null;
        return new;
      end if;
      -- A measure without a stored sentence (recorded before 0013) gets no line, only the dates.
      select least(d.expires, d.ended_on - 1),
             coalesce(d.ended_on, case when d.status = 'repealed' then '-infinity'::date else 'infinity'::date end),
             case when new.basis is not null
                  then pt_expiring_keys(d.id, d.effective, d.expires, d.status, d.ended_on, new.ends_on, new.kind, new.ord, new.starts_on) end,
             case when new.basis is not null
                  then pt_expiring_texts(d.doc_number, d.title, new.basis, new.path, new.amounts, null, null) end
        into new.doc_end, new.repeal_from, new.expiring_keys, new.expiring_line
        from documents d where d.id = new.document_id;
      return new;
    end $$`.execute(db);
  await sql`
    create trigger measures_expiring_line_insert before insert on measures
      for each row when (new.ends_on is not null) execute function pt_measures_expiring_line()`.execute(db);
  await sql`
    create trigger measures_expiring_line_update
      before update of document_id, ord, path, kind, starts_on, ends_on, amounts, basis on measures
      for each row execute function pt_measures_expiring_line()`.execute(db);

  // A document's dated measures, from its row as it is now: for the trigger below and the backfill.
  await sql`
    create or replace function pt_refresh_expiring_lines(ids bigint[]) returns void language sql
    as $$ update measures m
             set doc_end = least(d.expires, d.ended_on - 1),
                 repeal_from = coalesce(d.ended_on, case when d.status = 'repealed' then '-infinity'::date else 'infinity'::date end),
                 expiring_keys = case when m.basis is not null
                                      then pt_expiring_keys(d.id, d.effective, d.expires, d.status, d.ended_on, m.ends_on, m.kind, m.ord, m.starts_on) end,
                 expiring_line = case when m.basis is not null
                                      then pt_expiring_texts(d.doc_number, d.title, m.basis, m.path, m.amounts, null, null) end
            from documents d
           where d.id = m.document_id and m.document_id = any(ids) and m.ends_on is not null $$`.execute(db);
  await sql`
    create or replace function pt_documents_expiring_lines() returns trigger language plpgsql as $$
    begin
      perform pt_refresh_expiring_lines(array[new.id]);
      return null;
    end $$`.execute(db);
  await sql`
    create trigger documents_expiring_lines after update of doc_number, title, effective, expires, status, ended_on on documents
      for each row
      when (old.doc_number is distinct from new.doc_number or old.title is distinct from new.title
            or old.effective is distinct from new.effective or old.expires is distinct from new.expires
            or old.status is distinct from new.status or old.ended_on is distinct from new.ended_on)
      execute function pt_documents_expiring_lines()`.execute(db);

  // The measures already recorded.
  await sql`select pt_refresh_expiring_lines(array(select distinct document_id from measures where ends_on is not null))`.execute(db);

  await sql`
    create index measures_expiring_line_idx on measures (ends_on, document_id, ord, superseded_on, repeal_from, doc_end)
      include (expiring_keys, expiring_line)
      where ends_on is not null and pt_expiring_stored(expiring_keys, expiring_line)`.execute(db);
  await sql`
    create index measures_expiring_unstored_idx on measures (ends_on, document_id, ord, superseded_on)
      where ends_on is not null and not pt_expiring_stored(expiring_keys, expiring_line)`.execute(db);
  // Measures cut short by their document ending before them, by the document's end.
  await sql`
    create index measures_expiring_cut_short_idx on measures (doc_end, document_id, ends_on, ord)
      where ends_on > doc_end`.execute(db);
  await sql`drop index if exists measures_expiring_covering_idx`.execute(db);
  await sql`drop index if exists measures_expiring_rest_idx`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists measures_expiring_cut_short_idx`.execute(db);
  await sql`drop index if exists measures_expiring_unstored_idx`.execute(db);
  await sql`drop index if exists measures_expiring_line_idx`.execute(db);
  await sql`drop trigger if exists documents_expiring_lines on documents`.execute(db);
  await sql`drop trigger if exists measures_expiring_line_update on measures`.execute(db);
  await sql`drop trigger if exists measures_expiring_line_insert on measures`.execute(db);
  await sql`drop function if exists pt_documents_expiring_lines()`.execute(db);
  await sql`drop function if exists pt_refresh_expiring_lines(bigint[])`.execute(db);
  await sql`drop function if exists pt_measures_expiring_line()`.execute(db);
  await sql`drop function if exists pt_expiring_stored(text, text)`.execute(db);
  await sql`drop function if exists pt_expiring_texts(text, text, text, text, text[], text, date)`.execute(db);
  await sql`drop function if exists pt_expiring_keys(bigint, date, date, text, date, date, text, integer, date)`.execute(db);
  await sql`alter table measures drop column if exists repeal_from, drop column if exists doc_end,
              drop column if exists expiring_line, drop column if exists expiring_keys`.execute(db);
  // 0017's indexes, as they were.
  await up0017(db);
}
