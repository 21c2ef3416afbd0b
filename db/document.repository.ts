/**
 * Reading the record for the command line: find a document, list documents, a document's
 * history, and the text in force on a day. The JSON shapes returned here are contracts
 * (`documents --json`, `history --json`): extend only.
 */
import { sql, type Kysely } from 'kysely';
import { normalizeDocNumber } from '../pipeline/docnumber.ts';
import type { IsoDate, Measure, ProvisionLevel } from '../pipeline/types.ts';
import type { Database, DocumentRow } from './schema.ts';
import { changeCounts, changesOfVersions, type ChangeCounts, type ChangedProvision } from './changes.repository.ts';
import { AmbiguousDocumentError, DocumentNotFoundError } from './errors.ts';
import { titleKey } from './identity.ts';
import { chinaDate, statusOn, type DocumentStatus } from './status.ts';
import { unframeText } from './version-text.ts';

/** How many candidates an ambiguous reference lists. */
const MAX_CANDIDATES = 20;

/** One document as `documents --json` prints it (contract; extend only). */
export interface DocumentSummary {
  readonly id: number;
  readonly docNumber: string | null;
  readonly title: string;
  readonly kind: 'policy' | 'news';
  readonly issuers: readonly string[];
  /** Status on the day asked for (default: today in China). */
  readonly status: DocumentStatus;
  /** Dates of the version in force that day (or of the first version, when none is in force yet). */
  readonly effective: IsoDate | null;
  readonly expires: IsoDate | null;
  /** Number of versions recorded. */
  readonly versions: number;
  readonly signedOn: IsoDate | null;
  /** First day no longer in force because of a repeal, when known. */
  readonly endedOn: IsoDate | null;
  /** The repealing document, when repealed. */
  readonly repealedBy: { readonly id: number; readonly docNumber: string | null; readonly title: string } | null;
}

/** `history --json` (contract; extend only). */
export interface DocumentHistory {
  readonly document: DocumentSummary;
  readonly versions: readonly {
    readonly seq: number;
    /** sha256 of the text's comparison form. */
    readonly sha256: string;
    readonly signedOn: IsoDate | null;
    /** Publish date the page showed, when any. */
    readonly publishedOn: IsoDate | null;
    /** First seen, ISO timestamp. */
    readonly seenAt: string;
    /** URLs or file paths it was seen at, first seen first. */
    readonly sources: readonly string[];
    readonly effective: IsoDate | null;
    readonly expires: IsoDate | null;
    readonly title: string;
    readonly docNumber: string | null;
    /** What changed against the version before (counts per op); null for the first version. */
    readonly changes: ChangeCounts | null;
    /** The changed provisions in `compare --json` order (renumbered ones included); null for the first version. */
    readonly changedProvisions: readonly ChangedProvision[] | null;
  }[];
}

/** The text in force on a day (`show --json`). `version` is null when no version is in force yet. */
export interface TextInForce {
  readonly on: IsoDate;
  readonly document: DocumentSummary;
  readonly version: {
    readonly seq: number;
    readonly sha256: string;
    readonly title: string;
    readonly docNumber: string | null;
    readonly signedOn: IsoDate | null;
    readonly effective: IsoDate | null;
    readonly expires: IsoDate | null;
    readonly seenAt: string;
    readonly text: string;
    readonly provisions: readonly {
      readonly path: string;
      readonly label: string;
      readonly level: ProvisionLevel;
      readonly heading: string | null;
      readonly text: string;
    }[];
  } | null;
}

/** A document reference: its id, its number in any bracket style, or a unique part of its title. */
export type DocumentRef = string | number;

/** What the version choice needs from a version. @internal */
export interface VersionDates {
  readonly id: number;
  readonly seq: number;
  readonly signedOn: IsoDate | null;
  readonly effective: IsoDate | null;
  readonly expires: IsoDate | null;
}

/**
 * The version in force on `on`: the latest (by seq) whose start — effective date, else signing
 * date — is unknown or not after `on`. A revision that takes effect later does not replace the
 * text in force before. Null when every version starts after `on`. Pure.
 */
export function versionInForce<V extends VersionDates>(versions: readonly V[], on: IsoDate): V | null {
  let best: V | null = null;
  for (const v of versions) {
    const start = v.effective ?? v.signedOn;
    if (start !== null && start > on) continue;
    if (best === null || v.seq > best.seq) best = v;
  }
  return best;
}

