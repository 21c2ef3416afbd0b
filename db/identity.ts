/**
 * Who a document is, independent of where and how it was seen: pure functions, no database.
 *
 * - With a document number: `no:` + the number in normal form (`发改财金规〔2025〕1752号`), so
 *   bracket styles, spaces and the broken `沪府办规〔202515` all give one key.
 * - Without: `t:` + the title's comparison form (《》 and spaces removed) + `|` + the sorted
 *   issuers' comparison forms.
 */
import { createHash } from 'node:crypto';
import { normalizeDocNumber } from '../pipeline/docnumber.ts';
import type { PolicyDocument } from '../pipeline/types.ts';
import { comparable } from './comparable.ts';

export interface DocumentIdentity {
  /** The key the document is stored under (`documents.identity_key`). */
  readonly identityKey: string;
  /** Title comparison form, for matching reposts without a number and repeals named by title. */
  readonly titleKey: string;
  /** Normalized document number, or null. */
  readonly docNumber: string | null;
}

/** Comparison form of a title: 《》〈〉 and all spaces removed, punctuation width folded. */
export function titleKey(title: string): string {
  return comparable(title.replace(/[《》〈〉<>]/gu, ''));
}

/** Normal form of a document number, repairing broken ones; the comparison form if unreadable. */
export function docNumberKey(docNumber: string): string {
  return normalizeDocNumber(docNumber) ?? comparable(docNumber);
}

/** Identity of a document as the pipeline produced it. */
export function identityOf(doc: Pick<PolicyDocument, 'title' | 'docNumber' | 'docNumberRaw' | 'issuers'>): DocumentIdentity {
  const raw = doc.docNumber ?? doc.docNumberRaw;
  const docNumber = raw !== null && raw.trim() !== '' ? docNumberKey(raw) : null;
  const tk = titleKey(doc.title);
  if (docNumber !== null) return { identityKey: `no:${docNumber}`, titleKey: tk, docNumber };
  const issuers = [...new Set(doc.issuers.map(comparable))].sort().join(',');
  return { identityKey: `t:${tk}|${issuers}`, titleKey: tk, docNumber: null };
}

/** Hash of a text's comparison form: equal for copies that differ in punctuation width or spacing. */
export function textHash(text: string): string {
  return createHash('sha256').update(comparable(text), 'utf8').digest('hex');
}

/** sha256 of raw bytes, hex. */
export function bytesHash(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}
