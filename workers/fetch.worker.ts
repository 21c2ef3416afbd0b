/**
 * Processor of the `fetch` queue: one source (or one linked page) per job. Thin adapter around
 * {@link fetchSource}: works out the schedule tick, delays the job while the host is busy, maps
 * errors to retry or give-up.
 */
import { DelayedError, type Job } from 'bullmq';
import type { WorkerContext } from './context.ts';
import { toJobError } from './errors.ts';
import { fetchSource, type FetchOutcome } from './fetch-source.ts';
import type { Payload } from './queues.ts';

/**
 * Scheduled time of a job made by a job scheduler (its id is `repeat:source-7:1767225600000`);
 * null for jobs added on demand.
 */
export function scheduledAt(job: Pick<Job, 'id'>): number | null {
  const m = /^repeat:[^:]+:(\d+)$/.exec(job.id ?? '');
  return m ? Number(m[1]) : null;
}

export function fetchProcessor(ctx: WorkerContext) {
  return async (job: Job<Payload<'fetch'>>, token?: string, signal?: AbortSignal): Promise<FetchOutcome> => {
    const { sourceId, url } = job.data;
    if (!Number.isInteger(sourceId)) throw toJobError(new TypeError(`fetch job ${job.id} has no sourceId`));
    let outcome: FetchOutcome;
    try {
      outcome = await fetchSource(ctx, { sourceId, ...(url ? { url } : {}) }, { scheduledAt: scheduledAt(job), jobId: job.id ?? '', ...(signal ? { signal } : {}) });
    } catch (raw) {
      throw toJobError(raw);
    }
    if (outcome.kind === 'host-busy') {
      // Politeness: come back when the host's slot frees; this is not a failed attempt.
      await job.moveToDelayed(Date.now() + outcome.waitMs, token);
      throw new DelayedError();
    }
    ctx.logger.info({ queue: 'fetch', jobId: job.id, sourceId, url, outcome }, `fetch ${outcome.kind}`);
    return outcome;
  };
}
