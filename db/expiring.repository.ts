/**
 * `expiring`: documents and measures whose last day falls within a window, soonest first, with
 * the sentence the date comes from. The JSON shape is a contract (`expiring --json`): extend only.
 *
 * What is left out: measures of superseded versions (a newer version of the document has taken
 * effect, or its start is unknown) and documents whose repeal has taken effect by the day asked
 * about, with their measures. A document whose repeal takes effect inside the window is listed,
 * ending the day before the repeal. A measure ends on the earlier of its own end and its
 * document's. Statuses come from pipeline/status.ts.
 *
 * One statement (issue 5, Speed; measured with bench/expiring, 1,000,000 measures, the 90-day
 * window of 1,372 items): the window is read and filtered in SQL in four parts each already in
 * the list's order, which Node merges (an outer sort in Postgres copied every wide row). Each
 * dated measure carries its line of the answer and its document's end and repeal day, kept by
 * triggers (migration 0020): the measures ending on their own end are one index-only range with
 * no lookup of their documents, the ones cut short by their document come from their own index.
 * The statement is prepared once per connection (EXECUTE skips parsing and planning) and its
 * answer is two delimited texts, the rows' ASCII keys and their Chinese texts (one decode and
 * one split each; JSON per column remains the fallback). Backend CPU per whole window, from
 * 12.1 ms before any of this (an earlier, quieter machine): prepared −2.5–3 ms, merged in Node
 * −1.3–2 ms, hash lookups of documents (0018) −1 ms, one text per column −1.2 ms; then, on a
 * machine about twice as slow (2026-12-04), the stored lines and the cut-short index took it from
 * 16.7 to 4.8–6.2 ms (Node's CPU moved less, from 13.5–14.4 to 8.6–14.6 ms over runs). Measures carry the
 * sentence their end date comes from (`measures.basis`, stored at record time, migration 0013);
 * only rows recorded before it (basis null) bring their text, and the sentence is found in JS.
 *
 * Tried and not kept (same bench, CPU per query): a row per item instead of one aggregate (the
 * backend −0.8 ms, Node +2.3 ms: pg's per-row work); the answer in two rows per part so that
 * Node decodes the first while Postgres reads the rest (no gain measured); a covering btree for
 * the documents' columns and reading the window's documents by `id = any(array)` (see 0018);
 * one-character codes for status and kind, and a decoder walking the text with indexOf instead
 * of split (within the noise).
 */
import { createHash } from 'node:crypto';
import { CompiledQuery, sql, type Kysely, type RawBuilder } from 'kysely';
import { addDays } from '../pipeline/dates.ts';
import { measureBasis } from '../pipeline/measures.ts';
import { documentEnd, documentStatus, measureStatus, type DocumentDates, type LifecycleStatus } from '../pipeline/status.ts';
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
  /** Only items after this one: the `next` of the previous page (keyset pagination). */
  readonly after?: string;
}

export interface ExpiringList {
  readonly on: IsoDate;
  readonly until: IsoDate;
  readonly items: ExpiringItem[];
  /**
   * With `limit`, when the page is full: pass it as `after` for the next page (an opaque
   * string); null otherwise.
   */
  readonly next: string | null;
}

/** Thrown for an `after` value that is not a cursor this module made. */
export class ExpiringCursorError extends Error {
  constructor(cursor: string) {
    super(`not a cursor of the expiring list: "${cursor}" (use the "next" value of the previous page)`);
    this.name = 'ExpiringCursorError';
  }
}

/**
 * Position of an item in the order of the list: its end, documents before measures, document id,
 * the measure's own end, its position in the version.
 */
export interface Position {
  readonly z: IsoDate;
  readonly r: 0 | 1;
  readonly d: number;
  readonly e: IsoDate;
  readonly o: number;
}

const CURSOR_RE = /^(\d{4}-\d{2}-\d{2})~([01])~(\d{1,15})~(\d{4}-\d{2}-\d{2})~(\d{1,9})$/;

function encodeCursor(p: Position): string {
  return `${p.z}~${p.r}~${p.d}~${p.e}~${p.o}`;
}

/** @throws ExpiringCursorError */
function decodeCursor(s: string): Position {
  const m = CURSOR_RE.exec(s);
  if (m === null) throw new ExpiringCursorError(s);
  return { z: m[1]!, r: m[2] === '0' ? 0 : 1, d: Number(m[3]), e: m[4]!, o: Number(m[5]) };
}

