/**
 * Retention of raw snapshots (kept forever by default). Pruning never removes the newest
 * snapshot of a location; versions keep their text and lose only the link to the raw bytes
 * (`versions.snapshot_id` is set null by the foreign key).
 */
import { sql, type Kysely } from 'kysely';
import type { Database } from './schema.ts';

export type PruneRule = { readonly olderThanDays: number } | { readonly keep: number };

/**
 * Deletes snapshots older than N days, or all but the newest N per location.
 * @returns how many snapshots and bytes were removed.
 */
export async function pruneSnapshots(db: Kysely<Database>, rule: PruneRule, now: Date): Promise<{ snapshots: number; bytes: number }> {
  const keep = 'keep' in rule ? rule.keep : 1;
  const cutoff = 'olderThanDays' in rule ? new Date(now.getTime() - rule.olderThanDays * 86_400_000) : null;
  const { rows } = await sql<{ n: number; bytes: number | null }>`
    with ranked as (
      select id, fetched_at, row_number() over (partition by location order by fetched_at desc, id desc) as rank
      from snapshots
    ), gone as (
      delete from snapshots s using ranked r
      where s.id = r.id and r.rank > ${keep} and (${cutoff}::timestamptz is null or r.fetched_at < ${cutoff}::timestamptz)
      returning s.byte_length
    )
    select count(*)::int as n, coalesce(sum(byte_length), 0)::bigint as bytes from gone`.execute(db);
  return { snapshots: Number(rows[0]?.n ?? 0), bytes: Number(rows[0]?.bytes ?? 0) };
}
