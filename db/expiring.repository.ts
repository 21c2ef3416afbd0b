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
 * window of 1,372 items): the window is read and filtered in SQL, its measures index-only
 * (migration 0017), each measure's document found through a hash index (0018), in four parts
 * each already in the list's order, which Node merges (an outer sort in Postgres copied every
 * wide row). The statement is prepared once per connection (EXECUTE skips parsing and planning)
 * and its answer is one delimited text per column (one decode and one split per column instead
 * of a field decode per column and row, which cost more than the query itself; cheaper than
 * json_agg and JSON.parse, which remain the fallback). Backend CPU per whole window, from
 * 12.1 ms before these changes (quiet machine): prepared −2.5–3 ms, merged in Node −1.3–2
 * ms, hash lookups −1 ms, one text per column −1.2 ms. Measures carry the sentence their end
 * date comes from (`measures.basis`, stored at record time, migration 0013); only rows recorded
 * before it (basis null) bring their text, and the sentence is found in JS.
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
 * The statement's answer, one JSON array per column (json_agg reads each column's type once,
 * json_build_array per row would read it for every value), rows in the list's order:
 * r (0 document, 1 measure), document id, doc number, title, effective, expires, stored status,
 * ended_on, z (the item's end), e (a measure's own end, or z), o (measure ord, or 0), then
 * a, b, c: for a document its validity sentence, repealer title and number; for a measure its
 * stored basis; then a measure's path, kind, starts_on, amounts, and when no basis was stored,
 * its text and the document's signing date.
 */
const COLUMNS = ['r', 'document_id', 'doc_number', 'title', 'effective', 'expires', 'status', 'ended_on', 'z', 'e', 'o', 'a', 'b', 'c',
  'path', 'kind', 'starts_on', 'amounts', 'text', 'signed_on'] as const;

type Columns = [
  r: (0 | 1)[],
  documentId: number[],
  docNumber: (string | null)[],
  title: string[],
  effective: (IsoDate | null)[],
  expires: (IsoDate | null)[],
  status: ('active' | 'repealed')[],
  endedOn: (IsoDate | null)[],
  z: IsoDate[],
  e: IsoDate[],
  o: number[],
  a: (string | null)[],
  b: (string | null)[],
  c: (string | null)[],
  path: (string | null)[],
  kind: (MeasureKind | null)[],
  startsOn: (IsoDate | null)[],
  amounts: (string[] | null)[],
  text: (string | null)[],
  signedOn: (IsoDate | null)[],
];

/** Statuses that mean "no longer in force": never listed (the SQL already leaves them out). */
const GONE: ReadonlySet<LifecycleStatus> = new Set(['expired', 'repealed', 'superseded']);

function datesOf(c: Columns, k: number): DocumentDates {
  return { effective: c[4][k]!, expires: c[5][k]!, repealed: c[6][k] === 'repealed', repealedOn: c[7][k]! };
}

function positionOf(c: Columns, k: number): Position {
  return { z: c[8][k]!, r: c[0][k]!, d: c[1][k]!, e: c[9][k]!, o: c[10][k]! };
}

