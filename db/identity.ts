/**
 * Who a document is, independent of where and how it was seen: pure functions, no database.
 *
 * - With a document number: `no:` + the number in normal form (`发改财金规〔2025〕1752号`), so
 *   bracket styles, spaces and the broken `沪府办规〔202515` all give one key.
 * - Without: `t:` + the title's comparison form (《》 and spaces removed) + `|` + the sorted
 *   issuers' comparison forms.
 */
// crypto.hash: one-shot, without a Hash object per call (a third less time over a batch's 46,000
// provision keys than createHash; Node 20.12+).
import { createHash, hash } from 'node:crypto';
import { normalizeDocNumber } from '../pipeline/docnumber.ts';
import type { PolicyDocument, RepealedRef } from '../pipeline/types.ts';
import { comparable } from './comparable.ts';

export interface DocumentIdentity {
  /** The key the document is stored under (`documents.identity_key`). */
  readonly identityKey: string;
  /** Title comparison form, for matching reposts without a number and repeals named by title. */
  readonly titleKey: string;
  /** Normalized document number, or null. */
  readonly docNumber: string | null;
  /** Issuers in comparison form, deduplicated and sorted. */
  readonly issuerKeys: readonly string[];
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
  const issuerKeys = [...new Set(doc.issuers.map(comparable).filter((i) => i !== ''))].sort();
  if (docNumber !== null) return { identityKey: `no:${docNumber}`, titleKey: tk, docNumber, issuerKeys };
  return { identityKey: `t:${tk}|${issuerKeys.join(',')}`, titleKey: tk, docNumber: null, issuerKeys };
}

/** Hash of a text's comparison form: equal for copies that differ in punctuation width or spacing. */
export function textHash(text: string): string {
  return hash('sha256', comparable(text), 'hex');
}

/** Characters (code points) in `s`, as Postgres's length() counts them in a UTF-8 database. */
function codePoints(s: string): number {
  let n = 0;
  for (const _ of s) n++; // a string iterates by code point
  return n;
}

/**
 * The content key of a provision within its document, as the database's `pt_provision_key`
 * (migration 0013) computes it: an md5 of the fields, each prefixed by its length, as a uuid.
 * Computed here so that recording a batch does not hash every provision in the database.
 */
export function provisionKey(p: { readonly path: string; readonly label: string; readonly level: string; readonly heading: string | null; readonly text: string }): string {
  const heading = p.heading === null ? '-' : `${codePoints(p.heading)}:${p.heading}`;
  const hex = hash('md5', `${codePoints(p.path)}:${p.path}${codePoints(p.label)}:${p.label}${p.level}:${heading}:${p.text}`, 'hex');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

/** sha256 of raw bytes, hex. */
export function bytesHash(bytes: Uint8Array): string {
  return createHash('sha256').update(bytes).digest('hex');
}

/** A repealed document as named in the repealing one, in key form. */
export interface RepealTarget {
  readonly docNumber: string | null;
  readonly title: string | null;
  readonly titleKey: string | null;
  /** 'no:<number>' or 't:<title key>': one relation per (repealing document, target). */
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

/**
 * Names of the advisory locks recording `identity` takes: its identity key, its title, its
 * number, and the number (else title) of every document it repeals. Two recordings that could
 * touch the same rows share at least one name.
 */
export function lockNames(identity: DocumentIdentity, targets: readonly RepealTarget[]): string[] {
  return [
    identity.identityKey,
    `title:${identity.titleKey}`,
    ...(identity.docNumber !== null ? [`no:${identity.docNumber}`] : []),
    ...targets.flatMap((t) => (t.docNumber !== null ? [`no:${t.docNumber}`] : t.titleKey ? [`title:${t.titleKey}`] : [])),
  ];
}

/**
 * Advisory lock ids for `names`: 64 bits of each name's sha256, deduplicated and sorted, so that
 * every recording takes its locks in the same order and two of them cannot deadlock. A collision
 * only makes two unrelated recordings wait for each other.
 */
export function lockIds(names: readonly string[]): string[] {
  const ids = [...new Set(names.map((n) => createHash('sha256').update(n, 'utf8').digest().readBigInt64BE(0)))];
  return ids.sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)).map(String);
}