function toIso(v: Date | string): string {
  return v instanceof Date ? v.toISOString() : new Date(v).toISOString();
}

/** The country's name that national laws' titles begin with. */
const PRC = '中华人民共和国';

/**
 * Resolves a reference to one document.
 * @throws DocumentNotFoundError when nothing matches.
 * @throws AmbiguousDocumentError listing the candidates when a title part matches several.
 */
export async function findDocument(db: Kysely<Database>, ref: DocumentRef): Promise<DocumentRow> {
  const text = String(ref).trim();
  if (/^\d+$/.test(text)) {
    const byId = await db.selectFrom('documents').selectAll().where('id', '=', Number(text)).executeTakeFirst();
    if (byId) return byId;
  }
  const number = normalizeDocNumber(text);
  if (number !== null) {
    const byNumber = await db
      .selectFrom('document_keys as k')
      .innerJoin('documents as d', 'd.id', 'k.document_id')
      .selectAll('d')
      .where('k.key', '=', `no:${number}`)
      .executeTakeFirst();
    if (byNumber) return byNumber;
  }
  // Part of a number (`1752`, `〔2025〕1752`, `沪府办规`): match inside the recorded numbers.
  if (/\d/.test(text) && text.length <= 40) {
    const part = text
      .replace(/[\s\u3000]+/gu, '')
      .replace(/[[［(（【]/gu, '〔')
      .replace(/[\]］)）】]/gu, '〕')
      .replace(/[\\%_]/g, '\\$&');
    const byPart = await db.selectFrom('documents').selectAll().where('doc_number', 'like', `%${part}%`).orderBy('id').limit(MAX_CANDIDATES + 1).execute();
    if (byPart.length === 1) return byPart[0]!;
    if (byPart.length > 1) {
      throw new AmbiguousDocumentError(text, byPart.slice(0, MAX_CANDIDATES).map((c) => ({ id: c.id, docNumber: c.doc_number, title: c.title })));
    }
  }
  const key = titleKey(text);
  if (key === '') throw new DocumentNotFoundError(text);
  // A national law goes by its short title: 刑法 names 中华人民共和国刑法 (and not, by a part of
  // its title, 中华人民共和国刑法修正案（十二） as well).
  const keys = key.startsWith(PRC) ? [key] : [key, titleKey(`${PRC}${text}`)];
  const exact = await db.selectFrom('documents').selectAll().where('title_key', 'in', keys).orderBy('id').execute();
  if (exact.length === 1) return exact[0]!;
  const candidates =
    exact.length > 1
      ? exact
      : await db
          .selectFrom('documents')
          .selectAll()
          .where('title_key', 'like', `%${key.replace(/[\\%_]/g, '\\$&')}%`)
          .orderBy('id')
          .limit(MAX_CANDIDATES + 1)
          .execute();
  if (candidates.length === 1) return candidates[0]!;
  if (candidates.length === 0) throw new DocumentNotFoundError(text);
  throw new AmbiguousDocumentError(
    text,
    candidates.slice(0, MAX_CANDIDATES).map((c) => ({ id: c.id, docNumber: c.doc_number, title: c.title })),
  );
}

/** Versions' dates of the given documents, grouped by document. */
async function versionDates(db: Kysely<Database>, documentIds: readonly number[]): Promise<Map<number, VersionDates[]>> {
  const out = new Map<number, VersionDates[]>();
  if (documentIds.length === 0) return out;
  const rows = await db
    .selectFrom('versions')
    .select(['id', 'document_id', 'seq', 'signed_on', 'effective', 'expires'])
    .where('document_id', 'in', [...documentIds])
    .orderBy('document_id')
    .orderBy('seq')
    .execute();
  for (const r of rows) {
    const list = out.get(r.document_id) ?? [];
    list.push({ id: r.id, seq: r.seq, signedOn: r.signed_on, effective: r.effective, expires: r.expires });
    out.set(r.document_id, list);
  }
  return out;
}

