/**
 * Raising alerts: one row per subscription and event, made unique by its dedupe key
 * (subscription + document or measure + kind + threshold), inserted with ON CONFLICT DO NOTHING,
 * so raising twice (a scan run twice, an ingest retried) writes nothing the second time.
 * Delivery state lives in db/alert-delivery.repository.ts; queueing in workers/alert-queue.ts.
 *
 * @example
 * const ids = await raiseIngestAlerts(db, { documentId, versionId, outcome: 'revised' }); // → [41, 42]
 * const { created } = await raiseExpiryAlerts(db, { on: '2027-10-15' });                  // → [43]
 */
import { sql, type ColumnType, type Kysely } from 'kysely';
import { classifyChange } from '../pipeline/change-kind.ts';
import { addDays } from '../pipeline/dates.ts';
import { matchesDocument, selectChanges, wantsTopic, warnDaysOf, warningThreshold, type DocumentFacts } from '../pipeline/alert-match.ts';
import type { AlertChange, AlertDocument, AlertPayload } from '../pipeline/alert-message.ts';
import type { Measure } from '../pipeline/types.ts';
import { versionChanges } from './changes.repository.ts';
import { measuresOfVersions } from './document.repository.ts';
import { findExpiring, type ExpiringItem } from './expiring.repository.ts';
import type { RecordOutcome } from './record.ts';
import type { AlertsTable, Database } from './schema.ts';
import { listSubscriptions, type Subscription } from './subscriptions.repository.ts';

/** Every alert kind the check allows from migration 0010 on. */
export type AlertKindV10 =
  | 'new_document' | 'revised_document' | 'revised_provision' | 'repeal'
  | 'document_expiring' | 'measure_expiring' | 'document_expired' | 'measure_expired'
  | 'source-broken' | 'source-recovered';

/** `alerts` with the columns of migration 0010. */
export interface AlertTableV10 extends Omit<AlertsTable, 'kind'> {
  kind: AlertKindV10;
  threshold: number | null;
  next_attempt_at: ColumnType<Date, Date | string | undefined, Date | string> | null;
  last_attempt_at: ColumnType<Date, Date | string | undefined, Date | string> | null;
  response: string | null;
}

export type AlertsDatabase = Omit<Database, 'alerts'> & { alerts: AlertTableV10 };

/**
 * The record with 0010's alert columns. db/schema.ts is shared with work in progress; these
 * types can move into `Database` later without changing any caller.
 */
export function alertsDb(db: Kysely<Database>): Kysely<AlertsDatabase> {
  return db as unknown as Kysely<AlertsDatabase>;
}

/** Days back the scan looks for ends it has not reported yet (a worker down for a few days still reports them). */
export const EXPIRED_LOOKBACK_DAYS = 7;
/** Longest provision text carried in an alert (each side of a change). */
const MAX_CHANGE_TEXT = 2_000;

interface NewAlertRow {
  subscription_id: number;
  kind: AlertKindV10;
  dedupe_key: string;
  document_id: number;
  version_id: number | null;
  due_on: string | null;
  threshold: number | null;
  payload: string;
}

/** Inserts alerts, keeping the first of each dedupe key. @returns ids of the rows inserted now. */
async function insertAlerts(db: Kysely<Database>, rows: readonly NewAlertRow[]): Promise<number[]> {
  if (rows.length === 0) return [];
  const ids: number[] = [];
  for (let i = 0; i < rows.length; i += 500) {
    const out = await alertsDb(db)
      .insertInto('alerts')
      .values(rows.slice(i, i + 500))
      .onConflict((oc) => oc.column('dedupe_key').doNothing())
      .returning('id')
      .execute();
    ids.push(...out.map((r) => Number(r.id)));
  }
  return ids.sort((a, b) => a - b);
}

interface DocRow {
  id: number | string;
  title: string;
  doc_number: string | null;
  issuers: string[];
  signed_on: string | null;
  effective: string | null;
  expires: string | null;
  status: 'active' | 'repealed';
  repealed_by: number | string | null;
  ended_on: string | null;
  kind: 'policy' | 'news';
}

