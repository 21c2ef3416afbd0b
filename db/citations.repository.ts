/**
 * Citations as relations (migration 0024): the documents each recorded text names, linked to the
 * documents recorded under those numbers or titles. Derived after recording, as the search index
 * is: `ingest` and the ingest worker call {@link linkCitations} once their documents are recorded.
 */
import { sql, type Kysely } from 'kysely';
import { findCitations } from '../pipeline/citations.ts';
import { provisionsById } from './changes.repository.ts';
import type { Database } from './schema.ts';
import { repealTargets } from './identity.ts';
import { unframeText } from './version-text.ts';

/** Versions read per round of {@link linkCitations} (each round one transaction). */
const VERSIONS_PER_ROUND = 200;

/**
 * Reads the versions recorded since the last call (`versions.citations_read`), finds the
 * documents each one's text cites (pipeline/citations.ts: 《title》 with its number, or a number
 * alone) and records them as relations of kind `cites`:
 *
 * - one relation per citing document and target (the number when given, else the title), whatever
 *   the version that named it; a target the document repeals stays a `repeals` relation only;
 * - linked to the document recorded under that number, or under that title when exactly one
 *   document has it; else kept as named, and linked when the document is recorded later (this
 *   call links the texts that cited the documents it reads).
 *
 * Idempotent and safe when two processes run it at once (ON CONFLICT DO NOTHING). A failure loses
 * nothing: what was not read is read by the next call.
 * @returns how many versions it read.
 */
export async function linkCitations(db: Kysely<Database>): Promise<number> {
  let total = 0;
  for (;;) {
    const n = await linkRound(db);
    total += n;
    if (n < VERSIONS_PER_ROUND) return total;
  }
}

/** One round of {@link linkCitations}: at most {@link VERSIONS_PER_ROUND} versions. */
async function linkRound(db: Kysely<Database>): Promise<number> {
  const { rows: versions } = await sql<{
    id: number;
    document_id: number;
    title: string;
    doc_number: string | null;
    text: string | null;
    text_frame: string | null;
    provision_ids: Array<number | string>;
  }>`
    select v.id, v.document_id, d.title, d.doc_number, v.text, v.text_frame, v.provision_ids
      from versions v join documents d on d.id = v.document_id
     where not v.citations_read
     order by v.id
     limit ${VERSIONS_PER_ROUND}`.execute(db);
  if (versions.length === 0) return 0;
  const provisions = await provisionsById(db, versions.filter((v) => v.text === null).flatMap((v) => v.provision_ids.map(Number)));
  const rows = { doc: [] as number[], ver: [] as number[], num: [] as (string | null)[], title: [] as (string | null)[], tkey: [] as (string | null)[], target: [] as string[] };
  for (const v of versions) {
    const text = v.text ?? unframeText(v.text_frame ?? '', v.provision_ids.map((id) => provisions.get(Number(id))?.text ?? ''));
    for (const t of repealTargets(findCitations(text, { title: v.title, docNumber: v.doc_number }))) {
      rows.doc.push(Number(v.document_id));
      rows.ver.push(Number(v.id));
      rows.num.push(t.docNumber);
      rows.title.push(t.title);
      rows.tkey.push(t.titleKey);
      rows.target.push(t.targetKey);
    }
  }
  const ids = versions.map((v) => Number(v.id));
  const documentIds = [...new Set(versions.map((v) => Number(v.document_id)))];
  await db.transaction().execute(async (trx) => {
    if (rows.doc.length > 0) {
      await sql`
        insert into relations (from_document_id, from_version_id, kind, to_document_id, to_doc_number, to_title, to_title_key, target_key)
        select y.doc, y.ver, 'cites', y.to_doc, y.num, y.title, y.tkey, y.target
          from (select x.*, coalesce(
                         (select k.document_id from document_keys k where x.num is not null and k.key = x.target),
                         (select min(d.id) from documents d where x.num is null and d.title_key = x.tkey having count(*) = 1)) as to_doc
                  from unnest(${rows.doc}::bigint[], ${rows.ver}::bigint[], ${rows.num}::text[], ${rows.title}::text[], ${rows.tkey}::text[], ${rows.target}::text[])
                       as x(doc, ver, num, title, tkey, target)) as y
         where y.to_doc is distinct from y.doc
           and not exists (select 1 from relations r where r.from_document_id = y.doc and r.kind = 'repeals' and r.target_key = y.target)
        on conflict on constraint relations_from_kind_target_key do nothing`.execute(trx);
    }
    // The texts that cited these documents before they were recorded: by number, or by a title
    // no other document has. Written as an index probe per relation named: as a join, with the
    // tables just filled, the planner scanned every key for each unresolved relation (0.56 s of
    // the 1.4 s bench/ingest's 2,000 versions took, against 18 ms now).
    await sql`
      update relations r set to_document_id = (select k.document_id from document_keys k where k.key = 'no:' || r.to_doc_number)
       where r.to_document_id is null and r.kind = 'cites'
         and r.to_doc_number = any(array(select substr(k.key, 4) from document_keys k
                                          where k.document_id = any(${documentIds}::bigint[]) and k.key like 'no:%'))`.execute(trx);
    await sql`
      update relations r set to_document_id = (select d.id from documents d where d.title_key = r.to_title_key)
       where r.to_document_id is null and r.kind = 'cites' and r.to_doc_number is null
         and r.to_title_key = any(array(select d.title_key from documents d where d.id = any(${documentIds}::bigint[])))
         and (select count(*) from documents d where d.title_key = r.to_title_key) = 1`.execute(trx);
    // A text does not cite itself (named under another of its numbers, or by its title).
    await sql`delete from relations where kind = 'cites' and to_document_id = from_document_id
                 and from_document_id = any(${documentIds}::bigint[])`.execute(trx);
    await sql`update versions set citations_read = true where id = any(${ids}::bigint[])`.execute(trx);
  });
  return versions.length;
}