/**
 * The columns of the list's rows ({@link itemRows}), in this order: document id, doc number,
 * title, effective, expires, stored status, ended_on; e (a measure's own end, null on a
 * document's row); o (measure ord, 0 on a document's row); a (for a document the sentence its end
 * comes from: its validity sentence, or the repeal; for a measure its stored basis); a measure's
 * path, kind, starts_on and amounts; and, only for a measure recorded before basis was stored,
 * its text and the document's signing date. What the list's order needs besides (the item's end
 * and whether it is a document) follows from these ({@link derive}): nothing is sent twice.
 */
const COLUMNS = ['document_id', 'doc_number', 'title', 'effective', 'expires', 'status', 'ended_on', 'e', 'o', 'a',
  'path', 'kind', 'starts_on', 'amounts', 'text', 'signed_on'] as const;

type Columns = [
  documentId: number[],
  docNumber: (string | null)[],
  title: string[],
  effective: (IsoDate | null)[],
  expires: (IsoDate | null)[],
  status: ('active' | 'repealed')[],
  endedOn: (IsoDate | null)[],
  e: (IsoDate | null)[],
  o: number[],
  a: (string | null)[],
  path: (string | null)[],
  kind: (MeasureKind | null)[],
  startsOn: (IsoDate | null)[],
  amounts: (string[] | null)[],
  text: (string | null)[],
  signedOn: (IsoDate | null)[],
];

/** The answer's columns and, per row, its place in the list's order (see {@link Position}). */
interface Rows {
  readonly c: Columns;
  /** 0 for a document, 1 for a measure. */
  readonly r: (0 | 1)[];
  /** The item's end: a document's own end; a measure's own end, or its document's when earlier. */
  readonly z: IsoDate[];
  /** A measure's own end; a document's end. */
  readonly e: IsoDate[];
}

/** Statuses that mean "no longer in force": never listed (the SQL already leaves them out). */
const GONE: ReadonlySet<LifecycleStatus> = new Set(['expired', 'repealed', 'superseded']);

function datesOf(c: Columns, k: number): DocumentDates {
  return { effective: c[3][k]!, expires: c[4][k]!, repealed: c[5][k] === 'repealed', repealedOn: c[6][k]! };
}

/**
 * Each row's place in the list's order, from its columns: a document's row has no path; it ends
 * on its own end; a measure on the earlier of its own end and its document's (the statement lists
 * a measure cut short by its document only when that end is in the window).
 */
function derive(c: Columns): Rows {
  const n = c[0].length;
  const r = new Array<0 | 1>(n);
  const z = new Array<IsoDate>(n);
  const e = new Array<IsoDate>(n);
  for (let k = 0; k < n; k++) {
    // pipeline/status.ts's end of the document, the SQL's `least(expires, ended_on - 1)`.
    const docEnd = documentEnd(datesOf(c, k));
    const own = c[7][k]!;
    if (c[10][k] === null) {
      r[k] = 0;
      z[k] = e[k] = docEnd!;
    } else {
      r[k] = 1;
      e[k] = own!;
      z[k] = docEnd !== null && docEnd < own! ? docEnd : own!;
    }
  }
  return { c, r, z, e };
}

function positionOf(rows: Rows, k: number): Position {
  return { z: rows.z[k]!, r: rows.r[k]!, d: rows.c[0][k]!, e: rows.e[k]!, o: rows.c[8][k]! };
}

/** -1, 0 or 1 as position `i` comes before, at or after position `j` in the list's order. */
function compare(rows: Rows, i: number, j: number): number {
  for (const col of [rows.z, rows.r, rows.c[0], rows.e, rows.c[8]] as const) {
    const x = col[i]!;
    const y = col[j]!;
    if (x !== y) return x < y ? -1 : 1;
  }
  return 0;
}

/**
 * Row indexes in the list's order. The answer holds the four parts of {@link itemRows}, each in
 * the list's order (Postgres returns an Append's parts in turn, though SQL does not promise it):
 * the ascending runs are found in one pass and merged pairwise, stably (a tie keeps the earlier
 * part first). Any other order of rows is sorted all the same, only slower.
 */
