/**
 * `expiring`: documents and measures whose last day falls within a window, soonest first, with
 * the sentence the date comes from. The JSON shape is a contract (`expiring --json`): extend only.
 *
 * What is left out: measures of superseded versions (a newer version of the document has taken
 * effect, or its start is unknown) and documents whose repeal has taken effect by the day asked
 * about, with their measures. A document whose repeal takes effect inside the window is listed,
 * ending the day before the repeal. Statuses come from pipeline/status.ts.
 */
import { sql, type Kysely } from 'kysely';
import { addDays } from '../pipeline/dates.ts';
import { measureBasis } from '../pipeline/measures.ts';
import { documentStatus, measureStatus, type DocumentDates, type LifecycleStatus } from '../pipeline/status.ts';
import type { IsoDate, MeasureKind } from '../pipeline/types.ts';
import type { Database } from './schema.ts';

/** One row of `expiring --json` (contract: kind, document, path, endsOn, status, basis; the rest are additions). */
export interface ExpiringItem {
  readonly kind: 'document' | 'measure';
  readonly document: { readonly id: number; readonly docNumber: string | null; readonly title: string };
  /** Provision path of a measure; null for a document. */
  readonly path: string | null;
  readonly startsOn: IsoDate | null;
  readonly endsOn: IsoDate;
  /** Days from the day asked about to `endsOn` (0 on the last day). */
  readonly daysLeft: number;
  readonly status: LifecycleStatus;
  /** The sentence the end date comes from (validity sentence, the measure's window, or the repeal). */
  readonly basis: string | null;
  /** For measures: support / requirement / prohibition / target. */
  readonly measureKind?: MeasureKind;
  /** For measures: amounts and caps as written. */
  readonly amounts?: readonly string[];
}

export interface ExpiringQuery {
  /** The day the window starts (today in China for the CLI). */
  readonly on: IsoDate;
  /** Last day of the window (inclusive). */
  readonly until: IsoDate;
  /** At most this many items (soonest first); all when omitted. */
  readonly limit?: number;
}

export interface ExpiringList {
  readonly on: IsoDate;
  readonly until: IsoDate;
  readonly items: ExpiringItem[];
}

interface DocumentRowOut {
  id: number | string;
  doc_number: string | null;
  title: string;
  effective: string | null;
  expires: string | null;
  status: 'active' | 'repealed';
  ended_on: string | null;
  basis: string | null;
  repealer_title: string | null;
  repealer_number: string | null;
}

interface MeasureRowOut {
  document_id: number | string;
  doc_number: string | null;
  title: string;
  effective: string | null;
  expires: string | null;
  signed_on: string | null;
  status: 'active' | 'repealed';
  ended_on: string | null;
  path: string;
  kind: MeasureKind;
  starts_on: string | null;
  ends_on: string;
  amounts: string[];
  text: string;
  ord: number;
}

function datesOf(r: { effective: string | null; expires: string | null; status: 'active' | 'repealed'; ended_on: string | null }): DocumentDates {
  return { effective: r.effective, expires: r.expires, repealed: r.status === 'repealed', repealedOn: r.ended_on };
}

/** Statuses that mean "no longer in force": never listed as expiring. */
const GONE: ReadonlySet<LifecycleStatus> = new Set(['expired', 'repealed', 'superseded']);