/** The one place a document row becomes its JSON summary. */
export function documentRowToSummary(
  row: DocumentRow,
  versions: readonly VersionDates[],
  repealedBy: DocumentSummary['repealedBy'],
  on: IsoDate,
): DocumentSummary {
  const current = versionInForce(versions, on) ?? versions[0] ?? null;
  const effective = current ? current.effective : row.effective;
  const expires = current ? current.expires : row.expires;
  return {
    id: row.id,
    docNumber: row.doc_number,
    title: row.title,
    kind: row.kind,
    issuers: row.issuers,
    status: statusOn({ stored: row.status, endedOn: row.ended_on, effective, expires }, on),
    effective,
    expires,
    versions: versions.length,
    signedOn: current ? current.signedOn : row.signed_on,
    endedOn: row.ended_on,
    repealedBy,
  };
}

async function summarize(db: Kysely<Database>, rows: readonly DocumentRow[], on: IsoDate): Promise<DocumentSummary[]> {
  const dates = await versionDates(
    db,
    rows.map((r) => r.id),
  );
  const repealerIds = [...new Set(rows.flatMap((r) => (r.repealed_by !== null ? [r.repealed_by] : [])))];
  const repealers = new Map<number, { id: number; docNumber: string | null; title: string }>();
  if (repealerIds.length > 0) {
    const found = await db.selectFrom('documents').select(['id', 'doc_number', 'title']).where('id', 'in', repealerIds).execute();
    for (const r of found) repealers.set(r.id, { id: r.id, docNumber: r.doc_number, title: r.title });
  }
  return rows.map((r) =>
    documentRowToSummary(r, dates.get(r.id) ?? [], r.repealed_by !== null ? repealers.get(r.repealed_by) ?? null : null, on),
  );
}

/**
 * Every recorded document, oldest first, with its status on `on` (default: today in China).
 * Shape of `documents --json`.
 */
export async function listDocuments(
  db: Kysely<Database>,
  options: { on?: IsoDate; kind?: 'policy' | 'news' } = {},
): Promise<{ documents: DocumentSummary[] }> {
  const on = options.on ?? chinaDate(new Date());
  let q = db.selectFrom('documents').selectAll().orderBy('id');
  if (options.kind) q = q.where('kind', '=', options.kind);
  return { documents: await summarize(db, await q.execute(), on) };
}

/**
 * The versions of one document with where each was seen. Shape of `history --json`.
 * @throws DocumentNotFoundError | AmbiguousDocumentError (see {@link findDocument}).
 */
export async function documentHistory(db: Kysely<Database>, ref: DocumentRef, options: { on?: IsoDate } = {}): Promise<DocumentHistory> {
  const on = options.on ?? chinaDate(new Date());
  const row = await findDocument(db, ref);
  const [document] = await summarize(db, [row], on);
  const versions = await db
    .selectFrom('versions')
    .select(['id', 'seq', 'text_sha256', 'signed_on', 'published_on', 'seen_at', 'effective', 'expires', 'title', 'doc_number'])
    .where('document_id', '=', row.id)
    .orderBy('seq')
    .execute();
  const sources = versions.length
    ? await db
        .selectFrom('version_sources')
        .select(['version_id', 'location'])
        .where(
          'version_id',
          'in',
          versions.map((v) => v.id),
        )
        .orderBy('first_seen_at')
        .orderBy('id')
        .execute()
    : [];
  // Changes recorded before this feature, or lost to a crash, are computed and recorded here.
  const changes = await changesOfVersions(
    db,
    versions.filter((v) => v.seq > 1).map((v) => v.id),
  );
  return {
    document: document!,
    versions: versions.map((v) => ({
      seq: v.seq,
      sha256: v.text_sha256,
      signedOn: v.signed_on,
      publishedOn: v.published_on,
      seenAt: toIso(v.seen_at),
      sources: sources.filter((s) => s.version_id === v.id).map((s) => s.location),
      effective: v.effective,
      expires: v.expires,
      title: v.title,
      docNumber: v.doc_number,
      changes: changes.has(v.id) ? changeCounts(changes.get(v.id)!.summary) : null,
      changedProvisions: changes.get(v.id)?.provisions ?? null,
    })),
  };
}

/**
 * The text of one document in force on `on`, with its provisions in order.
 * @throws DocumentNotFoundError | AmbiguousDocumentError (see {@link findDocument}).
 */
