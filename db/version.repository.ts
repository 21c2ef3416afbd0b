/**
 * Versions and what hangs off them: provisions, measures, and the places a version was seen.
 */
import { sql, type Kysely, type Transaction } from 'kysely';
import type { Measure, Provision } from '../pipeline/types.ts';
import type { Database, NewVersion } from './schema.ts';

type Db = Kysely<Database> | Transaction<Database>;

/** Rows per INSERT: keeps rows × columns far below pg's 65,535 bind parameters. */
const BATCH_ROWS = 2_000;

/** Where and when a version was seen. */
export interface Sighting {
  /** URL or file path. */
  readonly location: string;
  /** ISO timestamp. */
  readonly seenAt: string;
  readonly snapshotId: number | null;
}

export interface KnownVersion {
  readonly documentId: number;
  readonly versionId: number;
  readonly seq: number;
}

/**
 * The cheap path for a text already recorded: finds the version of the document known under
 * `key` whose text hash is `textSha256` and, in the same statement, records the sighting
 * (one row per version and place; a second sighting at the same place moves `last_seen_at`).
 * Returns null, having written nothing, when there is no such version.
 */
export async function touchKnownVersion(db: Db, key: string, textSha256: string, seen: Sighting): Promise<KnownVersion | null> {
  const { rows } = await sql<{ document_id: number; version_id: number; seq: number }>`
    with v as (
      select v.document_id, v.id as version_id, v.seq
      from document_keys k join versions v on v.document_id = k.document_id
      where k.key = ${key} and v.text_sha256 = ${textSha256}
    ), s as (
      insert into version_sources (version_id, location, snapshot_id, first_seen_at, last_seen_at)
      select version_id, ${seen.location}, ${seen.snapshotId}::bigint, ${seen.seenAt}::timestamptz, ${seen.seenAt}::timestamptz from v
      on conflict (version_id, location) do update
        set last_seen_at = greatest(version_sources.last_seen_at, excluded.last_seen_at),
            snapshot_id = coalesce(excluded.snapshot_id, version_sources.snapshot_id)
      returning version_id
    )
    select v.document_id, v.version_id, v.seq from v`.execute(db);
  const r = rows[0];
  return r ? { documentId: Number(r.document_id), versionId: Number(r.version_id), seq: Number(r.seq) } : null;
}

/** Records that `versionId` was seen at `seen.location` (idempotent per version and place). */
export async function addSighting(db: Db, versionId: number, seen: Sighting): Promise<void> {
  await db
    .insertInto('version_sources')
    .values({
      version_id: versionId,
      location: seen.location,
      snapshot_id: seen.snapshotId,
      first_seen_at: seen.seenAt,
      last_seen_at: seen.seenAt,
    })
    .onConflict((oc) =>
      oc.columns(['version_id', 'location']).doUpdateSet({
        last_seen_at: sql`greatest(version_sources.last_seen_at, excluded.last_seen_at)`,
        snapshot_id: sql`coalesce(excluded.snapshot_id, version_sources.snapshot_id)`,
      }),
    )
    .execute();
}

/** The version of `documentId` with this text hash, if recorded. */
export async function findVersionByHash(db: Db, documentId: number, textSha256: string): Promise<{ id: number; seq: number } | null> {
  const row = await db
    .selectFrom('versions')
    .select(['id', 'seq'])
    .where('document_id', '=', documentId)
    .where('text_sha256', '=', textSha256)
    .executeTakeFirst();
  return row ?? null;
}

/**
 * Inserts the next version of a document (seq = last + 1). Requires the caller to hold the
 * document's lock (record.ts); the unique (document_id, seq) constraint backs that up.
 */
export async function insertNextVersion(trx: Transaction<Database>, row: Omit<NewVersion, 'seq'>): Promise<{ id: number; seq: number }> {
  const inserted = await trx
    .insertInto('versions')
    .columns([
      'document_id', 'seq', 'text_sha256', 'title', 'doc_number', 'doc_number_raw', 'issuers', 'signed_on', 'published_on',
      'effective', 'expires', 'validity_basis', 'text', 'notice', 'snapshot_id', 'seen_at',
    ])
    .expression((eb) =>
      eb
        .selectFrom('versions')
        .where('document_id', '=', row.document_id)
        .select([
          sql<number>`${row.document_id}::bigint`.as('document_id'),
          sql<number>`coalesce(max(seq), 0) + 1`.as('seq'),
          sql<string>`${row.text_sha256}::text`.as('text_sha256'),
          sql<string>`${row.title}::text`.as('title'),
          sql<string | null>`${row.doc_number ?? null}::text`.as('doc_number'),
          sql<string | null>`${row.doc_number_raw ?? null}::text`.as('doc_number_raw'),
          sql<string[]>`${row.issuers ?? []}::text[]`.as('issuers'),
          sql<string | null>`${row.signed_on ?? null}::date`.as('signed_on'),
          sql<string | null>`${row.published_on ?? null}::date`.as('published_on'),
          sql<string | null>`${row.effective ?? null}::date`.as('effective'),
          sql<string | null>`${row.expires ?? null}::date`.as('expires'),
          sql<string | null>`${row.validity_basis ?? null}::text`.as('validity_basis'),
          sql<string>`${row.text}::text`.as('text'),
          sql`${row.notice ?? null}::jsonb`.as('notice'),
          sql<number | null>`${row.snapshot_id ?? null}::bigint`.as('snapshot_id'),
          sql`${row.seen_at}::timestamptz`.as('seen_at'),
        ]),
    )
    .returning(['id', 'seq'])
    .executeTakeFirstOrThrow();
  return inserted;
}

/** Inserts the provisions of a version, in order (ord = 0, 1, …). */
export async function insertProvisions(trx: Transaction<Database>, versionId: number, provisions: readonly Provision[]): Promise<void> {
  for (let start = 0; start < provisions.length; start += BATCH_ROWS) {
    const rows = provisions.slice(start, start + BATCH_ROWS).map((p, i) => ({
      version_id: versionId,
      ord: start + i,
      path: p.path,
      label: p.label,
      level: p.level,
      heading: p.heading,
      text: p.text,
    }));
    await trx.insertInto('provisions').values(rows).execute();
  }
}

/** Inserts the measures of a version, in order. */
export async function insertMeasures(trx: Transaction<Database>, versionId: number, measures: readonly Measure[]): Promise<void> {
  for (let start = 0; start < measures.length; start += BATCH_ROWS) {
    const rows = measures.slice(start, start + BATCH_ROWS).map((m, i) => ({
      version_id: versionId,
      ord: start + i,
      path: m.path,
      kind: m.kind,
      starts_on: m.startsOn,
      ends_on: m.endsOn,
      amounts: [...m.amounts],
      responsible: [...m.responsible],
      text: m.text,
    }));
    await trx.insertInto('measures').values(rows).execute();
  }
}