function order(rows: Rows): number[] {
  const n = rows.r.length;
  let runs: number[][] = [];
  let run: number[] = [];
  for (let k = 0; k < n; k++) {
    if (run.length > 0 && compare(rows, k - 1, k) > 0) {
      runs.push(run);
      run = [];
    }
    run.push(k);
  }
  if (run.length > 0) runs.push(run);
  while (runs.length > 1) {
    const merged: number[][] = [];
    for (let r = 0; r < runs.length; r += 2) {
      const a = runs[r]!;
      const b = runs[r + 1];
      if (b === undefined) {
        merged.push(a);
        continue;
      }
      const out = new Array<number>(a.length + b.length);
      let i = 0;
      let j = 0;
      let o = 0;
      while (i < a.length && j < b.length) out[o++] = compare(rows, a[i]!, b[j]!) <= 0 ? a[i++]! : b[j++]!;
      while (i < a.length) out[o++] = a[i++]!;
      while (j < b.length) out[o++] = b[j++]!;
      merged.push(out);
    }
    runs = merged;
  }
  return runs[0] ?? [];
}

/**
 * The list's rows as one JSON text, one array per column (see COLUMNS): what findExpiring asks
 * for when the text answer ({@link expiringTextStatement}, the one it sends first) cannot carry a
 * value. The rows: {@link itemRows}.
 */
export function expiringStatement(q: ExpiringQuery, after: Position | null = null): RawBuilder<{ items: string | null }> {
  return sql<{ items: string | null }>`
    select case when count(*) > 0 then json_build_array(${sql.raw(COLUMNS.map((col) => `json_agg(i.${col})`).join(', '))})::text end as items
      from (${itemRows(q, after)}) i`;
}

/** Field and array-element separators of the text answer (see {@link expiringTextStatement}). */
const FS = '\x1f';
const AS = '\x1c';

/** The text answer: the count of rows and their lines (see {@link expiringTextStatement}). */
interface TextAnswer {
  readonly n: number;
  readonly keys: string | null;
  readonly lines: string | null;
}

/**
 * The same rows as {@link expiringStatement}, as two texts: each row's keys (`pt_expiring_keys`,
 * migration 0020: document id, effective, expires, ended_on, e, kind and ord, starts_on) and
 * its texts (`pt_expiring_texts`: doc number, title, a, path, amounts, text), in the rows'
 * order, fields and rows alike separated by U+001F. The keys are plain ASCII, which Node decodes
 * to a one-byte string several times faster than text holding Chinese. A nullable text is ''
 * for null and '=' + the value otherwise; a date 'YYYY-MM-DD' or '' for null; `ended_on`
 * carries the stored status ('R' before the date for 'repealed'); kind and ord go as
 * `kind:ord`, '' on a document's row; amounts are their count, ':', and the elements separated
 * by U+001C; `text` carries the signing date (`signed_on~text`, '' when no text is sent). A value
 * holding a separator changes the count of the fields (or of a row's amounts), which
 * {@link decodeText} notices: findExpiring then asks for the JSON answer instead. The rows:
 * {@link lineRows}.
 *
 * Measured with bench/expiring (1,000,000 measures, the 90-day window of 1,372 items): the
 * measures' part reads its lines ready-made from measures_expiring_line_idx (0020), with no
 * lookup of their documents and two aggregates; before, one aggregate per column (20 columns,
 * the values formatted per query) and a document lookup per measure. JSON (json_agg per column)
 * cost three times as much as the text, and Node splits a text in a fraction of JSON.parse's
 * time. Tried and not kept: the texts as base64 of their UTF-8, transcoded by ICU (Node's UTF-8
 * decoding of Chinese is slow): Node −0.7–1 ms, Postgres +1.6 ms.
 */
export function expiringTextStatement(q: ExpiringQuery, after: Position | null = null): RawBuilder<TextAnswer> {
  return sql<TextAnswer>`
    select count(*)::integer as n, string_agg(i.keys, chr(31)) as keys, string_agg(i.line, chr(31)) as lines
      from (${lineRows(q, after)}) i`;
}

/** Fields per row of the text answer's keys and texts (see migration 0020). */
const KEY_FIELDS = 7;
const TEXT_FIELDS = 6;

