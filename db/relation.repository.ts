/**
 * Relations between documents. A repeal named in one document marks the repealed document —
 * at once when it is already recorded, or later, when it arrives (its recording looks for
 * repeals still waiting for it).
 */
import { sql, type Transaction } from 'kysely';
import type { IsoDate, RepealedRef } from '../pipeline/types.ts';
import type { Database } from './schema.ts';
import { docNumberKey, titleKey } from './identity.ts';

type Trx = Transaction<Database>;

/** A repealed document as named in the repealing one, in key form. @internal */
export interface RepealTarget {
  readonly docNumber: string | null;
  readonly title: string | null;
  readonly titleKey: string | null;
  /** 'no:<number>' or 't:<title key>': one relation per (from document, target). */
  readonly targetKey: string;
}

/** Key form of the references in `validity.repeals`; references naming nothing are dropped. */
export function repealTargets(refs: readonly RepealedRef[]): RepealTarget[] {
  const out = new Map<string, RepealTarget>();
  for (const ref of refs) {
    const docNumber = ref.docNumber && ref.docNumber.trim() !== '' ? docNumberKey(ref.docNumber) : null;
    const title = ref.title && ref.title.trim() !== '' ? ref.title.trim() : null;
    const tk = title !== null ? titleKey(title) : null;
    const targetKey = docNumber !== null ? `no:${docNumber}` : tk ? `t:${tk}` : null;
    if (targetKey !== null && !out.has(targetKey)) out.set(targetKey, { docNumber, title, titleKey: tk, targetKey });
  }
  return [...out.values()];
}

/** Lock names a repeal target needs (see record.ts): its number, else its title. @internal */
export function targetLockKeys(t: RepealTarget): string[] {
  return t.docNumber !== null ? [`no:${t.docNumber}`] : t.titleKey ? [`title:${t.titleKey}`] : [];
}

/**
 * The recorded document a repeal names: by number (through document_keys), else by title when
 * exactly one other document carries it and its number does not contradict the reference.
 */
async function resolveTarget(trx: Trx, fromDocumentId: number, t: RepealTarget): Promise<number | null> {
  if (t.docNumber !== null) {
    const byNumber = await trx.selectFrom('document_keys').select('document_id').where('key', '=', `no:${t.docNumber}`).executeTakeFirst();
    if (byNumber && byNumber.document_id !== fromDocumentId) return byNumber.document_id;
  }
  if (t.titleKey) {
    const candidates = await trx
      .selectFrom('documents')
      .select(['id', 'doc_number'])
      .where('title_key', '=', t.titleKey)
      .where('id', '<>', fromDocumentId)
      .execute();
    const fitting = candidates.filter((c) => t.docNumber === null || c.doc_number === null || c.doc_number === t.docNumber);
    if (fitting.length === 1) return fitting[0]!.id;
  }
  return null;
}

/** Marks `targetId` repealed by `byId` from `endedOn`, unless another document repealed it first. */
async function markRepealed(trx: Trx, targetId: number, byId: number, endedOn: IsoDate | null): Promise<void> {
  await trx
    .updateTable('documents')
    .set({ status: 'repealed', repealed_by: byId, ended_on: endedOn, updated_at: sql`now()` })
    .where('id', '=', targetId)
    .where((eb) => eb.or([eb('status', '=', 'active'), eb('repealed_by', '=', byId)]))
    .execute();
}

/**
 * Records the repeals a version names and marks the targets already known.
 * `endedOn` is the repealing document's effective date (or its signing date).
 */
export async function recordRepeals(
  trx: Trx,
  from: { documentId: number; versionId: number; endedOn: IsoDate | null },
  targets: readonly RepealTarget[],
): Promise<void> {
  for (const t of targets) {
    const targetId = await resolveTarget(trx, from.documentId, t);
    await trx
      .insertInto('relations')
      .values({
        from_document_id: from.documentId,
        from_version_id: from.versionId,
        kind: 'repeals',
        to_document_id: targetId,
        to_doc_number: t.docNumber,
        to_title: t.title,
        to_title_key: t.titleKey,
        target_key: t.targetKey,
      })
      .onConflict((oc) =>
        oc.columns(['from_document_id', 'kind', 'target_key']).doUpdateSet({
          from_version_id: (eb) => eb.ref('excluded.from_version_id'),
          to_document_id: sql`coalesce(excluded.to_document_id, relations.to_document_id)`,
        }),
      )
      .execute();
    if (targetId !== null) await markRepealed(trx, targetId, from.documentId, from.endedOn);
  }
}

/**
 * Links repeals recorded before this document arrived: relations still without a target that
 * name its number (or its title, when the numbers do not contradict). Marks it repealed by the
 * earliest-ending repealer.
 */
export async function resolvePendingRepeals(
  trx: Trx,
  doc: { documentId: number; docNumber: string | null; titleKey: string },
): Promise<void> {
  const linked = await trx
    .updateTable('relations')
    .set({ to_document_id: doc.documentId })
    .where('kind', '=', 'repeals')
    .where('to_document_id', 'is', null)
    .where('from_document_id', '<>', doc.documentId)
    .where((eb) =>
      eb.or([
        ...(doc.docNumber !== null ? [eb('to_doc_number', '=', doc.docNumber)] : []),
        eb.and([
          eb('to_title_key', '=', doc.titleKey),
          doc.docNumber === null ? sql<boolean>`true` : eb('to_doc_number', 'is', null),
        ]),
      ]),
    )
    .returning('from_document_id')
    .execute();
  if (linked.length === 0) return;
  const repealers = await trx
    .selectFrom('documents')
    .select(['id', sql<IsoDate | null>`coalesce(effective, signed_on)`.as('ends')])
    .where(
      'id',
      'in',
      linked.map((r) => r.from_document_id),
    )
    .execute();
  // Earliest known end first; an unknown date only when no repealer has one.
  repealers.sort((a, b) => (a.ends ?? '9999') .localeCompare(b.ends ?? '9999') || a.id - b.id);
  const first = repealers[0]!;
  await markRepealed(trx, doc.documentId, first.id, first.ends);
}
