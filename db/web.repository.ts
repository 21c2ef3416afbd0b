/**
 * Queries of the review pages and the HTTP API: the document list with search, filters and
 * pages (in SQL, so that it stays fast over 100,000 documents), and what a document's page shows
 * beyond its history (validity sentence, relations both ways).
 */
import { sql, type Kysely } from 'kysely';
import type { IsoDate } from '../pipeline/types.ts';
import { documentRowToSummary, type DocumentSummary, type VersionDates } from './document.repository.ts';
import type { Database, DocumentRow } from './schema.ts';
import type { DocumentStatus } from './status.ts';

export const STATUSES: readonly DocumentStatus[] = ['in_force', 'pending', 'expired', 'repealed', 'unknown'];
/** Largest page of the list. */
export const MAX_PER_PAGE = 100;

export interface DocumentQuery {
  /** Words looked for in the title, number (any part, any bracket style), issuers and text. */
  readonly q?: string;
  readonly status?: DocumentStatus;
  /** Part of an issuer's name. */
  readonly issuer?: string;
  readonly kind?: 'policy' | 'news';
  /** Signing date range, inclusive. */
  readonly signedFrom?: IsoDate;
  readonly signedTo?: IsoDate;
  /** The day statuses are computed for. */
  readonly on: IsoDate;
  /** 1-based. */
  readonly page?: number;
  readonly perPage?: number;
}

export interface DocumentPage {
  /** Documents matching; counted up to {@link COUNT_CAP}, beyond which `totalExact` is false. */
  readonly total: number;
  readonly totalExact: boolean;
  readonly page: number;
  readonly perPage: number;
  /** Whether a later page has documents. */
  readonly hasNext: boolean;
  readonly documents: DocumentSummary[];
}

/**
 * The list counts its matches up to this many and says "10000+" beyond: counting every one of
 * 100,000 documents on each page view (with the status conditions or a search) costs more than
 * the page itself, and nobody pages that far.
 */
export const COUNT_CAP = 10_000;
/**
 * Texts (provisions, or whole texts of versions without provisions) a search word is looked up in
 * through the index before the list walks documents instead.
 */
const TEXT_MATCH_CAP = 50;

/**
 * Where a word of a document's text is looked for: each provision of any of its versions (heading
 * and text; `provision_texts` holds every version's provisions once), and the whole text of its
 * versions without provisions (news). The expressions are those of the trigram indexes of
 * migration 0016, so that the planner uses them.
 */
const PROVISION_WORDS = sql`(coalesce(t.heading, '') || ' ' || t.text)`;
const UNSEGMENTED = sql`v.provision_ids = '{}'::bigint[]`;

/**
 * Provision texts in the search: those `pt_index_search` has taken into the trigram index
 * (migration 0019; recording leaves them out of it, `ingest` and the ingest worker index them
 * right after). The condition is the partial index's, so that the planner uses it.
 */
const SEARCHABLE = sql`t.searchable`;

function like(text: string): string {
  return `%${text.replace(/[\\%_]/g, '\\$&')}%`;
}

/** A number typed with any bracket style, as numbers are stored (`〔2025〕`). */
function numberForm(text: string): string {
  return text
    .replace(/[\s\u3000]+/gu, '')
    .replace(/[[［(（【]/gu, '〔')
    .replace(/[\]］)）】]/gu, '〕');
}

/**
 * One page of documents, newest signed first, with each one's status on `on`. The status filter
 * reads the document's own dates (those of its latest recorded version), the same rule as
 * db/status.ts.
 */
