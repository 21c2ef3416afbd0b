/**
 * Recording one document as the pipeline produced it: document, version, provisions, measures,
 * where it was seen, and repeals — in one transaction, idempotent, safe against other processes
 * recording the same document at the same moment.
 *
 * Keys, hashes and lock ids are computed here (db/identity.ts); the rows are written by the SQL
 * function `pt_record_document` (db/migrations/0003_record_function.ts) in one round trip.
 */
import { sql, type Kysely } from 'kysely';
import type { Measure, PolicyDocument } from '../pipeline/types.ts';
import type { Database } from './schema.ts';
import { InvalidDocumentError, coerceError } from './errors.ts';
import { identityOf, lockIds, lockNames, provisionKey, repealTargets, textHash, type DocumentIdentity } from './identity.ts';
import { frameText } from './version-text.ts';

/** `new`: first version of a new document; `revised`: a new version of a known one; `unchanged`: text already recorded. */
export type RecordOutcome = 'new' | 'revised' | 'unchanged';

export interface RecordResult {
  readonly outcome: RecordOutcome;
  readonly documentId: number;
  readonly versionId: number;
  readonly seq: number;
}

/** Where and when a document was seen. */
export interface SeenAt {
  /** URL or file path. */
  readonly source: string;
  /** When it was seen, as an ISO timestamp (passed in: no clock here). */
  readonly seenAt: string | Date;
  /** The snapshot holding the raw bytes, when one was stored (db/snapshot.repository.ts). */
  readonly snapshotId?: number | null;
}

/**
 * SQLSTATEs after which recording is tried once more: another transaction inserted the same
 * key first (23505 unique_violation), or a deadlock was broken (40P01). The second try finds
 * the other's rows and records `unchanged` or the next version.
 */
const RETRY_CODES = new Set(['23505', '40P01']);

/**
 * SQLSTATE of a revision sent against a base version that no longer has the provision it names
 * (migration 0023: the document was deleted after {@link recordDocuments} read its latest
 * version). Such a document is recorded again on its own, sent whole.
 */
const BASE_GONE = 'P0002';

/**
 * Records `doc` as seen at `seen.source`.
 *
 * - Identity: the normalized document number, else the title's comparison form + issuers
 *   (db/identity.ts). A number-less copy of a document recorded under its number (or the other
 *   way round) is matched by title when issuers agree, and remembered under both keys.
 * - A version is new only when the comparison form of the text changed; a copy differing in
 *   punctuation width or spacing is `unchanged`, but the place it was seen is still recorded.
 * - A text already recorded is found by key and hash first, before any lock is taken
 *   (re-ingesting an unchanged corpus is one indexed lookup and one upsert per document).
 * - Otherwise advisory locks on the document's keys and on the keys of the documents it repeals
 *   serialise recordings that could touch the same rows: two processes recording the same
 *   document at once leave one document and one version. Unique constraints back this up.
 * - Repeals in `doc.validity.repeals` become relations; the repealed document, now or when it
 *   arrives later, is marked repealed from this document's effective (else signing) date.
 * - All of it is one statement, hence one transaction: a failure leaves no row behind.
 *
 * @example
 * const r = await recordDocument(db, doc, { source: 'https://www.gov.cn/…', seenAt: new Date() });
 * // → { outcome: 'new', documentId: 12, versionId: 31, seq: 1 }
 *
 * @returns the outcome and the ids of the document and of the version the text is.
 * @throws InvalidDocumentError when the document has no title; database errors as they are.
 */
export async function recordDocument(db: Kysely<Database>, doc: PolicyDocument, seen: SeenAt): Promise<RecordResult> {
  if (doc.title.trim() === '') throw new InvalidDocumentError(`a document seen at ${seen.source} has no title; it cannot be identified`);
  const identity = identityOf(doc);
  const sha = textHash(doc.text);
  const [known] = await touchKnownVersions(db, [{ key: identity.identityKey, sha, seen }]);
  if (known) return known;
  const payload = JSON.stringify(recordPayload(doc, seen, identity, sha));
  for (let attempt = 1; ; attempt++) {
    try {
      const { rows } = await sql<{ outcome: RecordOutcome; document_id: number; version_id: number; seq: number }>`
        select outcome, document_id, version_id, seq from pt_record_document(${payload}::jsonb)`.execute(db);
      const r = rows[0]!;
      return { outcome: r.outcome, documentId: Number(r.document_id), versionId: Number(r.version_id), seq: Number(r.seq) };
    } catch (raw) {
      const err = coerceError(raw);
      if (attempt >= 2 || !RETRY_CODES.has(String((err as { code?: unknown }).code))) throw err;
    }
  }
}

