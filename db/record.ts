/**
 * Recording one document as the pipeline produced it: document, version, provisions, measures,
 * where it was seen, and repeals — in one transaction, idempotent, safe against other processes
 * recording the same document at the same moment.
 */
import { createHash } from 'node:crypto';
import { sql, type Kysely, type Transaction } from 'kysely';
import type { PolicyDocument } from '../pipeline/types.ts';
import type { Database } from './schema.ts';
import { comparable } from './comparable.ts';
import { InvalidDocumentError } from './errors.ts';
import { identityOf, textHash, type DocumentIdentity } from './identity.ts';
import { recordRepeals, repealTargets, resolvePendingRepeals, targetLockKeys } from './relation.repository.ts';
import {
  addSighting,
  findVersionByHash,
  insertMeasures,
  insertNextVersion,
  insertProvisions,
  touchKnownVersion,
  type Sighting,
} from './version.repository.ts';

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
 * Records `doc` as seen at `seen.source`.
 *
 * - Identity: the normalized document number, else the title's comparison form + issuers
 *   (db/identity.ts). A number-less copy of a document recorded under its number (or the other
 *   way round) is matched by title when issuers agree, and remembered under both keys.
 * - A version is new only when the comparison form of the text changed; a copy differing in
 *   punctuation width or spacing is `unchanged`, but the place it was seen is still recorded.
 * - A text already recorded is found and its sighting recorded in one statement, without a
 *   write transaction (re-ingesting an unchanged corpus is cheap).
 * - Otherwise one transaction holds advisory locks on the document's keys and the keys of the
 *   documents it repeals, so that two processes recording the same document at once leave one
 *   document and one version; unique constraints back this up.
 * - Repeals in `doc.validity.repeals` become relations; the repealed document, now or when it
 *   arrives later, is marked repealed from this document's effective (else signing) date.
 *
 * @returns the outcome and the ids of the document and of the version the text is.
 * @throws InvalidDocumentError when the document has no title; any database error as is (nothing is written then).
 */
export async function recordDocument(db: Kysely<Database>, doc: PolicyDocument, seen: SeenAt): Promise<RecordResult> {
  if (doc.title.trim() === '') throw new InvalidDocumentError(`a document seen at ${seen.source} has no title; it cannot be identified`);
  const identity = identityOf(doc);
  const sha = textHash(doc.text);
  const sighting: Sighting = {
    location: seen.source,
    seenAt: seen.seenAt instanceof Date ? seen.seenAt.toISOString() : seen.seenAt,
    snapshotId: seen.snapshotId ?? null,
  };
  const known = await touchKnownVersion(db, identity.identityKey, sha, sighting);
  if (known) return { outcome: 'unchanged', ...known };
  return db.transaction().execute((trx) => recordInTransaction(trx, doc, identity, sha, sighting));
}

/** The slow path of {@link recordDocument}, inside its transaction. @internal */
async function recordInTransaction(
  trx: Transaction<Database>,
  doc: PolicyDocument,
  identity: DocumentIdentity,
  sha: string,
  seen: Sighting,
): Promise<RecordResult> {
  const targets = repealTargets(doc.validity.repeals);
  await lockKeys(trx, [
    identity.identityKey,
    `title:${identity.titleKey}`,
    ...(identity.docNumber !== null ? [`no:${identity.docNumber}`] : []),
    ...targets.flatMap(targetLockKeys),
  ]);

  let documentId = await findDocumentId(trx, doc, identity);
  let outcome: RecordOutcome;
  if (documentId === null) {
    documentId = await insertDocument(trx, doc, identity);
    outcome = 'new';
  } else {
    const existing = await findVersionByHash(trx, documentId, sha);
    if (existing) {
      // Another process recorded this text between our first look and the lock.
      await addSighting(trx, existing.id, seen);
      return { outcome: 'unchanged', documentId, versionId: existing.id, seq: existing.seq };
    }
    outcome = 'revised';
  }

  const version = await insertNextVersion(trx, {
    document_id: documentId,
    text_sha256: sha,
    title: doc.title,
    doc_number: identity.docNumber,
    doc_number_raw: doc.docNumberRaw,
    issuers: [...doc.issuers],
    signed_on: doc.signedOn,
    published_on: doc.publishedOn ?? null,
    effective: doc.validity.effective,
    expires: doc.validity.expires,
    validity_basis: doc.validity.basis,
    text: doc.text,
    notice: doc.notice === null ? null : JSON.stringify(doc.notice),
    snapshot_id: seen.snapshotId,
    seen_at: seen.seenAt,
  });
  await insertProvisions(trx, version.id, doc.provisions);
  await insertMeasures(trx, version.id, doc.measures);
  await addSighting(trx, version.id, seen);

  if (outcome === 'revised') {
    // The document's own columns follow its latest version.
    await trx
      .updateTable('documents')
      .set({
        title: doc.title,
        title_key: identity.titleKey,
        doc_number: sql`coalesce(${identity.docNumber}::text, doc_number)`,
        kind: doc.kind,
        issuers: [...doc.issuers],
        signed_on: doc.signedOn,
        effective: doc.validity.effective,
        expires: doc.validity.expires,
        updated_at: sql`now()`,
      })
      .where('id', '=', documentId)
      .execute();
  }

  if (targets.length > 0) {
    await recordRepeals(trx, { documentId, versionId: version.id, endedOn: doc.validity.effective ?? doc.signedOn }, targets);
  }
  await resolvePendingRepeals(trx, { documentId, docNumber: identity.docNumber, titleKey: identity.titleKey });
  return { outcome, documentId, versionId: version.id, seq: version.seq };
}