/** The documents whose own end (expiry, or the day before a repeal takes effect) is in the window. @internal */
async function expiringDocuments(db: Kysely<Database>, q: ExpiringQuery): Promise<ExpiringItem[]> {
  const limit = q.limit ?? null;
  const { rows } = await sql<DocumentRowOut>`
    select d.id, d.doc_number, d.title, d.effective, d.expires, d.status, d.ended_on,
           (select v.validity_basis from versions v where v.document_id = d.id order by v.seq desc limit 1) as basis,
           r.title as repealer_title, r.doc_number as repealer_number
      from documents d
      left join documents r on r.id = d.repealed_by
     where d.kind = 'policy'
       and ((d.expires between ${q.on} and ${q.until})
            or (d.ended_on > ${q.on} and d.ended_on <= ${addDays(q.until, 1)}))
       and not (d.status = 'repealed' and (d.ended_on is null or d.ended_on <= ${q.on}))
     order by least(d.expires, d.ended_on - 1), d.id
     limit ${limit}`.execute(db);
  const out: ExpiringItem[] = [];
  for (const r of rows) {
    const report = documentStatus(datesOf(r), q.on);
    if (report.endsOn === null || report.daysLeft === null || GONE.has(report.status)) continue;
    const byRepeal = r.ended_on !== null && (r.expires === null || addDays(r.ended_on, -1) < r.expires);
    const repealer = [r.repealer_title ? `《${r.repealer_title}》` : null, r.repealer_number ? `（${r.repealer_number}）` : null].filter(Boolean).join('');
    out.push({
      kind: 'document',
      document: { id: Number(r.id), docNumber: r.doc_number, title: r.title },
      path: null,
      startsOn: r.effective,
      endsOn: report.endsOn,
      daysLeft: report.daysLeft,
      status: report.status,
      basis: byRepeal ? `自${r.ended_on}起由${repealer || '另一文件'}废止` : r.basis,
    });
  }
  return out;
}

/**
 * The measures of versions in force whose own end is in the window. A measure is current on `on`
 * when no later version of its document has taken effect by then: `superseded_on > on`, kept by
 * the recording functions (migration 0011). One range scan of measures_current_expiring_idx, in
 * the order returned, each row joined to its document by primary key. @internal
 */
async function expiringMeasures(db: Kysely<Database>, q: ExpiringQuery): Promise<ExpiringItem[]> {
  const limit = q.limit ?? null;
  const { rows } = await sql<MeasureRowOut>`
    select d.id as document_id, d.doc_number, d.title, d.effective, d.expires, d.signed_on, d.status, d.ended_on,
           m.path, m.kind, m.starts_on, m.ends_on, m.amounts, m.text, m.ord
      from measures m
      -- Each row's document by its primary key (the planner would rather hash all documents;
      -- measured slower on the 1,000,000-measure bench). offset 0 keeps the subquery a lookup.
      cross join lateral (select * from documents d where d.id = m.document_id offset 0) d
     where m.ends_on between ${q.on} and ${q.until}
       and m.superseded_on > ${q.on}
       and not (d.status = 'repealed' and (d.ended_on is null or d.ended_on <= ${q.on}))
     order by m.ends_on, m.document_id, m.ord
     limit ${limit}`.execute(db);
  const out: ExpiringItem[] = [];
  for (const r of rows) {
    const report = measureStatus({ startsOn: r.starts_on, endsOn: r.ends_on }, datesOf(r), q.on);
    if (report.endsOn === null || report.daysLeft === null || GONE.has(report.status)) continue;
    out.push({
      kind: 'measure',
      document: { id: Number(r.document_id), docNumber: r.doc_number, title: r.title },
      path: r.path,
      startsOn: r.starts_on,
      endsOn: report.endsOn,
      daysLeft: report.daysLeft,
      status: report.status,
      basis: measureBasis(r.text, r.ends_on, { effective: r.effective, expires: r.expires, signedOn: r.signed_on }),
      measureKind: r.kind,
      amounts: r.amounts,
    });
  }
  return out;
}

/**
 * Documents and measures that end between `on` and `until` (both inclusive), soonest first
 * (documents before measures on the same day, then by document and position).
 *
 * @example
 * await findExpiring(db, { on: '2027-10-15', until: '2028-01-13' })
 * // → { items: [{ kind: 'measure', document: { docNumber: '粤金管〔2025〕24号', … }, path: '三/(二)/7',
 * //               endsOn: '2027-12-31', daysLeft: 77, status: 'expiring', basis: '省财政对在2025年5月1日至…' }] }
 */
export async function findExpiring(db: Kysely<Database>, q: ExpiringQuery): Promise<ExpiringList> {
  const [docs, measures] = await Promise.all([expiringDocuments(db, q), expiringMeasures(db, q)]);
  const items = [...docs, ...measures].sort(
    (a, b) => (a.endsOn < b.endsOn ? -1 : a.endsOn > b.endsOn ? 1 : 0) || (a.kind === b.kind ? 0 : a.kind === 'document' ? -1 : 1) || a.document.id - b.document.id,
  );
  return { on: q.on, until: q.until, items: q.limit !== undefined ? items.slice(0, q.limit) : items };
}