async function documentsById(db: Kysely<Database>, ids: readonly number[]): Promise<Map<number, DocRow>> {
  if (ids.length === 0) return new Map();
  const rows = await db
    .selectFrom('documents')
    .select(['id', 'title', 'doc_number', 'issuers', 'signed_on', 'effective', 'expires', 'status', 'repealed_by', 'ended_on', 'kind'])
    .where('id', 'in', [...new Set(ids)])
    .execute();
  return new Map(rows.map((r) => [Number(r.id), r]));
}

function alertDocument(d: DocRow): AlertDocument {
  return { id: Number(d.id), title: d.title, docNumber: d.doc_number, issuers: d.issuers, signedOn: d.signed_on, effective: d.effective, expires: d.expires };
}

/** Latest version texts of documents, for keyword filters (read only when some subscription has keywords). */
async function latestTexts(db: Kysely<Database>, subs: readonly Subscription[], ids: readonly number[]): Promise<Map<number, string>> {
  if (ids.length === 0 || !subs.some((s) => s.filters.keywords)) return new Map();
  const { rows } = await sql<{ document_id: number | string; text: string }>`
    select distinct on (document_id) document_id, text from versions
     where document_id in (${sql.join([...new Set(ids)])}) order by document_id, seq desc`.execute(db);
  return new Map(rows.map((r) => [Number(r.document_id), r.text]));
}

function facts(d: DocRow, text: string | undefined): DocumentFacts {
  return { title: d.title, docNumber: d.doc_number, issuers: d.issuers, text: text ?? null };
}

export interface IngestEvent {
  readonly documentId: number;
  readonly versionId: number;
  readonly outcome: RecordOutcome;
}

/**
 * Raises the alerts one recorded document calls for: `new_document` for a first version,
 * `revised_document` for a later one (its changed provisions, each classified by
 * pipeline/change-kind.ts; subscriptions with `changes` filters only hear of revisions holding a
 * class they asked for), and `repeal` for each document this one repeals (and for this one when
 * it arrives already repealed).
 *
 * Only subscriptions that existed when the version was recorded are told (a new subscriber is
 * not flooded with old news). `unchanged` re-raises the alerts of the latest version, which
 * writes nothing when they exist: an ingest that died between recording and raising catches up
 * when the page is ingested again.
 *
 * @returns ids of the alerts created now (to queue for delivery).
 */
