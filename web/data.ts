/** What the API and the pages read for one request (the same data, two renderings). */
import type { Kysely } from 'kysely';
import { versionProvisions } from '../db/changes.repository.ts';
import { documentHistory, findDocument, versionInForce } from '../db/document.repository.ts';
import { findExpiring } from '../db/expiring.repository.ts';
import type { Database } from '../db/schema.ts';
import { markSeen, seenSeq, type User } from '../db/users.repository.ts';
import { COUNT_CAP, documentLinks, searchDocuments, validityBases } from '../db/web.repository.ts';
import { versionDiff } from '../cli/diff.command.ts';
import { addDays } from '../pipeline/dates.ts';
import type { DocumentPageData } from './pages/document.ts';
import type { DiffPageData } from './pages/diff.ts';
import { BadParameterError, date, int, kind, status, str, type Query } from './params.ts';

export async function listData(db: Kysely<Database>, q: Query, on: string) {
  const pageNo = int(q, 'page', 1, 100_000) ?? 1;
  const perPage = int(q, 'perPage', 1, 100) ?? 20;
  // Deeper pages cost an ever longer index walk; past the counted matches, filters serve better.
  if ((pageNo - 1) * perPage >= COUNT_CAP) throw new BadParameterError(`page ${pageNo} is past the first ${COUNT_CAP} documents; narrow the list with a search, a status, an issuer or dates`);
  const filters = { q: str(q, 'q'), status: status(q), issuer: str(q, 'issuer'), from: date(q, 'from'), to: date(q, 'to'), kind: kind(q) };
  const page = await searchDocuments(db, {
    q: filters.q,
    status: filters.status,
    issuer: filters.issuer,
    kind: filters.kind,
    signedFrom: filters.from,
    signedTo: filters.to,
    on,
    page: pageNo,
    perPage,
  });
  return { filters, page };
}

export async function documentData(db: Kysely<Database>, ref: string, on: string, user: User | null): Promise<DocumentPageData> {
  const row = await findDocument(db, ref);
  const [history, basis, links, seen] = await Promise.all([
    documentHistory(db, row.id, { on }),
    validityBases(db, row.id),
    documentLinks(db, row.id),
    user ? seenSeq(db, user.id, row.id) : Promise.resolve(null),
  ]);
  const versions = await db.selectFrom('versions').select(['id', 'seq', 'signed_on', 'effective', 'expires']).where('document_id', '=', row.id).orderBy('seq').execute();
  const dates = versions.map((v) => ({ id: v.id, seq: v.seq, signedOn: v.signed_on, effective: v.effective, expires: v.expires }));
  const shown = versionInForce(dates, on) ?? dates[dates.length - 1] ?? null;
  const outline = shown ? { seq: shown.seq, provisions: await versionProvisions(db, shown.id) } : null;
  const last = versions[versions.length - 1];
  // The first visit marks the document as seen up to its latest version; later versions are unseen.
  if (user && last && seen === 0) await markSeen(db, user.id, row.id, last.seq);
  return { history, basis, links, outline, seen };
}

export async function diffData(db: Kysely<Database>, ref: string, q: Query, user: User | null): Promise<DiffPageData> {
  const d = await versionDiff(db, ref, { from: str(q, 'from'), to: str(q, 'to') });
  const versions = await db.selectFrom('versions').select(['id', 'seq']).where('document_id', '=', d.document.id).orderBy('seq').execute();
  const seqs = versions.map((v) => v.seq);
  let all: DiffPageData['all'] = null;
  if (str(q, 'all') === '1') {
    const idOf = (seq: number) => versions.find((v) => v.seq === seq)!.id;
    const [from, to] = await Promise.all([versionProvisions(db, idOf(d.from.seq)), versionProvisions(db, idOf(d.to.seq))]);
    all = { from, to };
  }
  if (user) await markSeen(db, user.id, d.document.id, Math.max(d.from.seq, d.to.seq));
  return { diff: d, seqs, all };
}

/** Days of the widest window of the expiring page. */
export const EXPIRING_DAYS = 180;

export async function expiringData(db: Kysely<Database>, on: string, days: number) {
  return findExpiring(db, { on, until: addDays(on, days) });
}