/** Columns from the text answer, or null when a value held a separator (see {@link expiringTextStatement}). */
function decodeText(answer: TextAnswer): Columns | null {
  const n = answer.n;
  const keys = (answer.keys ?? '').split(FS);
  const f = (answer.lines ?? '').split(FS);
  if (keys.length !== n * KEY_FIELDS || f.length !== n * TEXT_FIELDS) return null;
  const c = COLUMNS.map(() => new Array<unknown>(n)) as unknown as { [K in keyof Columns]: unknown[] };
  // Dates come as pt_expiring_keys writes them, with to_char: 'YYYY-MM-DD' whatever DateStyle is.
  const day = (v: string): IsoDate | null => (v === '' ? null : v);
  for (let k = 0, at = 0; k < n; k++, at += KEY_FIELDS) {
    c[0][k] = Number(keys[at]);
    const effective = day(keys[at + 1]!);
    const expires = day(keys[at + 2]!);
    const ended = keys[at + 3]!;
    const repealed = ended.charCodeAt(0) === 82; // 'R'
    const endedOn = day(repealed ? ended.slice(1) : ended);
    const e = day(keys[at + 4]!);
    const startsOn = day(keys[at + 6]!);
    c[3][k] = effective;
    c[4][k] = expires;
    c[5][k] = repealed ? 'repealed' : 'active';
    c[6][k] = endedOn;
    c[7][k] = e;
    c[12][k] = startsOn;
    const kind = keys[at + 5]!;
    if (kind === '') {
      c[8][k] = 0;
      c[11][k] = null;
    } else {
      const colon = kind.indexOf(':');
      c[11][k] = kind.slice(0, colon);
      c[8][k] = Number(kind.slice(colon + 1));
    }
  }
  for (let k = 0, at = 0; k < n; k++, at += TEXT_FIELDS) {
    const number = f[at]!;
    c[1][k] = number === '' ? null : number.slice(1);
    c[2][k] = f[at + 1];
    const a = f[at + 2]!;
    c[9][k] = a === '' ? null : a.slice(1);
    // A document's row has no kind, and no path.
    c[10][k] = c[11][k] === null ? null : f[at + 3];
    const am = f[at + 4]!;
    if (am === '') c[13][k] = null;
    else {
      const colon = am.indexOf(':');
      const count = Number(am.slice(0, colon));
      const elements = count === 0 ? [] : am.slice(colon + 1).split(AS);
      if (elements.length !== count) return null;
      c[13][k] = elements;
    }
    const text = f[at + 5]!;
    if (text === '') {
      c[14][k] = null;
      c[15][k] = null;
    } else {
      const tilde = text.indexOf('~');
      c[15][k] = tilde === 0 ? null : text.slice(0, tilde);
      c[14][k] = text.slice(tilde + 1);
    }
  }
  return c as unknown as Columns;
}