export async function raiseIngestAlerts(db: Kysely<Database>, event: IngestEvent): Promise<number[]> {
  const subs = await listSubscriptions(db);
  if (subs.length === 0) return [];
  const v = await db
    .selectFrom('versions')
    .select(['id', 'document_id', 'seq', 'created_at', 'signed_on', 'published_on', 'effective', 'expires'])
    .where('id', '=', event.versionId)
    .executeTakeFirst();
  if (!v) return [];
  const documentId = Number(v.document_id);
  if (event.outcome === 'unchanged') {
    const latest = await db.selectFrom('versions').select(sql<number>`max(seq)`.as('seq')).where('document_id', '=', documentId).executeTakeFirst();
    if (Number(latest?.seq) !== Number(v.seq)) return [];
  }
  const recordedAt = new Date(v.created_at).getTime();
  const eligible = subs.filter((s) => s.createdAt.getTime() <= recordedAt);
  if (eligible.length === 0) return [];

  const repealed = await db
    .selectFrom('relations')
    .select('to_document_id')
    .where('from_document_id', '=', documentId)
    .where('kind', '=', 'repeals')
    .where('to_document_id', 'is not', null)
    .execute();
  const docs = await documentsById(db, [documentId, ...repealed.map((r) => Number(r.to_document_id))]);
  const doc = docs.get(documentId);
  // News items are recorded for context; subscribers follow policy texts.
  if (!doc || doc.kind !== 'policy') return [];
  const texts = await latestTexts(db, eligible, [...docs.keys()]);
  const rows: NewAlertRow[] = [];
  const docFacts = facts(doc, texts.get(documentId));

  if (Number(v.seq) === 1) {
    for (const s of eligible) {
      if (!wantsTopic(s.filters, 'new') || !matchesDocument(s.filters, docFacts)) continue;
      const payload: AlertPayload = { topic: 'new', document: alertDocument(doc) };
      rows.push({ subscription_id: s.id, kind: 'new_document', dedupe_key: `new_document-${s.id}-${documentId}`, document_id: documentId, version_id: Number(v.id), due_on: null, threshold: null, payload: JSON.stringify(payload) });
    }
  } else if (eligible.some((s) => wantsTopic(s.filters, 'revised'))) {
    const changes = await classifiedChanges(db, Number(v.id));
    for (const s of eligible) {
      if (!wantsTopic(s.filters, 'revised') || !matchesDocument(s.filters, docFacts)) continue;
      const chosen = selectChanges(s.filters, changes);
      if (chosen.length === 0) continue;
      const payload: AlertPayload = {
        topic: 'revised',
        document: alertDocument(doc),
        version: { id: Number(v.id), seq: Number(v.seq), signedOn: v.signed_on, publishedOn: v.published_on, effective: v.effective, expires: v.expires },
        changes: chosen,
        otherChanges: changes.length - chosen.length,
      };
      rows.push({ subscription_id: s.id, kind: 'revised_document', dedupe_key: `revised_document-${s.id}-${documentId}-v${v.id}`, document_id: documentId, version_id: Number(v.id), due_on: null, threshold: null, payload: JSON.stringify(payload) });
    }
  }

  // Repeals: the documents this one repeals, and this one when another had already repealed it.
  const repeals: Array<{ target: DocRow; by: DocRow | null }> = repealed.map((r) => ({ target: docs.get(Number(r.to_document_id))!, by: doc })).filter((x) => x.target);
  if (doc.status === 'repealed' && doc.repealed_by !== null) {
    const by = (await documentsById(db, [Number(doc.repealed_by)])).get(Number(doc.repealed_by)) ?? null;
    repeals.push({ target: doc, by });
  }
  for (const { target, by } of repeals) {
    const targetId = Number(target.id);
    for (const s of eligible) {
      if (!wantsTopic(s.filters, 'repeal')) continue;
      if (!matchesDocument(s.filters, facts(target, texts.get(targetId))) && !(by && matchesDocument(s.filters, facts(by, texts.get(Number(by.id)))))) continue;
      const payload: AlertPayload = {
        topic: 'repeal',
        document: alertDocument(target),
        repealedBy: by ? { id: Number(by.id), title: by.title, docNumber: by.doc_number } : null,
        repealedOn: target.ended_on,
      };
      rows.push({ subscription_id: s.id, kind: 'repeal', dedupe_key: `repeal-${s.id}-${targetId}`, document_id: targetId, version_id: null, due_on: target.ended_on, threshold: null, payload: JSON.stringify(payload) });
    }
  }
  return insertAlerts(db, rows);
}

function clipText(t: string | null | undefined): string | null {
  if (t === null || t === undefined) return null;
  return t.length > MAX_CHANGE_TEXT ? `${t.slice(0, MAX_CHANGE_TEXT)}…` : t;
}

/** The changes of a version (recorded now when missing), renumberings left out, each classified. */
async function classifiedChanges(db: Kysely<Database>, versionId: number): Promise<AlertChange[]> {
  const result = await versionChanges(db, versionId);
  if (!result) return [];
  const prev = await db.selectFrom('version_comparisons').select('prev_version_id').where('version_id', '=', versionId).executeTakeFirst();
  const measures = await measuresOfVersions(db, prev ? [versionId, Number(prev.prev_version_id)] : [versionId]);
  const byPath = (vid: number, path: string | null): Measure[] =>
    path === null ? [] : measures.filter((m) => m.versionId === vid && m.path === path).map(({ versionId: _, ...m }) => m);
  const prevId = prev ? Number(prev.prev_version_id) : -1;
  return result.changes
    .filter((c) => c.op !== 'renumbered')
    .map((c) => {
      const oldText = c.op === 'added' ? '' : (c.oldText ?? '');
      const newText = c.op === 'deleted' ? '' : (c.newText ?? '');
      return {
        op: c.op,
        oldPath: c.old,
        newPath: c.new,
        classes: classifyChange(oldText, newText, byPath(prevId, c.old), byPath(versionId, c.new)),
        oldText: clipText(c.op === 'added' ? null : c.oldText),
        newText: clipText(c.op === 'deleted' ? null : c.newText),
      };
    });
}

