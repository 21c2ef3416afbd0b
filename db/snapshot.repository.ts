/**
 * Snapshots: the raw bytes of a page or file as fetched, stored once per sha256.
 */
import type { Kysely } from 'kysely';
import type { Database } from './schema.ts';
import { bytesHash } from './identity.ts';

export interface SnapshotInput {
  /** URL or file path the bytes came from. */
  readonly location: string;
  readonly bytes: Uint8Array;
  readonly contentType?: string | null;
  /** Detected charset (`utf-8`, `gbk`, …). */
  readonly charset?: string | null;
  /** Publish date the page shows, 'YYYY-MM-DD', when known. */
  readonly publishedOn?: string | null;
  /** ISO timestamp (passed in: no clock here). */
  readonly fetchedAt: string | Date;
  readonly sourceId?: number | null;
}

/**
 * Stores the bytes unless a snapshot with the same sha256 exists.
 * @returns the snapshot's id and hash, and whether this call created it.
 */
export async function recordSnapshot(db: Kysely<Database>, s: SnapshotInput): Promise<{ id: number; sha256: string; created: boolean }> {
  const sha256 = bytesHash(s.bytes);
  const inserted = await db
    .insertInto('snapshots')
    .values({
      source_id: s.sourceId ?? null,
      location: s.location,
      sha256,
      content_type: s.contentType ?? null,
      charset: s.charset ?? null,
      published_on: s.publishedOn ?? null,
      byte_length: s.bytes.byteLength,
      bytes: s.bytes,
      fetched_at: s.fetchedAt instanceof Date ? s.fetchedAt.toISOString() : s.fetchedAt,
    })
    .onConflict((oc) => oc.column('sha256').doNothing())
    .returning('id')
    .executeTakeFirst();
  if (inserted) return { id: inserted.id, sha256, created: true };
  const existing = await db.selectFrom('snapshots').select('id').where('sha256', '=', sha256).executeTakeFirstOrThrow();
  return { id: existing.id, sha256, created: false };
}

/** The snapshot with this sha256, without its bytes, or null. */
export async function findSnapshotBySha(db: Kysely<Database>, sha256: string) {
  return (
    (await db
      .selectFrom('snapshots')
      .select(['id', 'location', 'sha256', 'content_type', 'charset', 'published_on', 'byte_length', 'fetched_at', 'source_id'])
      .where('sha256', '=', sha256)
      .executeTakeFirst()) ?? null
  );
}