/** The conditions of {@link itemRows} and {@link lineRows}: the same rows, read two ways. */
function conditions(q: ExpiringQuery, after: Position | null) {
  const { on, until } = q;
  const past = (z: RawBuilder<unknown>, r: 0 | 1, d: RawBuilder<unknown>, e: RawBuilder<unknown>, o: RawBuilder<unknown>) =>
    after === null
      ? sql`true`
      : sql`(${z}, ${sql.lit(r)}, ${d}, ${e}, ${o}) > (${after.z}::date, ${sql.lit(after.r)}, ${after.d}::bigint, ${after.e}::date, ${after.o}::integer)`;
  const notRepealed = sql`coalesce(d.ended_on > ${on}, d.status <> 'repealed')`;
  const docEnd = sql`least(d.expires, d.ended_on - 1)`;
  const limit = q.limit ?? null;
  // Documents whose own end is in the window (documents_ends_on_idx, migration 0014).
  const documents = sql`${docEnd} between ${on} and ${until} and d.kind = 'policy' and ${notRepealed}
            and ${past(docEnd, 0, sql`d.id`, docEnd, sql`0`)}`;
  return {
    limit,
    docEnd,
    /** The documents' part, giving `columns` (`d` the document, `rp` its repealer). */
    documentRows: (columns: RawBuilder<unknown>) => sql`
        (select ${columns}
           from documents d
           left join documents rp on rp.id = d.repealed_by
          where ${documents}
          order by ${docEnd}, d.id
          limit ${limit})`,
    /** A part of measures ending on their own end, giving `columns` (`d` the measure's document, looked up). */
    measureRows: (columns: RawBuilder<unknown>, where: RawBuilder<unknown>) => sql`
        (select ${columns}
           from measures m
           ${documentOf}
          where ${where}
          order by m.ends_on, m.document_id, m.ord
          limit ${limit})`,
    /** Measures ending on their own end in the window, `d` their document. */
    ownEnd: sql`m.ends_on between ${on} and ${until} and m.superseded_on > ${on}
            and ${notRepealed} and coalesce(${docEnd} >= m.ends_on, true)
            and ${past(sql`m.ends_on`, 1, sql`m.document_id`, sql`m.ends_on`, sql`m.ord`)}`,
    /** The same from the measure's stored document values (migration 0020). */
    ownEndStored: sql`m.ends_on between ${on} and ${until} and m.superseded_on > ${on}
            and m.repeal_from > ${on} and coalesce(m.doc_end >= m.ends_on, true)
            and ${past(sql`m.ends_on`, 1, sql`m.document_id`, sql`m.ends_on`, sql`m.ord`)}`,
    /** Measures cut short by their document `d` ending in the window before them. */
    cutShort: sql`${docEnd} between ${on} and ${until} and ${docEnd} < ${until} and ${notRepealed}
            and m.ends_on > ${docEnd} and m.ends_on <= ${until} and m.superseded_on > ${on}
            and ${past(docEnd, 1, sql`d.id`, sql`m.ends_on`, sql`m.ord`)}`,
    /** The same from the measure's stored document values (migration 0020). */
    cutShortStored: sql`m.doc_end between ${on} and ${until} and m.doc_end < ${until} and m.repeal_from > ${on}
            and m.ends_on > m.doc_end and m.ends_on <= ${until} and m.superseded_on > ${on}
            and ${past(sql`m.doc_end`, 1, sql`m.document_id`, sql`m.ends_on`, sql`m.ord`)}`,
  };
}

/** A document's sentence for its end: the repeal when the repeal ends it first, else its latest version's validity sentence. */
const documentBasis = sql`case when d.ended_on is not null and (d.expires is null or d.ended_on - 1 < d.expires)
                     then '自' || to_char(d.ended_on, 'YYYY-MM-DD') || '起由'
                          || coalesce(nullif(coalesce('《' || nullif(rp.title, '') || '》', '') || coalesce('（' || nullif(rp.doc_number, '') || '）', ''), ''), '另一文件')
                          || '废止'
                     else (select v.validity_basis from versions v where v.document_id = d.id order by v.seq desc limit 1) end`;

/** A measure's document, looked up by id (offset 0 keeps the lateral a lookup: the planner would rather hash every document, measured slower). */
const documentOf = sql`cross join lateral (select d.doc_number, d.title, d.effective, d.expires, d.status, d.ended_on, d.signed_on
                                 from documents d where d.id = m.document_id offset 0) d`;

/**
 * The rows of the list: four parts, each in the list's order and cut at the limit, one after the
 * other; findExpiring merges them ({@link order}) and cuts again. Merged in Postgres (an outer
 * `order by … limit`), the parts went through a Merge Append and an Incremental Sort that copied
 * every wide row (sentence included): 1.3–2 ms of the backend's CPU per whole window on
 * bench/expiring (1,372 rows), where the merge in Node costs ~0.1 ms. The parts:
 *
 * - documents whose own end, `least(expires, ended_on - 1)`, is in the window
 *   (documents_ends_on_idx, migration 0014), with the sentence that end comes from: the repeal
 *   when the repeal ends it first, else the validity sentence of its latest version;
 * - measures that end on their own end date (their document ends later or has no end), in two
 *   ranges read in order, so a first page stops early: those with a stored line
 *   (measures_expiring_line_idx, 0020: an index-only range, the document's values stored with
 *   the measure), and the others (measures_expiring_unstored_idx, the heap read, each row's
 *   document looked up);
 * - measures cut short by their document ending inside the window before them, by that end
 *   (measures_expiring_cut_short_idx, 0020; few, each with its document looked up).
 *
 * "Repeal in effect" is pipeline/status.ts's: repealed (or with a repeal date) and the date unknown
 * or on or before `on`.
 *
 * This one gives the lines of the text answer; {@link itemRows} the same rows as columns.
 */