export async function searchDocuments(db: Kysely<Database>, query: DocumentQuery): Promise<DocumentPage> {
  const perPage = Math.min(Math.max(query.perPage ?? 20, 1), MAX_PER_PAGE);
  const page = Math.max(query.page ?? 1, 1);
  const on = query.on;
  let q = db.selectFrom('documents as d');
  const words = (query.q ?? '').trim().split(/[\s\u3000]+/u).filter(Boolean).slice(0, 8);
  // Words found in many texts make an index search slow (every match's text is read to recheck it);
  // for those the list walks the documents newest first and stops at the page's end instead.
  let commonWord = false;
  const probes = await Promise.all(
    words.map((w) =>
      sql<{ id: number }>`(select t.document_id as id from provision_texts t where ${SEARCHABLE} and ${PROVISION_WORDS} ilike ${like(w)} limit ${TEXT_MATCH_CAP + 1})
        union all (select v.document_id from versions v where ${UNSEGMENTED} and v.text ilike ${like(w)} limit ${TEXT_MATCH_CAP + 1})`.execute(db),
    ),
  );
  for (const [i, w] of words.entries()) {
    const pattern = like(w);
    const inTexts = probes[i]!;
    if (inTexts.rows.length <= TEXT_MATCH_CAP) {
      // One id set per word, each branch an index scan (trigram GIN, migration 0016) where
      // pg_trgm is installed; an OR across the tables would scan every document.
      const ids = [...new Set(inTexts.rows.map((r) => Number(r.id)))];
      q = q.where(
        sql<boolean>`d.id in (
          select id from documents where title ilike ${pattern}
          union all select id from documents where doc_number like ${like(numberForm(w))}
          union all select id from documents where pt_issuers_text(issuers) ilike ${pattern}
          union all select unnest(${ids}::bigint[]))`,
      );
    } else {
      commonWord = true;
      q = q.where((eb) =>
        eb.or([
          eb('d.title', 'ilike', pattern),
          eb('d.doc_number', 'like', like(numberForm(w))),
          eb(sql`pt_issuers_text(d.issuers)`, 'ilike', pattern),
          // A scalar subquery, read per document: EXISTS would be planned as one hashed scan of every matching text.
          sql<boolean>`coalesce((select bool_or(${PROVISION_WORDS} ilike ${pattern}) from provision_texts t where t.document_id = d.id and ${SEARCHABLE}), false)`,
          sql<boolean>`coalesce((select bool_or(v.text ilike ${pattern}) from versions v where v.document_id = d.id and ${UNSEGMENTED}), false)`,
        ]),
      );
    }
  }
  if (query.issuer) q = q.where(sql`pt_issuers_text(d.issuers)`, 'ilike', like(query.issuer.trim()));
  if (query.kind) q = q.where('d.kind', '=', query.kind);
  if (query.signedFrom) q = q.where('d.signed_on', '>=', query.signedFrom);
  if (query.signedTo) q = q.where('d.signed_on', '<=', query.signedTo);
  if (query.status) {
    const repealed = sql<boolean>`(d.status = 'repealed' and (d.ended_on is null or d.ended_on <= ${on}))`;
    const pending = sql<boolean>`(d.effective is not null and d.effective > ${on})`;
    const expired = sql<boolean>`(d.expires is not null and d.expires < ${on})`;
    const known = sql<boolean>`(d.effective is not null or d.expires is not null or d.ended_on is not null)`;
    const cond = {
      repealed,
      pending: sql<boolean>`(not ${repealed} and ${pending})`,
      expired: sql<boolean>`(not ${repealed} and not ${pending} and ${expired})`,
      in_force: sql<boolean>`(not ${repealed} and not ${pending} and not ${expired} and ${known})`,
      unknown: sql<boolean>`(not ${repealed} and not ${known})`,
    }[query.status];
    q = q.where(cond);
  }
  const [rows, count] = await Promise.all([
    q
      .selectAll('d')
      .orderBy(sql`d.signed_on desc nulls last`)
      .orderBy('d.id', 'desc')
      .limit(perPage + 1)
      .offset((page - 1) * perPage)
      .execute(),
    // A word in more than TEXT_MATCH_CAP texts: at least that many match; counting more would read them all.
    commonWord
      ? Promise.resolve({ n: TEXT_MATCH_CAP + 1 })
      : db
          .selectFrom(q.select(sql`1`.as('one')).limit(COUNT_CAP + 1).as('c'))
          .select((eb) => eb.fn.countAll<number>().as('n'))
          .executeTakeFirstOrThrow(),
  ]);
  const n = Number(count.n);
  const cap = commonWord ? TEXT_MATCH_CAP : COUNT_CAP;
  return {
    total: Math.min(n, cap),
    totalExact: n <= cap,
    page,
    perPage,
    hasNext: rows.length > perPage,
    documents: await summaries(db, rows.slice(0, perPage), on),
  };
}

