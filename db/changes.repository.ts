/**
 * The changes between versions of a document: recorded once per version against the version
 * before it (`changes` rows plus one `version_comparisons` row), read back in the shape of
 * `compare --json`, and computed on demand between any two versions.
 *
 * @example
 * const r = await recordChanges(db, versionId); // → { kind: 'recorded', changes: 14 }
 * await recordChanges(db, versionId);           // → { kind: 'exists' } (nothing written)
 */
import { sql, type Kysely } from 'kysely';
import { compareProvisions, type ChangeOp, type CompareResult, type CompareSummary, type DiffSpan, type ProvisionChange } from '../pipeline/compare.ts';
import type { PolicyDocument, Provision } from '../pipeline/types.ts';
import { coerceError } from './errors.ts';
import { recordDocument, recordDocuments, type RecordItem, type RecordItemResult, type RecordResult, type SeenAt } from './record.ts';
import type { Database } from './schema.ts';

/** Change rows per INSERT: 10 columns each, far below the 65,535 bind parameters of one statement. */
const INSERT_BATCH = 500;
/** Provision texts per read in {@link recordChangesOf}: one bind parameter each. */
const PROVISION_TEXTS_PER_READ = 20_000;

/** What {@link recordChanges} did. */
export type RecordChangesOutcome =
  /** The version is the first of its document (or the one before it is gone): nothing to compare. */
  | { readonly kind: 'first' }
  /** Compared and written now. */
  | { readonly kind: 'recorded'; readonly changes: number; readonly summary: CompareSummary }
  /** Already recorded (by an earlier run or by another process at the same time): nothing written. */
  | { readonly kind: 'exists' };

/** Per-version counts shown by `history --json` (contract extension). */
export interface ChangeCounts {
  readonly modified: number;
  readonly added: number;
  readonly deleted: number;
  readonly renumbered: number;
  readonly moved: number;
}

/** Which provision a change touches, for one-line listings. */
export interface ChangedProvision {
  readonly op: ChangeOp;
  readonly old: string | null;
  readonly new: string | null;
}

interface VersionRef {
  readonly id: number;
  readonly documentId: number;
  readonly seq: number;
}

async function versionRef(db: Kysely<Database>, versionId: number): Promise<VersionRef | null> {
  const v = await db.selectFrom('versions').select(['id', 'document_id', 'seq']).where('id', '=', versionId).executeTakeFirst();
  return v ? { id: v.id, documentId: v.document_id, seq: v.seq } : null;
}

async function previousVersion(db: Kysely<Database>, v: VersionRef): Promise<VersionRef | null> {
  if (v.seq <= 1) return null;
  const p = await db
    .selectFrom('versions')
    .select(['id', 'document_id', 'seq'])
    .where('document_id', '=', v.documentId)
    .where('seq', '=', v.seq - 1)
    .executeTakeFirst();
  return p ? { id: p.id, documentId: p.document_id, seq: p.seq } : null;
}

/** The provisions of one version, in document order. */
export async function versionProvisions(db: Kysely<Database>, versionId: number): Promise<Provision[]> {
  return db.selectFrom('provisions').select(['path', 'label', 'level', 'heading', 'text']).where('version_id', '=', versionId).orderBy('ord').execute();
}

/**
 * Stored provisions by id (`provision_texts`, as `versions.provision_ids` lists them), each read
 * once, {@link PROVISION_TEXTS_PER_READ} per statement.
 */
export async function provisionsById(db: Kysely<Database>, ids: readonly number[]): Promise<Map<number, Provision>> {
  const wanted = [...new Set(ids)];
  const out = new Map<number, Provision>();
  for (let i = 0; i < wanted.length; i += PROVISION_TEXTS_PER_READ) {
    const rows = await db
      .selectFrom('provision_texts')
      .select(['id', 'path', 'label', 'level', 'heading', 'text'])
      .where('id', 'in', wanted.slice(i, i + PROVISION_TEXTS_PER_READ))
      .execute();
    for (const { id, ...p } of rows) out.set(Number(id), p);
  }
  return out;
}

/** Compares two stored versions directly (any two, in either order). Pure apart from the reads. */
export async function compareStoredVersions(db: Kysely<Database>, fromVersionId: number, toVersionId: number): Promise<CompareResult> {
  const [from, to] = await Promise.all([versionProvisions(db, fromVersionId), versionProvisions(db, toVersionId)]);
  return compareProvisions(from, to);
}

/** The extension fields of a change, stored in `changes.detail`. */
function detailOf(c: ProvisionChange): Record<string, unknown> {
  const { op: _op, old: _old, new: _new, similarity: _s, diff: _d, ...rest } = c;
  return rest;
}

/**
 * Records the changes of version `versionId` against the version before it (seq − 1 of the same
 * document): one `changes` row per change, `ord` = its position in `compare --json`, and one
 * `version_comparisons` row with the summary. Idempotent and safe when two processes run it at
 * once: the comparison row is inserted first with ON CONFLICT DO NOTHING, so the second writer
 * waits for the first to commit and then writes nothing; the change rows are written in the same
 * transaction (ON CONFLICT DO NOTHING too).
 */