function lineRows(q: ExpiringQuery, after: Position | null): RawBuilder<unknown> {
  const w = conditions(q, after);
  const measureLine = sql`pt_expiring_keys(m.document_id, d.effective, d.expires, d.status, d.ended_on, m.ends_on, m.kind, m.ord, m.starts_on),
                pt_expiring_texts(d.doc_number, d.title, m.basis, m.path, m.amounts,
                                  case when m.basis is null then m.text end, case when m.basis is null then d.signed_on end)`;
  return sql`
        ${w.documentRows(sql`pt_expiring_keys(d.id, d.effective, d.expires, d.status, d.ended_on, null, null, null, null) as keys,
                pt_expiring_texts(d.doc_number, d.title, ${documentBasis}, null, null, null, null) as line`)}
        union all
        (select m.expiring_keys, m.expiring_line
           from measures m
          where ${w.ownEndStored} and pt_expiring_stored(m.expiring_keys, m.expiring_line)
          order by m.ends_on, m.document_id, m.ord
          limit ${w.limit})
        union all
        ${w.measureRows(measureLine, sql`${w.ownEnd} and not pt_expiring_stored(m.expiring_keys, m.expiring_line)`)}
        union all
        (select ${measureLine}
           from measures m
           ${documentOf}
          where ${w.cutShortStored}
          order by m.doc_end, m.document_id, m.ends_on, m.ord
          limit ${w.limit})`;
}

/** The rows of {@link lineRows} as columns (COLUMNS), for the JSON answer: each measure's document looked up. */
function itemRows(q: ExpiringQuery, after: Position | null): RawBuilder<unknown> {
  const w = conditions(q, after);
  const measureColumns = sql`m.basis, m.path, m.kind, m.starts_on, m.amounts,
         case when m.basis is null then m.text end, case when m.basis is null then d.signed_on end`;
  return sql`
        ${w.documentRows(sql`d.id as document_id, d.doc_number, d.title, d.effective, d.expires, d.status, d.ended_on,
                null::date as e, 0 as o, ${documentBasis} as a,
                null::text as path, null::text as kind, null::date as starts_on, null::text[] as amounts, null::text as text, null::date as signed_on`)}
        union all
        ${w.measureRows(sql`m.document_id, d.doc_number, d.title, d.effective, d.expires, d.status, d.ended_on, m.ends_on, m.ord, ${measureColumns}`, w.ownEnd)}
        union all
        (select d.id, d.doc_number, d.title, d.effective, d.expires, d.status, d.ended_on, m.ends_on, m.ord, ${measureColumns}
           from documents d
           join measures m on m.document_id = d.id
          where ${w.cutShort}
          order by ${w.docEnd}, d.id, m.ends_on, m.ord
          limit ${w.limit})`;
}

function itemOf(rows: Rows, k: number, on: IsoDate): ExpiringItem | null {
  const c = rows.c;
  const document = { id: Number(c[0][k]), docNumber: c[1][k]!, title: c[2][k]! };
  const effective = c[3][k]!;
  if (rows.r[k] === 0) {
    const report = documentStatus(datesOf(c, k), on);
    if (report.endsOn === null || report.daysLeft === null || GONE.has(report.status)) return null;
    return {
      kind: 'document',
      document,
      path: null,
      startsOn: effective,
      endsOn: report.endsOn,
      daysLeft: report.daysLeft,
      status: report.status,
      basis: c[9][k]!,
    };
  }
  const ownEnd = c[7][k]!;
  const startsOn = c[12][k]!;
  const report = measureStatus({ startsOn, endsOn: ownEnd }, datesOf(c, k), on);
  if (report.endsOn === null || report.daysLeft === null || GONE.has(report.status)) return null;
  const text = c[14][k]!;
  return {
    kind: 'measure',
    document,
    path: c[10][k]!,
    startsOn,
    endsOn: report.endsOn,
    daysLeft: report.daysLeft,
    status: report.status,
    // `text` comes only when no sentence was stored (recorded before measures.basis): found in it.
    basis: text === null ? c[9][k]! : measureBasis(text, ownEnd, { effective, expires: c[4][k]!, signedOn: c[15][k]! }),
    measureKind: c[11][k]!,
    amounts: c[13][k] ?? [],
  };
}

/** Names of the prepared statements, by SQL text (one per shape: with or without a cursor). */
const preparedNames = new Map<string, string>();

