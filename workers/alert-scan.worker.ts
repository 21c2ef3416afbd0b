/**
 * Processor of the `alert-scan` queue: the expiry scan for one day (db/alerts.repository.ts
 * raiseExpiryAlerts), then one deliver job per alert created. Idempotent: a second scan of the
 * same day creates no alert and queues nothing.
 *
 * The factory also (re-)creates the daily scheduler, at worker start and after Redis reconnects.
 */
import type { Job } from 'bullmq';
import { raiseExpiryAlerts, type ExpiryScanResult } from '../db/alerts.repository.ts';
import { chinaDate } from '../db/status.ts';
import { queueDeliveries } from './alert-queue.ts';
import { scheduleDailyScan } from './alert-schedule.ts';
import type { WorkerContext } from './context.ts';
import { coerceError } from './errors.ts';
import type { Payload } from './queues.ts';

/** The day a scan job is for: its `date`, else the day in China it was due (scheduler jobs). */
export function scanDate(job: Pick<Job<Payload<'alert-scan'>>, 'data' | 'timestamp' | 'opts'>): string {
  if (job.data.date) return job.data.date;
  return chinaDate(new Date(job.timestamp + (job.opts.delay ?? 0)));
}

export function alertScanProcessor(ctx: WorkerContext) {
  const schedule = () => {
    if (ctx.redis.status !== 'ready') return;
    scheduleDailyScan(ctx.queues['alert-scan'], ctx.config).catch((err: unknown) =>
      ctx.logger.warn({ err: coerceError(err).message }, 'could not create the daily alert-scan scheduler; will try again on reconnect'),
    );
  };
  ctx.redis.on('ready', schedule);
  setTimeout(schedule, 0).unref();
  return async (job: Job<Payload<'alert-scan'>>): Promise<Omit<ExpiryScanResult, 'created'> & { created: number }> => {
    const on = scanDate(job);
    const r = await raiseExpiryAlerts(ctx.db, { on });
    await queueDeliveries(ctx.queues, r.created);
    ctx.logger.info({ queue: 'alert-scan', on, expiring: r.expiring, expired: r.expired, created: r.created.length }, 'expiry scan done');
    return { ...r, created: r.created.length };
  };
}