export async function recordChanges(db: Kysely<Database>, versionId: number): Promise<RecordChangesOutcome> {
  const v = await versionRef(db, versionId);
  if (v === null) throw new Error(`version ${versionId} is not recorded`);
  const prev = await previousVersion(db, v);
  if (prev === null) return { kind: 'first' };
  const done = await db.selectFrom('version_comparisons').select('version_id').where('version_id', '=', v.id).executeTakeFirst();
  if (done) return { kind: 'exists' };
  const { changes, summary } = await compareStoredVersions(db, prev.id, v.id);
  return db.transaction().execute(async (trx) => {
    const claimed = await trx
      .insertInto('version_comparisons')
      .values({ version_id: v.id, prev_version_id: prev.id, summary: JSON.stringify(summary) })
      .onConflict((oc) => oc.column('version_id').doNothing())
      .returning('version_id')
      .executeTakeFirst();
    if (!claimed) return { kind: 'exists' } as const;
    const rows = changeRows(v.id, prev.id, changes);
    await insertChanges(trx, rows);
    return { kind: 'recorded', changes: rows.length, summary } as const;
  });
}

/** The `changes` rows of one comparison, `ord` = the change's position in `compare --json`. @internal */
function changeRows(versionId: number, prevVersionId: number, changes: readonly ProvisionChange[]) {
  return changes.map((c, ord) => ({
    version_id: versionId,
    prev_version_id: prevVersionId,
    ord,
    op: c.op,
    old_path: c.old,
    new_path: c.new,
    similarity: c.similarity,
    diff: JSON.stringify(c.diff),
    detail: JSON.stringify(detailOf(c)),
  }));
}

/** Inserts change rows, {@link INSERT_BATCH} per statement; rows already there are left as they are. @internal */
async function insertChanges(db: Kysely<Database>, rows: ReturnType<typeof changeRows>): Promise<void> {
  for (let i = 0; i < rows.length; i += INSERT_BATCH) {
    await db
      .insertInto('changes')
      .values(rows.slice(i, i + INSERT_BATCH))
      .onConflict((oc) => oc.columns(['version_id', 'ord']).doNothing())
      .execute();
  }
}

/**
 * The bulk form of {@link recordChanges}: the changes of each version against the version before
 * it, for many versions in a few statements (the versions and their provision ids, each provision
 * text read once — consecutive versions share the texts of unchanged provisions — then one
 * transaction writing every comparison). Versions without a previous one, or already compared,
 * are skipped. Same rows as {@link recordChanges} one by one, and as safe when another process
 * records the same comparisons at once (ON CONFLICT DO NOTHING on `version_comparisons`).
 * @returns how many comparisons it wrote.
 * @throws database errors; nothing is written then.
 */
export async function recordChangesOf(db: Kysely<Database>, versionIds: readonly number[]): Promise<number> {
  if (versionIds.length === 0) return 0;
  const { rows: pairs } = await sql<{ id: number; prev_id: number; ids: Array<number | string>; prev_ids: Array<number | string> }>`
    select v.id, p.id as prev_id, v.provision_ids as ids, p.provision_ids as prev_ids
      from versions v
      join versions p on p.document_id = v.document_id and p.seq = v.seq - 1
     where v.id = any(${[...new Set(versionIds)]}::bigint[])
       and not exists (select 1 from version_comparisons c where c.version_id = v.id)
     order by v.id`.execute(db);
  if (pairs.length === 0) return 0;
  const texts = await provisionsById(db, pairs.flatMap((p) => [...p.ids, ...p.prev_ids].map(Number)));
  const provisionsOf = (ids: readonly (number | string)[]) => ids.map((id) => texts.get(Number(id))!);
  const compared = pairs.map((p) => ({
    id: Number(p.id),
    prevId: Number(p.prev_id),
    ...compareProvisions(provisionsOf(p.prev_ids), provisionsOf(p.ids)),
  }));
  return db.transaction().execute(async (trx) => {
    const claimed = new Set<number>();
    for (let i = 0; i < compared.length; i += INSERT_BATCH) {
      const rows = await trx
        .insertInto('version_comparisons')
        .values(compared.slice(i, i + INSERT_BATCH).map((c) => ({ version_id: c.id, prev_version_id: c.prevId, summary: JSON.stringify(c.summary) })))
        .onConflict((oc) => oc.column('version_id').doNothing())
        .returning('version_id')
        .execute();
      for (const r of rows) claimed.add(Number(r.version_id));
    }
    await insertChanges(trx, compared.filter((c) => claimed.has(c.id)).flatMap((c) => changeRows(c.id, c.prevId, c.changes)));
    return claimed.size;
  });
}

