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
 * Queues alerts that may have had a job before (`alerts retry`, the sweep): a failed job is sent
 * back (its attempts reset), a finished one replaced, a waiting, delayed or running one left alone,
 * and a missing one added. @returns how many jobs were added or revived.
 */
export async function requeueDeliveries(queues: Queues, alertIds: readonly number[]): Promise<number> {
  let n = 0;
  for (const alertId of alertIds) {
    const id = jobIds.deliver(alertId);
    const job = await queues.deliver.getJob(id);
    const state = job ? await job.getState() : 'missing';
    if (state === 'failed') {
      await job!.retry('failed', { resetAttemptsMade: true, resetAttemptsStarted: true });
    } else if (state === 'completed') {
      await job!.remove();
      await enqueue(queues, 'deliver', { alertId }, id);
    } else if (state === 'missing' || state === 'unknown') {
      await enqueue(queues, 'deliver', { alertId }, id);
    } else continue;
    n++;
  }
  return n;
}

/**
 * For short-lived commands (CLI ingest): queues the alerts when Redis answers; otherwise leaves
 * them `pending` in Postgres for a worker's sweep and says why. Never throws.
 */
export async function queueDeliveriesOrLeavePending(
  redisUrl: string,
  config: WorkerConfig,
  alertIds: readonly number[],
  opts: { requeue?: boolean } = {},
): Promise<{ queued: boolean; reason: string | null }> {
  if (alertIds.length === 0) return { queued: true, reason: null };
  try {
    await withQueues(redisUrl, config, async (queues) => {
      if (opts.requeue) await requeueDeliveries(queues, alertIds);
      else await queueDeliveries(queues, alertIds);
    });
    return { queued: true, reason: null };
  } catch (err) {
    return { queued: false, reason: (err as Error).message };
  }
}

/**
 * Queues every alert still undelivered (recorded while Redis was away, or whose job was lost
 * with Redis): `pending` ones, and `sending` ones untouched for `staleMs`.
 * @returns how many jobs were added or revived.
 */
export async function sweepUndelivered(db: Kysely<Database>, queues: Queues, staleMs: number, now = new Date()): Promise<number> {
  const ids = await undeliveredAlertIds(db, new Date(now.getTime() - staleMs));
  return requeueDeliveries(queues, ids);
}
