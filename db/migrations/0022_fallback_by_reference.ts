/**
 * A batch's fallback stores texts by reference too (issue 3; the record's size).
 *
 * Since 0021 a batch sends each segmented text as its frame and each undated measure that is its
 * provision's whole text as a reference (`prov`), and the set-based path stores them so. A
 * document the batch records one by one (its fallback: two versions of one document in a batch,
 * a repeal, a title shared with another document, a refused row) went through 0021's
 * `pt_batch_document`, which rebuilt the whole text and cut each measure's text from the blob:
 * `pt_record_document` then stored the whole text again beside the provisions, and the measures'
 * texts again. bench/ingest with `--versions 400` (every document's versions in one batch, so all
 * but the first go one by one) wrote 2.7 times what the set-based path writes for the same rows.
 *
 * `pt_batch_document` now hands `pt_record_document` the frame (`text_frame`, cut from the blob,
 * which 0021's `pt_record_document` stores in place of the text) and keeps each measure's `prov`
 * (which it stores as the measure's provision when the measure is undated). A document sent with
 * its whole text (`text_at`) is handed on as before.
 *
 * Frozen history: never edit after it has run anywhere; add a later migration instead.
 */
import { sql, type Kysely } from 'kysely';

const BATCH_DOCUMENT = `
create or replace function pt_batch_document(p jsonb, texts bytea) returns jsonb
language sql immutable as $fn$
  select (p - 'text_at' - 'text_len' - 'frame_at' - 'frame_len') || jsonb_build_object(
    case when p ? 'frame_at' then 'text_frame' else 'text' end,
    case when p ? 'frame_at'
         then convert_from(substring(texts from (p->>'frame_at')::integer + 1 for (p->>'frame_len')::integer), 'UTF8')
         else convert_from(substring(texts from (p->>'text_at')::integer + 1 for (p->>'text_len')::integer), 'UTF8') end,
    'provisions', coalesce((select jsonb_agg((x.pr - 'at' - 'len')
                                             || jsonb_build_object('text', convert_from(substring(texts from (x.pr->>'at')::integer + 1
                                                                                                  for (x.pr->>'len')::integer), 'UTF8'))
                                             order by x.n)
                              from jsonb_array_elements(p->'provisions') with ordinality as x(pr, n)), '[]'::jsonb),
    'measures', coalesce((select jsonb_agg(case when x.m ? 'at'
                                                then (x.m - 'at' - 'len')
                                                     || jsonb_build_object('text', convert_from(substring(texts from (x.m->>'at')::integer + 1
                                                                                                          for (x.m->>'len')::integer), 'UTF8'))
                                                else x.m end
                                           order by x.n)
                            from jsonb_array_elements(p->'measures') with ordinality as x(m, n)), '[]'::jsonb))
$fn$`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql.raw(BATCH_DOCUMENT).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migration 0022 cannot be undone: texts recorded after it are stored by reference; restore a backup taken before it to go back');
}