/** Summaries of rows (one query for their versions' dates, one for their repealers). */
export async function summaries(db: Kysely<Database>, rows: readonly DocumentRow[], on: IsoDate): Promise<DocumentSummary[]> {
  if (rows.length === 0) return [];
  const ids = rows.map((r) => r.id);
  const repealerIds = [...new Set(rows.flatMap((r) => (r.repealed_by !== null ? [r.repealed_by] : [])))];
  const [versions, repealers] = await Promise.all([
    db.selectFrom('versions').select(['id', 'document_id', 'seq', 'signed_on', 'effective', 'expires']).where('document_id', 'in', ids).orderBy('seq').execute(),
    repealerIds.length ? db.selectFrom('documents').select(['id', 'doc_number', 'title']).where('id', 'in', repealerIds).execute() : Promise.resolve([]),
  ]);
  const byDoc = new Map<number, VersionDates[]>();
  for (const v of versions) {
    const list = byDoc.get(v.document_id) ?? [];
    list.push({ id: v.id, seq: v.seq, signedOn: v.signed_on, effective: v.effective, expires: v.expires });
    byDoc.set(v.document_id, list);
  }
  const rep = new Map(repealers.map((r) => [r.id, { id: r.id, docNumber: r.doc_number, title: r.title }]));
  return rows.map((r) => documentRowToSummary(r, byDoc.get(r.id) ?? [], r.repealed_by !== null ? rep.get(r.repealed_by) ?? null : null, on));
}

/** Every issuer named by a document, most frequent first (the filter's choices). */
export async function topIssuers(db: Kysely<Database>, limit = 40): Promise<string[]> {
  const { rows } = await sql<{ issuer: string }>`
    select issuer from (select unnest(issuers) as issuer from documents) i
     group by issuer order by count(*) desc, issuer limit ${limit}`.execute(db);
  return rows.map((r) => r.issuer);
}

/** A link between two documents, seen from one of them. */
export interface DocumentLink {
  readonly kind: 'repeals' | 'cites';
  /** `out`: this document repeals/cites the other; `in`: the other repeals/cites this one. */
  readonly direction: 'out' | 'in';
  /** The other document when recorded; null when it is only named. */
  readonly documentId: number | null;
  readonly docNumber: string | null;
  readonly title: string | null;
}

export async function documentLinks(db: Kysely<Database>, documentId: number): Promise<DocumentLink[]> {
  const [out, inc] = await Promise.all([
    db
      .selectFrom('relations as r')
      .leftJoin('documents as t', 't.id', 'r.to_document_id')
      .select(['r.kind', 'r.to_document_id', 'r.to_doc_number', 'r.to_title', 't.doc_number', 't.title'])
      .where('r.from_document_id', '=', documentId)
      .orderBy('r.id')
      .execute(),
    db
      .selectFrom('relations as r')
      .innerJoin('documents as f', 'f.id', 'r.from_document_id')
      .select(['r.kind', 'f.id', 'f.doc_number', 'f.title'])
      .where('r.to_document_id', '=', documentId)
      .orderBy('r.id')
      .execute(),
  ]);
  return [
    ...out.map((r): DocumentLink => ({ kind: r.kind, direction: 'out', documentId: r.to_document_id, docNumber: r.doc_number ?? r.to_doc_number, title: r.title ?? r.to_title })),
    ...inc.map((r): DocumentLink => ({ kind: r.kind, direction: 'in', documentId: r.id, docNumber: r.doc_number, title: r.title })),
  ];
}

/** The validity sentence of each version (by seq). */
export async function validityBases(db: Kysely<Database>, documentId: number): Promise<Map<number, string | null>> {
  const rows = await db.selectFrom('versions').select(['seq', 'validity_basis']).where('document_id', '=', documentId).execute();
  return new Map(rows.map((r) => [r.seq, r.validity_basis]));
}