/** The recorded changes of a version against the one before it, or null when not recorded. */
export async function storedChanges(db: Kysely<Database>, versionId: number): Promise<CompareResult | null> {
  const cmp = await db.selectFrom('version_comparisons').select(['summary']).where('version_id', '=', versionId).executeTakeFirst();
  if (!cmp) return null;
  const rows = await db
    .selectFrom('changes')
    .select(['op', 'old_path', 'new_path', 'similarity', 'diff', 'detail'])
    .where('version_id', '=', versionId)
    .orderBy('ord')
    .execute();
  const changes = rows.map(
    (r): ProvisionChange => ({
      op: r.op,
      old: r.old_path,
      new: r.new_path,
      similarity: r.similarity ?? 0,
      diff: r.diff as DiffSpan[],
      oldLabel: null,
      newLabel: null,
      oldText: null,
      newText: null,
      ...(r.detail as Partial<ProvisionChange>),
    }),
  );
  return { changes, summary: cmp.summary as CompareSummary };
}

/**
 * The changes of a version against the one before it: read from the record, or computed and
 * recorded now when missing (versions recorded before this was recorded, or a crash between
 * recording the version and its changes). Null for a first version.
 */
export async function versionChanges(db: Kysely<Database>, versionId: number): Promise<CompareResult | null> {
  const stored = await storedChanges(db, versionId);
  if (stored) return stored;
  const r = await recordChanges(db, versionId);
  if (r.kind === 'first') return null;
  return storedChanges(db, versionId);
}

/** Counts of a summary as `history --json` shows them. */
export function changeCounts(s: CompareSummary): ChangeCounts {
  return { modified: s.modified, added: s.added, deleted: s.deleted, renumbered: s.renumbered, moved: s.moved };
}

/**
 * Summary and changed provisions of each version against the one before it, recording those
 * still missing. Versions without a previous one are absent from the map.
 */
export async function changesOfVersions(
  db: Kysely<Database>,
  versionIds: readonly number[],
): Promise<Map<number, { summary: CompareSummary; provisions: ChangedProvision[] }>> {
  const out = new Map<number, { summary: CompareSummary; provisions: ChangedProvision[] }>();
  if (versionIds.length === 0) return out;
  const read = async (ids: readonly number[]) => {
    const cmps = await db.selectFrom('version_comparisons').select(['version_id', 'summary']).where('version_id', 'in', [...ids]).execute();
    const rows = cmps.length
      ? await db
          .selectFrom('changes')
          .select(['version_id', 'op', 'old_path', 'new_path'])
          .where('version_id', 'in', cmps.map((c) => c.version_id))
          .orderBy('version_id')
          .orderBy('ord')
          .execute()
      : [];
    for (const c of cmps) out.set(c.version_id, { summary: c.summary as CompareSummary, provisions: [] });
    for (const r of rows) out.get(r.version_id)!.provisions.push({ op: r.op, old: r.old_path, new: r.new_path });
  };
  await read(versionIds);
  const missing = versionIds.filter((id) => !out.has(id));
  let recorded = false;
  for (const id of missing) recorded = (await recordChanges(db, id)).kind !== 'first' || recorded;
  if (recorded) await read(missing);
  return out;
}

/**
 * Records one document as seen (db/record.ts) and, when it is a new version of a known document,
 * the changes against the version before it. The one path both `ingest` and the ingest worker
 * take. The version is recorded either way: should recording the changes fail, `diff`, `history`
 * and the alerts compute and record them when first asked.
 * @returns what {@link recordDocument} returns.
 */
export async function recordDocumentWithChanges(db: Kysely<Database>, doc: PolicyDocument, seen: SeenAt): Promise<RecordResult> {
  const r = await recordDocument(db, doc, seen);
  if (r.outcome === 'revised') await recordChanges(db, r.versionId).catch(() => undefined);
  return r;
}

/**
 * The bulk form of {@link recordDocumentWithChanges}: records the documents with
 * {@link recordDocuments} (batches, each document in its own subtransaction), then the changes of
 * the revised ones against the versions before them ({@link recordChangesOf}; should that fail,
 * one by one). A document refused by the database fails alone; failing to record changes fails
 * nothing (they are computed when first asked).
 *
 * Should the batch call itself fail (the connection lost mid-batch, when nothing of the batch is
 * kept), each document is tried on its own, so that each still gets its own outcome or error,
 * as one by one.
 *
 * @example
 * const results = await recordDocumentsWithChanges(db, page.documents.map((doc) => ({ doc, seen })));
 * // → [{ outcome: 'new', … }, { outcome: 'failed', error }, …]
 *
 * @returns one result per item, in order; never throws.
 */
export async function recordDocumentsWithChanges(db: Kysely<Database>, items: readonly RecordItem[]): Promise<RecordItemResult[]> {
  let results: RecordItemResult[];
  try {
    results = await recordDocuments(db, items);
  } catch {
    results = [];
    for (const { doc, seen } of items) {
      results.push(await recordDocument(db, doc, seen).catch((raw: unknown) => ({ outcome: 'failed' as const, error: coerceError(raw) })));
    }
  }
  const revised = results.flatMap((r) => (r.outcome === 'revised' ? [r.versionId] : []));
  await recordChangesOf(db, revised).catch(async () => {
    for (const id of revised) await recordChanges(db, id).catch(() => undefined);
  });
  return results;
}