/** Outcome of one item of {@link recordDocuments}: recorded, or failed with nothing written for it. */
export type RecordItemResult = RecordResult | { readonly outcome: 'failed'; readonly error: Error };

/** A document and where it was seen, for {@link recordDocuments}. */
export interface RecordItem {
  readonly doc: PolicyDocument;
  readonly seen: SeenAt;
}

/** A document the database refused; `code` is the SQLSTATE. Nothing was written for it. */
export class RecordError extends Error {
  readonly code: string;
  constructor(code: string, message: string) {
    super(message);
    this.name = this.constructor.name;
    this.code = code;
  }
}

/**
 * Documents per call of `pt_record_documents`, and the text size (UTF-8 bytes) at which a batch
 * is cut early. Measured on the 2-core machine: the set-based function's cost per document stops
 * falling at about 100; larger batches only hold locks and memory longer.
 */
const BATCH_DOCUMENTS = 200;
const BATCH_BYTES = 8 * 1024 * 1024;

/**
 * Records many documents: the bulk form of {@link recordDocument}, same rules, far fewer round
 * trips. Texts already recorded are found and their sightings recorded in one statement; the
 * others go to the database in batches, each document in its own subtransaction, so a document
 * the database refuses is rolled back alone and reported as `failed` while the rest are kept.
 * A batch commits as a whole: if the connection is lost mid-batch, none of it is recorded
 * (never part of a document). A revision is sent against its document's latest version, read
 * just before: the provisions it kept go as references to that version's (migration 0023).
 * Several versions of one document are sent in successive batches, in their order.
 *
 * @returns one result per item, in order.
 * @throws only when the database cannot be reached or a whole batch fails.
 */
export async function recordDocuments(db: Kysely<Database>, items: readonly RecordItem[]): Promise<RecordItemResult[]> {
  // One document (the ingest worker's usual page): the one-document path, whose fixed cost per
  // call is about half the set-based one's (measured on Postgres, one document per call: 4.9 ms
  // against 7.7–9.2 ms).
  if (items.length === 1) {
    const { doc, seen } = items[0]!;
    return [await recordDocument(db, doc, seen).catch((e: unknown) => ({ outcome: 'failed' as const, error: coerceError(e) }))];
  }
  const results: (RecordItemResult | undefined)[] = new Array(items.length);
  const prepared: { i: number; identity: DocumentIdentity; sha: string }[] = [];
  items.forEach(({ doc, seen }, i) => {
    if (doc.title.trim() === '') {
      results[i] = { outcome: 'failed', error: new InvalidDocumentError(`a document seen at ${seen.source} has no title; it cannot be identified`) };
    } else {
      prepared.push({ i, identity: identityOf(doc), sha: textHash(doc.text) });
    }
  });
  const known = await touchKnownVersions(
    db,
    prepared.map((p) => ({ key: p.identity.identityKey, sha: p.sha, seen: items[p.i]!.seen })),
  );
  // Rounds: items that may be one document (they share a key, or a title where one of them has
  // no number) are put in successive rounds, and a batch holds items of one round only. The
  // database records a batch set-based when no two of its documents share a key or a title, and
  // one by one otherwise; so several versions of one document (a directory holding a law's
  // history, some with its number and some without) are recorded set-based, round after round,
  // each after the one before it. They go in the order of their dates (signing, else taking
  // effect) when each has one, else in the order given: a law's history read in file-name order
  // (new.md before old.md) is recorded oldest first, and its latest text is its latest version.
  const pending: Pending[] = [];
  prepared.forEach((p, k) => {
    const hit = known[k];
    if (hit) results[p.i] = hit;
    else pending.push(p);
  });
  const rounds: Pending[][] = [];
  for (const group of sameDocumentGroups(pending)) {
    for (const [round, p] of chronological(group, (p) => versionDate(items[p.i]!.doc)).entries()) (rounds[round] ??= []).push(p);
  }
  // A revision is sent against the document's latest version (its base): the provisions it
  // shares with it go as references (migration 0023). Round after round, the version the
  // round before recorded is the next one's base (recordPending keeps `bases` so).
  const bases = await latestVersions(db, rounds[0]?.map((p) => p.identity.identityKey) ?? []);
  for (const pending of rounds) await recordPending(db, items, pending, results, bases);
  // A document that lost a race for a unique key (another process recorded it in between) is
  // tried once more on its own: it is then found as recorded. So is one whose base version went
  // away meanwhile: on its own it is sent whole.
  for (let i = 0; i < results.length; i++) {
    const r = results[i];
    if (r?.outcome === 'failed' && r.error instanceof RecordError && (RETRY_CODES.has(r.error.code) || r.error.code === BASE_GONE)) {
      results[i] = await recordDocument(db, items[i]!.doc, items[i]!.seen).catch((e: unknown) => ({ outcome: 'failed' as const, error: coerceError(e) }));
    }
  }
  // Array.from, not map: map would keep a hole (an item the database returned no row for) a hole.
  return Array.from(results, (r, i) => r ?? { outcome: 'failed' as const, error: new Error(`document ${i} was not recorded`) });
}