export async function textInForce(db: Kysely<Database>, ref: DocumentRef, on: IsoDate): Promise<TextInForce> {
  const row = await findDocument(db, ref);
  const [document] = await summarize(db, [row], on);
  const dates = (await versionDates(db, [row.id])).get(row.id) ?? [];
  const chosen = versionInForce(dates, on);
  if (chosen === null) return { on, document: document!, version: null };
  const v = await db.selectFrom('versions').selectAll().where('id', '=', chosen.id).executeTakeFirstOrThrow();
  const provisions = await db
    .selectFrom('provisions')
    .select(['path', 'label', 'level', 'heading', 'text'])
    .where('version_id', '=', v.id)
    .orderBy('ord')
    .execute();
  return {
    on,
    document: document!,
    version: {
      seq: v.seq,
      sha256: v.text_sha256,
      title: v.title,
      docNumber: v.doc_number,
      signedOn: v.signed_on,
      effective: v.effective,
      expires: v.expires,
      seenAt: toIso(v.seen_at),
      text: v.text ?? unframeText(v.text_frame ?? '', provisions.map((p) => p.text)),
      provisions,
    },
  };
}

/**
 * The measures of some versions, each with its text: an undated measure that is its provision's
 * whole text is stored as a reference to the provision (migration 0021) and read from it here.
 */
export async function measuresOfVersions(db: Kysely<Database>, versionIds: readonly number[]): Promise<Array<Measure & { versionId: number }>> {
  if (versionIds.length === 0) return [];
  const rows = await db
    .selectFrom('measures as m')
    .leftJoin('provision_texts as t', 't.id', 'm.provision_id')
    .select(['m.version_id', 'm.path', 'm.kind', 'm.starts_on', 'm.ends_on', 'm.amounts', 'm.responsible'])
    .select(sql<string>`coalesce(m.text, t.text)`.as('text'))
    .where('m.version_id', 'in', versionIds)
    .orderBy('m.version_id')
    .orderBy('m.ord')
    .execute();
  return rows.map((m) => ({
    versionId: Number(m.version_id),
    path: m.path,
    kind: m.kind,
    startsOn: m.starts_on,
    endsOn: m.ends_on,
    amounts: m.amounts,
    responsible: m.responsible,
    text: m.text,
  }));
}

/** Row counts of the main tables (numbers on both backends). */
export async function countRows(db: Kysely<Database>): Promise<Record<'documents' | 'versions' | 'provisions' | 'measures' | 'relations' | 'version_sources', number>> {
  const { rows } = await sql<{ documents: number; versions: number; provisions: number; measures: number; relations: number; version_sources: number }>`
    select (select count(*) from documents) as documents,
           (select count(*) from versions) as versions,
           (select count(*) from provisions) as provisions,
           (select count(*) from measures) as measures,
           (select count(*) from relations) as relations,
           (select count(*) from version_sources) as version_sources`.execute(db);
  return rows[0]!;
}

/** A version dated before a version of its document recorded earlier (see {@link versionsDatedBeforeEarlier}). */
export interface OutOfOrderVersion {
  readonly versionId: number;
  readonly seq: number;
  readonly title: string;
  /** Its date: signing, else taking effect. */
  readonly on: IsoDate;
  /** The latest-dated version recorded before it that is dated after it. */
  readonly laterSeq: number;
  readonly laterOn: IsoDate;
}

/**
 * Of the given versions, those dated (signing, else taking effect) before a version of the same
 * document with a lower seq: recorded after a newer text, they became the document's latest.
 */
export async function versionsDatedBeforeEarlier(db: Kysely<Database>, versionIds: readonly number[]): Promise<OutOfOrderVersion[]> {
  if (versionIds.length === 0) return [];
  const { rows } = await sql<{ id: number; seq: number; title: string; on: string; later_seq: number; later_on: string }>`
    select v.id, v.seq, v.title, coalesce(v.signed_on, v.effective)::text as on, p.seq as later_seq, p.on as later_on
      from versions v
      cross join lateral (select p.seq, coalesce(p.signed_on, p.effective)::text as on from versions p
                           where p.document_id = v.document_id and p.seq < v.seq
                             and coalesce(p.signed_on, p.effective) > coalesce(v.signed_on, v.effective)
                           order by coalesce(p.signed_on, p.effective) desc, p.seq desc limit 1) as p
     where v.id = any(${[...versionIds]}::bigint[])
     order by v.id`.execute(db);
  return rows.map((r) => ({ versionId: Number(r.id), seq: Number(r.seq), title: r.title, on: r.on, laterSeq: Number(r.later_seq), laterOn: r.later_on }));
}