/**
 * Takes transaction-scoped advisory locks on `keys`, in a fixed order so that two transactions
 * wanting overlapping sets cannot deadlock. A lock id is 64 bits of the key's sha256; a collision
 * only makes two unrelated recordings wait for each other.
 */
async function lockKeys(trx: Transaction<Database>, keys: readonly string[]): Promise<void> {
  const ids = [...new Set(keys.map(lockId))].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0));
  // unnest over a function-free scan yields the array's order: the locks are taken in it.
  await sql`select pg_advisory_xact_lock(k) from unnest(${ids.map(String)}::bigint[]) as k`.execute(trx);
}

function lockId(key: string): bigint {
  return createHash('sha256').update(key, 'utf8').digest().readBigInt64BE(0);
}

/**
 * The recorded document this one is: by its identity key; else, by title (same kind), one
 * document whose number does not contradict this one's and whose issuers overlap (or either
 * has none). A match by title is remembered under this identity key.
 */
async function findDocumentId(trx: Transaction<Database>, doc: PolicyDocument, identity: DocumentIdentity): Promise<number | null> {
  const byKey = await trx.selectFrom('document_keys').select('document_id').where('key', '=', identity.identityKey).executeTakeFirst();
  if (byKey) return byKey.document_id;

  const candidates = await trx
    .selectFrom('documents')
    .select(['id', 'doc_number', 'issuers'])
    .where('title_key', '=', identity.titleKey)
    .where('kind', '=', doc.kind)
    .execute();
  const mine = new Set(doc.issuers.map(comparable));
  const fitting = candidates.filter(
    (c) =>
      (identity.docNumber === null || c.doc_number === null) &&
      (mine.size === 0 || c.issuers.length === 0 || c.issuers.some((i) => mine.has(comparable(i)))),
  );
  if (fitting.length !== 1) return null;
  const match = fitting[0]!;
  await trx.insertInto('document_keys').values({ key: identity.identityKey, document_id: match.id }).onConflict((oc) => oc.doNothing()).execute();
  if (identity.docNumber !== null) {
    await trx.updateTable('documents').set({ doc_number: identity.docNumber }).where('id', '=', match.id).where('doc_number', 'is', null).execute();
  }
  return match.id;
}

async function insertDocument(trx: Transaction<Database>, doc: PolicyDocument, identity: DocumentIdentity): Promise<number> {
  const row = await trx
    .insertInto('documents')
    .values({
      identity_key: identity.identityKey,
      title_key: identity.titleKey,
      doc_number: identity.docNumber,
      title: doc.title,
      kind: doc.kind,
      issuers: [...doc.issuers],
      signed_on: doc.signedOn,
      effective: doc.validity.effective,
      expires: doc.validity.expires,
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  await trx.insertInto('document_keys').values({ key: identity.identityKey, document_id: row.id }).execute();
  return row.id;
}