/**
 * `items` in groups that may be one document: linked by a shared identity key, or by a shared
 * title key where at least one of them has no number (the database matches such documents by
 * title; two with different numbers are never one), directly or through others. Each group in the
 * given order, groups in order of their first item. @internal
 */
function sameDocumentGroups<T extends { readonly identity: DocumentIdentity }>(items: readonly T[]): T[][] {
  const parent = items.map((_, k) => k);
  const root = (k: number): number => {
    while (parent[k] !== k) k = parent[k] = parent[parent[k]!]!;
    return k;
  };
  const numberless = new Set(items.filter((x) => x.identity.docNumber === null).map((x) => x.identity.titleKey));
  const firstWith = new Map<string, number>();
  items.forEach((x, k) => {
    const names = numberless.has(x.identity.titleKey) ? [`k:${x.identity.identityKey}`, `t:${x.identity.titleKey}`] : [`k:${x.identity.identityKey}`];
    for (const name of names) {
      const other = firstWith.get(name);
      if (other === undefined) firstWith.set(name, k);
      else parent[Math.max(root(k), root(other))] = Math.min(root(k), root(other));
    }
  });
  const groups = new Map<number, T[]>();
  items.forEach((x, k) => {
    const r = root(k);
    const g = groups.get(r);
    if (g) g.push(x);
    else groups.set(r, [x]);
  });
  return [...groups.values()];
}

/** The date a version's text dates from: its signing date, else the date it takes effect; null when it has neither. @internal */
function versionDate(doc: PolicyDocument): string | null {
  return doc.signedOn ?? doc.validity.effective;
}

/**
 * `xs` (versions of one document) oldest first by `dateOf` when each has a date, keeping their
 * order among equal dates; as given when any has none. @internal
 */
export function chronological<T>(xs: readonly T[], dateOf: (x: T) => string | null): T[] {
  const dated = xs.map((x) => ({ x, on: dateOf(x) }));
  if (xs.length < 2 || dated.some((d) => d.on === null)) return [...xs];
  return dated.sort((a, b) => (a.on! < b.on! ? -1 : a.on! > b.on! ? 1 : 0)).map((d) => d.x);
}

/** An item of {@link recordDocuments} not recorded yet. */
interface Pending {
  readonly i: number;
  readonly identity: DocumentIdentity;
  readonly sha: string;
}

/** A version a revision is sent against: its id and its provisions' keys, in order. */
interface BaseVersion {
  readonly versionId: number;
  readonly keys: readonly string[];
}

/**
 * The latest version of each document known under one of `identityKeys`, with its provisions'
 * keys (migration 0023); documents unknown, or whose latest version has no provisions, are left out.
 * @internal
 */
async function latestVersions(db: Kysely<Database>, identityKeys: readonly string[]): Promise<Map<string, BaseVersion>> {
  const out = new Map<string, BaseVersion>();
  if (identityKeys.length === 0) return out;
  const { rows } = await sql<{ key: string; version_id: number; keys: string[] }>`
    select k.key, b.id as version_id, b.provision_keys as keys
      from document_keys k
      cross join lateral (select v.id, v.provision_keys from versions v where v.document_id = k.document_id order by v.seq desc limit 1) as b
     where k.key = any(${identityKeys}::text[]) and b.provision_keys is not null`.execute(db);
  for (const r of rows) out.set(r.key, { versionId: Number(r.version_id), keys: r.keys });
  return out;
}

