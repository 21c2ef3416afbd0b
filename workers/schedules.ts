/**
 * Job schedulers of the sources, kept in step with the `sources` table: one scheduler per
 * active source (`source-<id>`, every `every_seconds`), none for removed ones. Postgres is the
 * record; when Redis loses the schedulers, {@link syncSchedules} re-creates them.
 */
import type { Kysely } from 'kysely';
import type { Queue } from 'bullmq';
import type { Database } from '../db/schema.ts';
import { listSources, type Source } from '../db/source.repository.ts';
import { schedulerId, sourceIdOfScheduler, type Payload } from './queues.ts';

type FetchQueue = Queue<Payload<'fetch'>, unknown, string>;

/** Creates or updates the scheduler of one source (the first run fires at once). */
export async function scheduleSource(queue: FetchQueue, source: Pick<Source, 'id' | 'everySeconds'>): Promise<void> {
  await queue.upsertJobScheduler(schedulerId(source.id), { every: source.everySeconds * 1000 }, { name: 'fetch', data: { sourceId: source.id } });
}

/** Removes the scheduler of one source (no-op when there is none). */
export async function unscheduleSource(queue: FetchQueue, sourceId: number): Promise<void> {
  await queue.removeJobScheduler(schedulerId(sourceId));
}

export interface SyncResult {
  readonly created: number;
  readonly updated: number;
  readonly removed: number;
}

/**
 * Makes the schedulers match the active sources: creates missing ones, fixes changed periods,
 * removes those of sources that are gone. Schedulers already right are left alone (re-upserting
 * would fire an extra immediate run).
 */
export async function syncSchedules(db: Kysely<Database>, queue: FetchQueue): Promise<SyncResult> {
  const sources = await listSources(db);
  const existing = new Map<string, number | undefined>();
  for (const s of await queue.getJobSchedulers(0, -1)) existing.set(s.key, s.every === undefined || s.every === null ? undefined : Number(s.every));
  let created = 0;
  let updated = 0;
  let removed = 0;
  const wanted = new Set<string>();
  for (const s of sources) {
    const id = schedulerId(s.id);
    wanted.add(id);
    const every = existing.get(id);
    if (every === s.everySeconds * 1000) continue;
    await scheduleSource(queue, s);
    if (existing.has(id)) updated++;
    else created++;
  }
  for (const id of existing.keys()) {
    if (sourceIdOfScheduler(id) !== null && !wanted.has(id)) {
      await queue.removeJobScheduler(id);
      removed++;
    }
  }
  return { created, updated, removed };
}
