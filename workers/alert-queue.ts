/**
 * Handing alerts to the `deliver` queue: one job per alert, job id `deliver-<alertId>`, so an
 * alert queued twice (by ingestion, the scan, the sweep, `alerts retry`) is one job.
 */
import type { Kysely } from 'kysely';
import type { WorkerConfig } from '../config.ts';
import { undeliveredAlertIds } from '../db/alert-delivery.repository.ts';
import type { Database } from '../db/schema.ts';
import { withQueues } from './cli-queues.ts';
import { enqueue, jobIds, type Queues } from './queues.ts';

/** Queues one deliver job per alert id (existing jobs with the same id are kept). */
export async function queueDeliveries(queues: Queues, alertIds: readonly number[]): Promise<void> {
  for (const alertId of alertIds) await enqueue(queues, 'deliver', { alertId }, jobIds.deliver(alertId));
}

/**
 * For short-lived commands (CLI ingest): queues the alerts when Redis answers; otherwise leaves
 * them `pending` in Postgres for a worker's sweep and says why. Never throws.
 */
export async function queueDeliveriesOrLeavePending(redisUrl: string, config: WorkerConfig, alertIds: readonly number[]): Promise<{ queued: boolean; reason: string | null }> {
  if (alertIds.length === 0) return { queued: true, reason: null };
  try {
    await withQueues(redisUrl, config, (queues) => queueDeliveries(queues, alertIds));
    return { queued: true, reason: null };
  } catch (err) {
    return { queued: false, reason: (err as Error).message };
  }
}

/**
 * Queues every alert still undelivered (recorded while Redis was away, or whose job was lost
 * with Redis): `pending` ones, and `sending` ones untouched for `staleMs`.
 * @returns how many ids were handed to the queue.
 */
export async function sweepUndelivered(db: Kysely<Database>, queues: Queues, staleMs: number, now = new Date()): Promise<number> {
  const ids = await undeliveredAlertIds(db, new Date(now.getTime() - staleMs));
  await queueDeliveries(queues, ids);
  return ids.length;
}