export interface ExpiryScanResult {
  readonly on: string;
  /** Days ahead the scan looked (the widest threshold of the subscriptions). */
  readonly lookahead: number;
  /** Items found ending in the window and ended in the last {@link EXPIRED_LOOKBACK_DAYS} days. */
  readonly expiring: number;
  readonly expired: number;
  /** Ids of the alerts created now. */
  readonly created: number[];
}

/**
 * The daily expiry scan for day `on`: documents and measures ending within the widest warning
 * window of the subscriptions (findExpiring), one alert per subscription, item and threshold
 * crossed (77 days left with thresholds 90, 30, 7 → the 90-day alert), and one `…_expired`
 * alert per item that ended in the last {@link EXPIRED_LOOKBACK_DAYS} days. Running it twice
 * for a day (or on consecutive days inside one threshold) creates nothing new.
 */
export async function raiseExpiryAlerts(db: Kysely<Database>, q: { readonly on: string }): Promise<ExpiryScanResult> {
  const subs = (await listSubscriptions(db)).filter((s) => wantsTopic(s.filters, 'expiring') || wantsTopic(s.filters, 'expired'));
  const lookahead = Math.max(0, ...subs.filter((s) => wantsTopic(s.filters, 'expiring')).map((s) => Math.max(...warnDaysOf(s.filters))));
  if (subs.length === 0) return { on: q.on, lookahead, expiring: 0, expired: 0, created: [] };
  const [ahead, behind] = await Promise.all([
    subs.some((s) => wantsTopic(s.filters, 'expiring')) ? findExpiring(db, { on: q.on, until: addDays(q.on, lookahead) }) : { items: [] },
    subs.some((s) => wantsTopic(s.filters, 'expired'))
      ? findExpiring(db, { on: addDays(q.on, -EXPIRED_LOOKBACK_DAYS), until: addDays(q.on, -1) })
      : { items: [] },
  ]);
  const items = [...ahead.items, ...behind.items];
  const docs = await documentsById(db, items.map((i) => i.document.id));
  const texts = await latestTexts(db, subs, [...docs.keys()]);
  const rows: NewAlertRow[] = [];
  const push = (s: Subscription, item: ExpiringItem, expired: boolean, threshold: number | null) => {
    const d = docs.get(item.document.id);
    if (!d) return;
    const kind: AlertKindV10 = item.kind === 'document' ? (expired ? 'document_expired' : 'document_expiring') : expired ? 'measure_expired' : 'measure_expiring';
    const payload: AlertPayload = {
      topic: expired ? 'expired' : 'expiring',
      document: alertDocument(d),
      endsOn: item.endsOn,
      daysLeft: expired ? undefined : item.daysLeft,
      threshold: threshold ?? undefined,
      basis: item.basis,
      measure:
        item.kind === 'measure'
          ? { path: item.path!, kind: item.measureKind ?? null, startsOn: item.startsOn, endsOn: item.endsOn, amounts: item.amounts ?? [], text: item.basis }
          : undefined,
    };
    // One alert per subscription, document or measure, end date, kind and threshold.
    const subject = item.kind === 'document' ? `${item.document.id}` : `${item.document.id}-${item.path}`;
    const dedupe = `${kind}-${s.id}-${subject}-${item.endsOn}${threshold === null ? '' : `-t${threshold}`}`;
    rows.push({ subscription_id: s.id, kind, dedupe_key: dedupe, document_id: item.document.id, version_id: null, due_on: item.endsOn, threshold, payload: JSON.stringify(payload) });
  };
  for (const item of ahead.items) {
    const d = docs.get(item.document.id);
    if (!d) continue;
    for (const s of subs) {
      if (!wantsTopic(s.filters, 'expiring') || !matchesDocument(s.filters, facts(d, texts.get(item.document.id)))) continue;
      const t = warningThreshold(warnDaysOf(s.filters), item.daysLeft);
      if (t !== null) push(s, item, false, t);
    }
  }
  for (const item of behind.items) {
    const d = docs.get(item.document.id);
    if (!d || item.endsOn >= q.on) continue;
    for (const s of subs) {
      if (wantsTopic(s.filters, 'expired') && matchesDocument(s.filters, facts(d, texts.get(item.document.id)))) push(s, item, true, null);
    }
  }
  return { on: q.on, lookahead, expiring: ahead.items.length, expired: behind.items.length, created: await insertAlerts(db, rows) };
}