/** -1, 0 or 1 as position `i` comes before, at or after position `j` in the list's order. */
function compare(c: Columns, i: number, j: number): number {
  for (const col of [c[8], c[0], c[1], c[9], c[10]] as const) {
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
function order(c: Columns): number[] {
  const n = c[0].length;
  let runs: number[][] = [];
  let run: number[] = [];
  for (let k = 0; k < n; k++) {
    if (run.length > 0 && compare(c, k - 1, k) > 0) {
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
      while (i < a.length && j < b.length) out[o++] = compare(c, a[i]!, b[j]!) <= 0 ? a[i++]! : b[j++]!;
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

/** The text answer: the count of rows, then one text per column (see {@link expiringTextStatement}). */
type TextAnswer = { readonly n: number } & { readonly [K in (typeof COLUMNS)[number]]: string | null };

/**
 * The same rows as {@link expiringStatement}, as one text per column (COLUMNS), the rows' values
 * in the rows' order (every aggregate of one query reads the rows in the same order) separated
 * by U+001F: `r` one character per row ('0' or '1', no separator); a nullable text field '' for
 * null and '=' + the value otherwise (path and kind, null only on a document's row and never ''
 * on a measure's, go as they are); a date or number '' for null (dates as date_out prints
 * them, 'YYYY-MM-DD' under the default DateStyle ISO, which decodeText checks), `e` '' when it
 * equals `z`; amounts their count, ':', and the elements separated by U+001C. A value holding a separator changes the
 * count of its column's values (or of a row's amounts), which {@link decodeText} notices:
 * findExpiring then asks for the JSON answer instead.
 *
 * Measured with bench/expiring (1,372 rows; CPU of the backend per query): one string_agg per
 * column appends each value as it is, where one text per row (concat_ws of 20 fields, then
 * string_agg of the rows) called an output function, copied and measured every field: 4.3–5.0 →
 * 2.8–3.3 ms for the same rows. JSON (json_agg per column) cost three times as much, and Node
 * splits these texts in a fraction of JSON.parse's time.
 */
export function expiringTextStatement(q: ExpiringQuery, after: Position | null = null): RawBuilder<TextAnswer> {
  const agg = (e: string) => `string_agg(${e}, chr(31))`;
  const txt = (col: string) => agg(`coalesce('=' || i.${col}, '')`);
  // date_out (DateStyle ISO, the default: decodeText checks) costs a fraction of to_char.
  const day = (col: string) => agg(`coalesce(i.${col}::text, '')`);
  const columns: Record<(typeof COLUMNS)[number], string> = {
    r: `string_agg(i.r::text, '')`,
    document_id: agg('i.document_id::text'),
    doc_number: txt('doc_number'),
    title: agg('i.title'),
    effective: day('effective'),
    expires: day('expires'),
    status: agg('i.status'),
    ended_on: day('ended_on'),
    z: day('z'),
    // '' when it is the item's end (all but the measures cut short by their document ending first).
    e: agg(`coalesce(nullif(i.e, i.z)::text, '')`),
    o: agg('i.o::text'),
    a: txt('a'),
    b: txt('b'),
    c: txt('c'),
    // Never null nor '' for a measure (measures.path is not null, measures.kind one of four
    // words), null for a document's row: no '=' needed.
    path: agg(`coalesce(i.path, '')`),
    kind: agg(`coalesce(i.kind, '')`),
    starts_on: day('starts_on'),
    amounts: agg(`coalesce(cardinality(i.amounts) || ':' || array_to_string(i.amounts, chr(28)), '')`),
    text: txt('text'),
    signed_on: day('signed_on'),
  };
  return sql<TextAnswer>`
    select count(*)::integer as n, ${sql.raw(COLUMNS.map((col) => `${columns[col]} as ${col}`).join(', '))}
      from (${itemRows(q, after)}) i`;
}

/** Columns from the text answer, or null when a value held a separator (see {@link expiringTextStatement}). */
function decodeText(answer: TextAnswer): Columns | null {
  const n = answer.n;
  const c = COLUMNS.map(() => new Array<unknown>(n));
  const r = answer.r ?? '';
  if (r.length !== n) return null;
  for (let k = 0; k < n; k++) c[0]![k] = r.charCodeAt(k) === 48 ? 0 : 1;
  for (let j = 1; j < COLUMNS.length; j++) {
    const values = (answer[COLUMNS[j]!] ?? '').split(FS);
    if (values.length !== n) return null;
    const out = c[j]!;
    switch (COLUMNS[j]) {
      case 'document_id':
      case 'o':
        for (let k = 0; k < n; k++) out[k] = Number(values[k]);
        break;
      case 'title':
      case 'status':
        for (let k = 0; k < n; k++) out[k] = values[k];
        break;
      case 'path':
        for (let k = 0; k < n; k++) out[k] = c[0]![k] === 0 ? null : values[k];
        break;
      case 'kind':
        for (let k = 0; k < n; k++) out[k] = values[k] === '' ? null : values[k];
        break;
      case 'e':
        for (let k = 0; k < n; k++) out[k] = values[k] === '' ? c[8]![k] : values[k];
        break;
      case 'effective':
      case 'expires':
      case 'ended_on':
      case 'z':
      case 'starts_on':
      case 'signed_on':
        // Dates as the server prints them: 'YYYY-MM-DD' under DateStyle ISO (the default); else JSON.
        if (COLUMNS[j] === 'z' && !/^\d{4}-\d{2}-\d{2}$/.test(values[0]!)) return null;
        for (let k = 0; k < n; k++) out[k] = values[k] === '' ? null : values[k];
        break;
      case 'amounts':
        for (let k = 0; k < n; k++) {
          const am = values[k]!;
          if (am === '') {
            out[k] = null;
            continue;
          }
          const colon = am.indexOf(':');
          const count = Number(am.slice(0, colon));
          const elements = count === 0 ? [] : am.slice(colon + 1).split(AS);
          if (elements.length !== count) return null;
          out[k] = elements;
        }
        break;
      default:
        // Nullable texts: '' for null, '=' + the value.
        for (let k = 0; k < n; k++) {
          const v = values[k]!;
          out[k] = v === '' ? null : v.slice(1);
        }
    }
  }
  return c as unknown as Columns;
}

/**
 * The rows of the list: four parts, each in the list's order and cut at the limit, one after the
 * other; findExpiring merges them ({@link order}) and cuts again. Merged in Postgres (an outer
 * `order by … limit`), the parts went through a Merge Append and an Incremental Sort that copied
 * every wide row (sentence included): 1.3–2 ms of the backend's CPU per whole window on
 * bench/expiring (1,372 rows), where the merge in Node costs ~0.1 ms. The parts:
 *
 * - documents whose own end, `least(expires, ended_on - 1)`, is in the window
 *   (documents_ends_on_idx, migration 0014);
 * - measures that end on their own end date (their document ends later or has no end), in two
 *   ranges read in order, so a first page stops early: those whose sentence, path and amounts fit
 *   in measures_expiring_covering_idx (0017), an index-only range, and the others
 *   (measures_expiring_rest_idx, the heap read); each row's document fetched by primary key
 *   (offset 0 keeps the lateral a lookup: the planner would rather hash every document, measured
 *   slower);
 * - measures cut short by their document ending inside the window before them: from those
 *   documents (documents_ends_on_idx) to their dated measures (measures_document_ends_idx, 0014).
 *
 * "Repeal in effect" is pipeline/status.ts's: repealed (or with a repeal date) and the date unknown
 * or on or before `on`.
 */
function itemRows(q: ExpiringQuery, after: Position | null): RawBuilder<unknown> {
  const { on, until } = q;
  const limit = q.limit ?? null;
  const notRepealed = sql`coalesce(d.ended_on > ${on}, d.status <> 'repealed')`;
  const docEnd = sql`least(d.expires, d.ended_on - 1)`;
  const past = (z: RawBuilder<unknown>, r: 0 | 1, d: RawBuilder<unknown>, e: RawBuilder<unknown>, o: RawBuilder<unknown>) =>
    after === null
      ? sql`true`
      : sql`(${z}, ${sql.lit(r)}, ${d}, ${e}, ${o}) > (${after.z}::date, ${sql.lit(after.r)}, ${after.d}::bigint, ${after.e}::date, ${after.o}::integer)`;
  const measureColumns = sql`m.basis, null, null, m.path, m.kind, m.starts_on, m.amounts,
         case when m.basis is null then m.text end, case when m.basis is null then d.signed_on end`;
  // The covering index holds no text: a measure without a stored sentence is in the other one.
  const coveredColumns = sql`m.basis, null, null, m.path, m.kind, m.starts_on, m.amounts, null, null::date`;
  const ownEnd = (covered: boolean) => sql`
        (select 1, m.document_id, d.doc_number, d.title, d.effective, d.expires, d.status, d.ended_on,
                m.ends_on, m.ends_on, m.ord, ${covered ? coveredColumns : measureColumns}
           from measures m
           cross join lateral (select d.doc_number, d.title, d.effective, d.expires, d.status, d.ended_on, d.signed_on
                                 from documents d where d.id = m.document_id offset 0) d
          where m.ends_on between ${on} and ${until} and m.superseded_on > ${on}
            and ${covered ? sql`` : sql`not `}pt_expiring_covered(m.basis, m.path, m.amounts)
            and ${notRepealed} and coalesce(${docEnd} >= m.ends_on, true)
            and ${past(sql`m.ends_on`, 1, sql`m.document_id`, sql`m.ends_on`, sql`m.ord`)}
          order by m.ends_on, m.document_id, m.ord
          limit ${limit})`;
  return sql`
        (select 0 as r, d.id as document_id, d.doc_number, d.title, d.effective, d.expires, d.status, d.ended_on,
                ${docEnd} as z, ${docEnd} as e, 0 as o,
                (select v.validity_basis from versions v where v.document_id = d.id order by v.seq desc limit 1) as a,
                rp.title as b, rp.doc_number as c,
                null::text as path, null::text as kind, null::date as starts_on, null::text[] as amounts, null::text as text, null::date as signed_on
           from documents d
           left join documents rp on rp.id = d.repealed_by
          where ${docEnd} between ${on} and ${until} and d.kind = 'policy' and ${notRepealed}
            and ${past(docEnd, 0, sql`d.id`, docEnd, sql`0`)}
          order by ${docEnd}, d.id
          limit ${limit})
        union all
        ${ownEnd(true)}
        union all
        ${ownEnd(false)}
        union all
        (select 1, d.id, d.doc_number, d.title, d.effective, d.expires, d.status, d.ended_on,
                ${docEnd}, m.ends_on, m.ord, ${measureColumns}
           from documents d
           join measures m on m.document_id = d.id
          where ${docEnd} between ${on} and ${addDays(until, -1)} and ${notRepealed}
            and m.ends_on > ${docEnd} and m.ends_on <= ${until} and m.superseded_on > ${on}
            and ${past(docEnd, 1, sql`d.id`, sql`m.ends_on`, sql`m.ord`)}
          order by ${docEnd}, d.id, m.ends_on, m.ord
          limit ${limit})`;
}

function itemOf(c: Columns, k: number, on: IsoDate): ExpiringItem | null {
  const document = { id: Number(c[1][k]), docNumber: c[2][k]!, title: c[3][k]! };
  const effective = c[4][k]!;
  const expires = c[5][k]!;
  if (c[0][k] === 0) {
    const report = documentStatus(datesOf(c, k), on);
    if (report.endsOn === null || report.daysLeft === null || GONE.has(report.status)) return null;
    const endedOn = c[7][k]!;
    const byRepeal = endedOn !== null && (expires === null || addDays(endedOn, -1) < expires);
    const title = c[12][k];
    const number = c[13][k];
    const repealer = `${title ? `《${title}》` : ''}${number ? `（${number}）` : ''}`;
    return {
      kind: 'document',
      document,
      path: null,
      startsOn: effective,
      endsOn: report.endsOn,
      daysLeft: report.daysLeft,
      status: report.status,
      basis: byRepeal ? `自${endedOn}起由${repealer || '另一文件'}废止` : c[11][k]!,
    };
  }
  const ownEnd = c[9][k]!;
  const startsOn = c[16][k]!;
  const report = measureStatus({ startsOn, endsOn: ownEnd }, datesOf(c, k), on);
  if (report.endsOn === null || report.daysLeft === null || GONE.has(report.status)) return null;
  const text = c[18][k]!;
  return {
    kind: 'measure',
    document,
    path: c[14][k]!,
    startsOn,
    endsOn: report.endsOn,
    daysLeft: report.daysLeft,
    status: report.status,
    // `text` comes only when no sentence was stored (recorded before measures.basis): found in it.
    basis: text === null ? c[11][k]! : measureBasis(text, ownEnd, { effective, expires, signedOn: c[19][k]! }),
    measureKind: c[15][k]!,
    amounts: c[17][k] ?? [],
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
  const merged = order(cols);
  // Each part was cut at the limit; the merged list is cut again.
  const idx = q.limit !== undefined && merged.length > q.limit ? merged.slice(0, q.limit) : merged;
  const items: ExpiringItem[] = [];
  for (const k of idx) {
    const item = itemOf(cols, k, q.on);
    if (item !== null) items.push(item);
  }
  const next = q.limit !== undefined && idx.length === q.limit ? encodeCursor(positionOf(cols, idx[idx.length - 1]!)) : null;
  return { on: q.on, until: q.until, items, next };
}