/**
 * Sends `pending` (items not recorded yet) to `pt_record_documents` in batches; fills `results`.
 * Each item is sent against `bases`' version of its document, and a version it records becomes
 * that document's base for the next call.
 */
async function recordPending(
  db: Kysely<Database>,
  items: readonly RecordItem[],
  pending: readonly Pending[],
  results: (RecordItemResult | undefined)[],
  bases: Map<string, BaseVersion>,
): Promise<void> {
  for (let start = 0; start < pending.length; ) {
    const batch: { i: number; key: string; keys: readonly string[]; json: string }[] = [];
    const texts = new TextBlob();
    for (let k = start; k < pending.length && batch.length < BATCH_DOCUMENTS && (batch.length === 0 || texts.bytes < BATCH_BYTES); k++) {
      const p = pending[k]!;
      const { doc, seen } = items[p.i]!;
      const keys = doc.provisions.map(provisionKey);
      const json = JSON.stringify(batchPayload(doc, seen, p.identity, p.sha, texts, keys, bases.get(p.identity.identityKey)));
      batch.push({ i: p.i, key: p.identity.identityKey, keys, json });
    }
    const end = start + batch.length;
    const { rows } = await sql<{
      ord: number;
      outcome: RecordOutcome | null;
      document_id: number | null;
      version_id: number | null;
      seq: number | null;
      error_code: string | null;
      error_message: string | null;
    }>`select * from pt_record_documents(${`[${batch.map((b) => b.json).join(',')}]`}::jsonb, ${texts.concat()}::bytea)`.execute(db);
    for (const r of rows) {
      const item = batch[Number(r.ord) - 1]!;
      results[item.i] =
        r.outcome !== null
          ? { outcome: r.outcome, documentId: Number(r.document_id), versionId: Number(r.version_id), seq: Number(r.seq) }
          : { outcome: 'failed', error: new RecordError(r.error_code ?? 'XX000', r.error_message ?? 'recording failed') };
      // An `unchanged` version may hold other provisions than this copy (punctuation width): no base.
      if (r.outcome === 'new' || r.outcome === 'revised') bases.set(item.key, { versionId: Number(r.version_id), keys: item.keys });
      else bases.delete(item.key);
    }
    start = end;
  }
}

/** Provision texts marked searchable per statement of {@link indexSearch}. */
const INDEX_SEARCH_CHUNK = 20_000;

/**
 * Takes the provision texts recorded since the last call into the text search (migration 0019):
 * recording leaves them out of the trigram index, which cost 40% of the server's CPU while
 * recording (bench/ingest). `ingest` calls this once its documents are recorded, the ingest worker
 * after each job; texts a crash left out are taken by the next call. In chunks, each its own
 * statement, so that a large backlog does not hold one long transaction.
 * @returns how many provision texts it took.
 */
export async function indexSearch(db: Kysely<Database>): Promise<number> {
  let total = 0;
  for (;;) {
    const { rows } = await sql<{ n: number }>`select pt_index_search(${INDEX_SEARCH_CHUNK}) as n`.execute(db);
    const n = Number(rows[0]?.n ?? 0);
    total += n;
    if (n < INDEX_SEARCH_CHUNK) return total;
  }
}

/**
 * The cheap path for texts already recorded: for each item, the version of the document known
 * under `key` whose text hash is `sha`; in the same statement the sightings are recorded (one
 * row per version and place; a later sighting at the same place moves `last_seen_at`). Sends
 * keys, not texts. Items with no such version come back null, with nothing written for them.
 * @internal
 */
