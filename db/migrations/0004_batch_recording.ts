/**
 * Cheaper bulk recording.
 *
 * - provisions are keyed by (version_id, ord): one index instead of an id sequence plus a
 *   unique index (nothing refers to a provision by id; changes name paths).
 * - versions.text is stored uncompressed out of line (EXTERNAL): compressing every text with
 *   pglz cost more CPU than the disk it saved.
 * - `pt_record_documents(ps jsonb)`: records an array of documents in one statement, each in its
 *   own subtransaction (a failing document is rolled back alone and reported, the others kept).
 *   The locks of the whole batch are taken first, in one sorted order, so that two processes
 *   recording overlapping batches wait for each other instead of deadlocking.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table provisions drop constraint provisions_version_ord_key`.execute(db);
  await sql`alter table provisions drop constraint provisions_pkey`.execute(db);
  await sql`alter table provisions drop column id`.execute(db);
  await sql`alter table provisions add constraint provisions_pkey primary key (version_id, ord)`.execute(db);
  await sql`alter table versions alter column text set storage external`.execute(db);

  await sql`
create function pt_record_documents(ps jsonb)
returns table (ord integer, outcome text, document_id bigint, version_id bigint, seq integer, error_code text, error_message text)
language plpgsql volatile as $fn$
#variable_conflict use_column
declare
  v_p jsonb;
  v_i bigint;
  v_r record;
  v_code text;
  v_message text;
begin
  perform pg_advisory_xact_lock(l)
     from (select distinct l::bigint as l
             from jsonb_array_elements(ps) as x(p), jsonb_array_elements_text(x.p->'lock_ids') as l
            order by 1) as ordered;
  for v_p, v_i in select x.p, x.i from jsonb_array_elements(ps) with ordinality as x(p, i) loop
    begin
      select * into v_r from pt_record_document(v_p);
      return query select v_i::integer, v_r.outcome, v_r.document_id, v_r.version_id, v_r.seq, null::text, null::text;
    exception when others then
      get stacked diagnostics v_code = returned_sqlstate, v_message = message_text;
      return query select v_i::integer, null::text, null::bigint, null::bigint, null::integer, v_code, v_message;
    end;
  end loop;
end
$fn$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function if exists pt_record_documents(jsonb)`.execute(db);
  await sql`alter table versions alter column text set storage extended`.execute(db);
  await sql`alter table provisions drop constraint provisions_pkey`.execute(db);
  await sql`alter table provisions add column id bigint generated always as identity primary key`.execute(db);
  await sql`alter table provisions add constraint provisions_version_ord_key unique (version_id, ord)`.execute(db);
}
