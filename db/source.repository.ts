/**
 * Sources the workers fetch on a schedule (migration 0009): add, list, remove, and the state a
 * fetch leaves behind (conditional-GET validators, last content hash, health). Plain functions
 * taking `db` first.
 *
 * The columns are typed in db/schema.ts.
 */
import { sql, type Kysely, type Selectable } from 'kysely';
import type { Database, SourceFilesTable, SourceHealth, SourceLinksTable, SourcesTable } from './schema.ts';

/** `sources` with every column (migrations 0001, 0009, 0015). */
export type SourceTable = SourcesTable;
export type { SourceFilesTable, SourceHealth, SourceLinksTable };
export type FullSourceRow = Selectable<SourceTable>;

/** A source as the commands and workers use it. */
export interface Source {
  readonly id: number;
  readonly location: string;
  /** `file`: a local file or directory (`location` is a file:// URL). */
  readonly kind: 'url' | 'listing' | 'file';
  readonly everySeconds: number;
  readonly render: boolean;
  readonly linksSelector: string | null;
  readonly waitFor: string | null;
  readonly active: boolean;
  readonly etag: string | null;
  readonly lastModified: string | null;
  readonly lastSha256: string | null;
  /** `--render` sources: sha256 of the raw HTTP body behind the last rendered snapshot. */
  readonly lastRawSha256: string | null;
  readonly lastFetchedAt: string | null;
  readonly lastStatus: number | null;
  readonly lastError: string | null;
  readonly consecutiveFailures: number;
  readonly health: SourceHealth;
  readonly brokenReason: string | null;
  readonly brokenSince: string | null;
}

/** Row → {@link Source}. */
export function sourceRowToSource(r: FullSourceRow): Source {
  return {
    id: Number(r.id),
    location: r.location,
    kind: r.kind === 'listing' || r.kind === 'file' ? r.kind : 'url',
    everySeconds: r.every_seconds ?? 3600,
    render: r.render,
    linksSelector: r.links_selector,
    waitFor: r.wait_for,
    active: r.active,
    etag: r.etag,
    lastModified: r.last_modified,
    lastSha256: r.last_sha256,
    lastRawSha256: r.last_raw_sha256 ?? null,
    lastFetchedAt: r.last_fetched_at ? new Date(r.last_fetched_at).toISOString() : null,
    lastStatus: r.last_status,
    lastError: r.last_error,
    consecutiveFailures: r.consecutive_failures,
    health: r.health,
    brokenReason: r.broken_reason,
    brokenSince: r.broken_since ? new Date(r.broken_since).toISOString() : null,
  };
}

export interface NewSourceInput {
  readonly location: string;
  readonly everySeconds: number;
  readonly render?: boolean;
  readonly linksSelector?: string | null;
  readonly waitFor?: string | null;
  /** A local file or directory (`location` is its file:// URL). */
  readonly file?: boolean;
}

/**
 * Adds a source, or updates the schedule and options of the one already at this URL (and
 * re-activates it). Idempotent.
 */
export async function upsertSource(db: Kysely<Database>, s: NewSourceInput): Promise<{ source: Source; created: boolean }> {
  const values = {
    location: s.location,
    kind: s.file ? ('file' as const) : s.linksSelector ? ('listing' as const) : ('url' as const),
    every_seconds: s.everySeconds,
    render: s.render ?? false,
    links_selector: s.linksSelector ?? null,
    wait_for: s.waitFor ?? null,
    active: true,
  };
  const row = await db
    .insertInto('sources')
    .values(values)
    .onConflict((oc) => oc.column('location').doUpdateSet({ ...values, updated_at: sql`now()` }))
    .returningAll()
    // xmax = 0 only on a freshly inserted row.
    .returning(sql<boolean>`(xmax = 0)`.as('created'))
    .executeTakeFirstOrThrow();
  return { source: sourceRowToSource(row), created: row.created };
}

/** Active sources (all sources with `all`), oldest first. */
export async function listSources(db: Kysely<Database>, options: { all?: boolean } = {}): Promise<Source[]> {
  let q = db.selectFrom('sources').selectAll().orderBy('id');
  if (!options.all) q = q.where('active', '=', true);
  return (await q.execute()).map(sourceRowToSource);
}

/** The source with this id, or null. */
export async function findSource(db: Kysely<Database>, id: number): Promise<Source | null> {
  const r = await db.selectFrom('sources').selectAll().where('id', '=', id).executeTakeFirst();
  return r ? sourceRowToSource(r) : null;
}

/** The source named by its id or its URL, or null. */
export async function findSourceByRef(db: Kysely<Database>, ref: string): Promise<Source | null> {
  if (/^\d+$/.test(ref)) return findSource(db, Number(ref));
  const r = await db.selectFrom('sources').selectAll().where('location', '=', ref).executeTakeFirst();
  return r ? sourceRowToSource(r) : null;
}