async function touchKnownVersions(
  db: Kysely<Database>,
  items: readonly { key: string; sha: string; seen: SeenAt }[],
): Promise<(RecordResult | null)[]> {
  if (items.length === 0) return [];
  const { rows } = await sql<{ ord: number; document_id: number; version_id: number; seq: number }>`
    with input as (
      select * from unnest(${items.map((i) => i.key)}::text[], ${items.map((i) => i.sha)}::text[],
                           ${items.map((i) => i.seen.source)}::text[], ${items.map((i) => i.seen.snapshotId ?? null)}::bigint[],
                           ${items.map((i) => (i.seen.seenAt instanceof Date ? i.seen.seenAt.toISOString() : i.seen.seenAt))}::timestamptz[])
               with ordinality as i(key, sha, location, snapshot_id, seen_at, ord)
    ), v as (
      select i.ord, i.location, i.snapshot_id, i.seen_at, ver.document_id, ver.id as version_id, ver.seq
        from input i
        join document_keys k on k.key = i.key
        join versions ver on ver.document_id = k.document_id and ver.text_sha256 = i.sha
    ), s as (
      insert into version_sources as s (version_id, location, snapshot_id, first_seen_at, last_seen_at)
      select distinct on (version_id, location) version_id, location, snapshot_id, seen_at, seen_at
        from v order by version_id, location, seen_at desc
      on conflict (version_id, location) do update
        set last_seen_at = greatest(s.last_seen_at, excluded.last_seen_at),
            snapshot_id = coalesce(excluded.snapshot_id, s.snapshot_id)
      returning version_id
    ), relaxed as (
      -- Only sightings are written here; losing the last few of them in a crash costs nothing
      -- (the next ingest records them again), so this statement does not wait for its WAL flush.
      select set_config('synchronous_commit', 'off', true)
    )
    select ord, document_id, version_id, seq from v, relaxed`.execute(db);
  const out: (RecordResult | null)[] = items.map(() => null);
  for (const r of rows) {
    out[Number(r.ord) - 1] = { outcome: 'unchanged', documentId: Number(r.document_id), versionId: Number(r.version_id), seq: Number(r.seq) };
  }
  return out;
}

/** The argument of `pt_record_document`: keys, hashes and lock ids computed here, rows as JSON. @internal */
function recordPayload(doc: PolicyDocument, seen: SeenAt, identity: DocumentIdentity, sha: string): Record<string, unknown> {
  // As in a batch (migration 0021): a segmented text as its frame, provisions with their keys, an
  // undated measure that is its provision's whole text as a reference to it. The whole texts go
  // too, so that the payload records the same on a database not yet migrated to 0021.
  const frame = frameText(doc.text, doc.provisions);
  const ordOf = provisionOrdinals(doc);
  return {
    ...payloadFields(doc, seen, identity, sha),
    text: doc.text,
    ...(frame === null ? {} : { text_frame: frame }),
    provisions: doc.provisions.map((p) => ({ path: p.path, label: p.label, level: p.level, heading: p.heading, text: p.text, key: provisionKey(p) })),
    measures: doc.measures.map((m) => {
      const prov = ordOf.get(m.text);
      return { ...measureFields(m), text: m.text, ...(prov !== undefined && m.endsOn === null ? { prov } : {}) };
    }),
  };
}

/**
 * One document of a `pt_record_documents` batch: as {@link recordPayload}, but the version's text
 * and the provisions' texts are appended to `texts` and named by byte offset and length.
 * Why: the texts are 95% of a batch's bytes, and Postgres 15 lexes JSON strings a byte at a time
 * (measured: parsing them as jsonb was 28% of the server's time); as one bytea they arrive as is.
 * A segmented text is sent as its frame, and an undated measure that is its provision's whole
 * text names that provision: the record stores them so (migration 0021). Given the document's
 * `base` version (its latest, read before), a provision the base has goes as its ordinal there,
 * with no fields and no text (migration 0023).
 * @internal
 */