/** What a parameter of {@link itemRows} may be, written as an SQL literal for EXECUTE; null for anything else. */
function literal(v: unknown): string | null {
  if (v === null) return 'null';
  if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
  if (typeof v === 'string' && /^\d{4}-\d{2}-\d{2}$/.test(v)) return `'${v}'`;
  return null;
}

/** SQLSTATE 26000: no prepared statement of that name in this session. */
const NO_SUCH_STATEMENT = '26000';

/**
 * Runs `st` as a prepared statement of the session (PREPARE once per connection, then EXECUTE):
 * Postgres keeps its plan (a generic plan after five executions) instead of parsing and planning
 * the statement every time, which cost 2.5–3 ms of the backend's CPU per query on bench/expiring,
 * a quarter of it. Kysely sends statements through pg's unnamed statement and offers no named
 * ones, so this is SQL's PREPARE/EXECUTE; EXECUTE takes no bind parameters, hence literals: only
 * dates and whole numbers are written so (anything else, and a transaction, where a failed
 * EXECUTE would abort it, takes the plain statement). A session that lost the statement
 * (DEALLOCATE, a new connection) prepares it again.
 */
async function executePrepared<R>(db: Kysely<Database>, st: RawBuilder<R>): Promise<R[]> {
  const compiled = st.compile(db);
  const args = compiled.parameters.map(literal);
  if (db.isTransaction || args.includes(null)) return (await db.executeQuery(compiled)).rows;
  let name = preparedNames.get(compiled.sql);
  if (name === undefined) {
    name = `pt_expiring_${createHash('sha1').update(compiled.sql).digest('hex').slice(0, 16)}`;
    preparedNames.set(compiled.sql, name);
  }
  const execute = CompiledQuery.raw(`execute ${name}(${args.join(', ')})`);
  const prepare = CompiledQuery.raw(`prepare ${name} as ${compiled.sql}`);
  return db.connection().execute(async (conn) => {
    try {
      return (await conn.executeQuery<R>(execute)).rows;
    } catch (raw) {
      if ((raw as { code?: unknown } | null)?.code !== NO_SUCH_STATEMENT) throw raw;
      await conn.executeQuery(prepare);
      return (await conn.executeQuery<R>(execute)).rows;
    }
  });
}

/**
 * Documents and measures that end between `on` and `until` (both inclusive), soonest first
 * (documents before measures on the same day, then by document and position).
 *
 * @example
 * await findExpiring(db, { on: '2027-10-15', until: '2028-01-13' })
 * // → { items: [{ kind: 'measure', document: { docNumber: '粤金管〔2025〕24号', … }, path: '三/(二)/7',
 * //               endsOn: '2027-12-31', daysLeft: 77, status: 'expiring', basis: '省财政对在2025年5月1日至…' }], next: null, … }
 * @throws ExpiringCursorError for an `after` that is not a `next` value
 */
export async function findExpiring(db: Kysely<Database>, q: ExpiringQuery): Promise<ExpiringList> {
  if (q.limit !== undefined && !(Number.isInteger(q.limit) && q.limit > 0)) throw new RangeError(`limit must be a positive whole number, got ${q.limit}`);
  const after = q.after === undefined ? null : decodeCursor(q.after);
  const answer = (await executePrepared(db, expiringTextStatement(q, after)))[0];
  if (answer === undefined || answer.n === 0) return { on: q.on, until: q.until, items: [], next: null };
  let cols = decodeText(answer);
  if (cols === null) {
    // A value held a separator (never seen in real texts): the same rows as JSON.
    const json = (await expiringStatement(q, after).execute(db)).rows[0]?.items ?? null;
    if (json === null) return { on: q.on, until: q.until, items: [], next: null };
    cols = JSON.parse(json) as Columns;
  }
  const rows = derive(cols);
  const merged = order(rows);
  // Each part was cut at the limit; the merged list is cut again.
  const idx = q.limit !== undefined && merged.length > q.limit ? merged.slice(0, q.limit) : merged;
  const items: ExpiringItem[] = [];
  for (const k of idx) {
    const item = itemOf(rows, k, q.on);
    if (item !== null) items.push(item);
  }
  const next = q.limit !== undefined && idx.length === q.limit ? encodeCursor(positionOf(rows, idx[idx.length - 1]!)) : null;
  return { on: q.on, until: q.until, items, next };
}