/**
 * Deletes a source and its seen links. Snapshots keep their bytes (their `source_id` becomes
 * null), versions stay.
 */
export async function deleteSource(db: Kysely<Database>, id: number): Promise<boolean> {
  const r = await db.deleteFrom('sources').where('id', '=', id).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/**
 * Claims schedule tick `tick` of a source for the job `jobId`: true for that job (also on its
 * retries), false for any other (another worker's duplicate, a second scheduler job in the same
 * tick), so each tick fetches once.
 */
export async function claimTick(db: Kysely<Database>, sourceId: number, tick: number, jobId: string): Promise<boolean> {
  const r = await db
    .updateTable('sources')
    .set({ last_tick: tick, last_tick_job: jobId })
    .where('id', '=', sourceId)
    .where((eb) =>
      eb.or([
        eb('last_tick', 'is', null),
        eb('last_tick', '<', tick),
        eb.and([eb('last_tick', '=', tick), eb('last_tick_job', '=', jobId)]),
      ]),
    )
    .executeTakeFirst();
  return Number(r.numUpdatedRows) > 0;
}

/** What a successful fetch (200 or 304) leaves on its source. */
export interface FetchSuccess {
  readonly status: number;
  readonly etag?: string | null;
  readonly lastModified?: string | null;
  readonly sha256?: string | null;
  /** `--render` sources: sha256 of the raw body behind the snapshot. */
  readonly rawSha256?: string | null;
  readonly at: Date;
}

/** Records a fetch that worked; validators and hash only change when given. */
export async function markFetched(db: Kysely<Database>, sourceId: number, f: FetchSuccess): Promise<void> {
  await db
    .updateTable('sources')
    .set({
      last_status: f.status,
      last_error: null,
      last_fetched_at: f.at,
      consecutive_failures: 0,
      updated_at: f.at,
      ...(f.etag !== undefined ? { etag: f.etag } : {}),
      ...(f.lastModified !== undefined ? { last_modified: f.lastModified } : {}),
      ...(f.sha256 !== undefined && f.sha256 !== null ? { last_sha256: f.sha256 } : {}),
      ...(f.rawSha256 !== undefined && f.rawSha256 !== null ? { last_raw_sha256: f.rawSha256 } : {}),
    })
    .where('id', '=', sourceId)
    .execute();
}

/** Records a failed fetch; returns the number of consecutive failures so far. */
export async function markFailed(db: Kysely<Database>, sourceId: number, status: number | null, error: string, at: Date): Promise<number> {
  const r = await db
    .updateTable('sources')
    .set((eb) => ({
      last_status: status,
      last_error: error.slice(0, 500),
      consecutive_failures: eb('consecutive_failures', '+', 1),
      updated_at: at,
    }))
    .where('id', '=', sourceId)
    .returning('consecutive_failures')
    .executeTakeFirst();
  return r?.consecutive_failures ?? 0;
}

/**
 * Remembers the links of a listing page; returns those never seen before for this source, in
 * the order given. Concurrent callers never both get the same link.
 */
export async function rememberLinks(db: Kysely<Database>, sourceId: number, urls: readonly string[]): Promise<string[]> {
  if (urls.length === 0) return [];
  const unique = [...new Set(urls)];
  const rows = await db
    .insertInto('source_links')
    .values(unique.map((url) => ({ source_id: sourceId, url })))
    .onConflict((oc) => oc.columns(['source_id', 'url']).doNothing())
    .returning('url')
    .execute();
  const fresh = new Set(rows.map((r) => r.url));
  return unique.filter((u) => fresh.has(u));
}

/** What a directory source holds about one file it has read. */
export interface KnownFile {
  readonly size: number;
  readonly mtimeMs: number;
  readonly sha256: string;
}

/** The files of a directory source already read, by absolute path. */
export async function knownFiles(db: Kysely<Database>, sourceId: number): Promise<Map<string, KnownFile>> {
  const rows = await db.selectFrom('source_files').select(['path', 'size', 'mtime_ms', 'sha256']).where('source_id', '=', sourceId).execute();
  return new Map(rows.map((r) => [r.path, { size: Number(r.size), mtimeMs: Number(r.mtime_ms), sha256: r.sha256 }]));
}

/** Remembers that a file of a directory source was read (and stored) with this size, mtime and hash. */
export async function rememberFile(db: Kysely<Database>, sourceId: number, path: string, f: KnownFile): Promise<void> {
  const values = { size: f.size, mtime_ms: f.mtimeMs, sha256: f.sha256, seen_at: sql`now()` as unknown as Date };
  await db
    .insertInto('source_files')
    .values({ source_id: sourceId, path, ...values })
    .onConflict((oc) => oc.columns(['source_id', 'path']).doUpdateSet(values))
    .execute();
}