function batchPayload(
  doc: PolicyDocument,
  seen: SeenAt,
  identity: DocumentIdentity,
  sha: string,
  texts: TextBlob,
  keys: readonly string[],
  base: BaseVersion | undefined,
): Record<string, unknown> {
  // A segmented text goes as its frame (db/version-text.ts): the provisions hold the rest.
  const frame = frameText(doc.text, doc.provisions);
  const [textAt, textLen] = texts.add(frame ?? doc.text);
  const ordOf = provisionOrdinals(doc);
  // A provision the base version has (same key) goes as its ordinal there, with no text.
  const inBase = new Map<string, number>();
  base?.keys.forEach((key, j) => {
    if (!inBase.has(key)) inBase.set(key, j);
  });
  const sent: ([at: number, len: number] | undefined)[] = [];
  let shared = 0;
  const provisions = doc.provisions.map((p, o) => {
    const j = inBase.get(keys[o]!);
    if (j !== undefined) {
      shared++;
      return { base: j };
    }
    const [at, len] = texts.add(p.text);
    sent[o] = [at, len];
    return { path: p.path, label: p.label, level: p.level, heading: p.heading, at, len, key: keys[o] };
  });
  return {
    ...payloadFields(doc, seen, identity, sha),
    ...(frame === null ? { text_at: textAt, text_len: textLen } : { frame_at: textAt, frame_len: textLen }),
    ...(base !== undefined && shared > 0 ? { base_version: base.versionId } : {}),
    provisions,
    // A measure is most often its whole provision (39 of the seeds' 49): an undated one is stored
    // as a reference to the provision (`prov`, migration 0021) and sends no text; a dated one
    // names the provision's text by its offset and length when the provision was sent.
    measures: doc.measures.map((m) => {
      const prov = ordOf.get(m.text);
      if (prov !== undefined && m.endsOn === null) return { ...measureFields(m), prov };
      const [at, len] = (prov === undefined ? undefined : sent[prov]) ?? texts.add(m.text);
      return { ...measureFields(m), at, len };
    }),
  };
}

/** Each provision text of `doc` and the ordinal of the first provision with it: what a measure that is a whole provision names. @internal */
function provisionOrdinals(doc: PolicyDocument): Map<string, number> {
  const ordOf = new Map<string, number>();
  doc.provisions.forEach((p, ord) => {
    if (!ordOf.has(p.text)) ordOf.set(p.text, ord);
  });
  return ordOf;
}

/**
 * Texts as one UTF-8 byte string, each named by its offset and length in bytes. Each text is
 * encoded once, straight into a buffer that grows by doubling (measured: counting bytes first and
 * encoding the joined texts after cost Node twice the passes over 30 MB a bench run sends).
 * @internal
 */
class TextBlob {
  // Small to begin with: the ingest worker records one page's documents per call.
  private buffer = Buffer.allocUnsafe(64 * 1024);
  bytes = 0;

  add(text: string): [at: number, len: number] {
    // UTF-8 takes at most 3 bytes per UTF-16 code unit (a surrogate pair: 4 bytes for 2 units).
    const room = this.bytes + text.length * 3;
    if (room > this.buffer.length) {
      const grown = Buffer.allocUnsafe(Math.max(room, this.buffer.length * 2));
      this.buffer.copy(grown, 0, 0, this.bytes);
      this.buffer = grown;
    }
    const len = this.buffer.write(text, this.bytes, 'utf8');
    this.bytes += len;
    return [this.bytes - len, len];
  }

  concat(): Buffer {
    return this.buffer.subarray(0, this.bytes);
  }
}

/**
 * A measure's columns but its text. `basis` (the sentence its end date comes from) is optional
 * in the pipeline's Measure; absent, it is stored as null. @internal
 */
function measureFields(m: Measure): Record<string, unknown> {
  return {
    path: m.path,
    kind: m.kind,
    starts_on: m.startsOn,
    ends_on: m.endsOn,
    amounts: m.amounts,
    responsible: m.responsible,
    basis: (m as { basis?: string | null }).basis ?? null,
  };
}

/** Everything in a payload but the provisions, the measures and the texts. @internal */
function payloadFields(doc: PolicyDocument, seen: SeenAt, identity: DocumentIdentity, sha: string): Record<string, unknown> {
  const targets = repealTargets(doc.validity.repeals);
  return {
    identity_key: identity.identityKey,
    title_key: identity.titleKey,
    doc_number: identity.docNumber,
    doc_number_raw: doc.docNumberRaw,
    kind: doc.kind,
    title: doc.title,
    issuers: doc.issuers,
    issuer_keys: identity.issuerKeys,
    signed_on: doc.signedOn,
    published_on: doc.publishedOn ?? null,
    effective: doc.validity.effective,
    expires: doc.validity.expires,
    validity_basis: doc.validity.basis,
    text_sha256: sha,
    notice: doc.notice,
    location: seen.source,
    seen_at: seen.seenAt instanceof Date ? seen.seenAt.toISOString() : seen.seenAt,
    snapshot_id: seen.snapshotId ?? null,
    lock_ids: lockIds(lockNames(identity, targets)),
    repeals: targets.map((t) => ({ doc_number: t.docNumber, title: t.title, title_key: t.titleKey, target_key: t.targetKey })),
  };
}
