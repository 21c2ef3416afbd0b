/**
 * The daily expiry scan's job scheduler: `alert-scan-daily` on the `alert-scan` queue, a cron
 * pattern (default 07:00 Asia/Shanghai). Upserted by every worker at start and after every Redis
 * reconnect (upserting the same id updates it in place), so a Redis that lost it gets it back.
 */
import type { Queue } from 'bullmq';
import type { WorkerConfig } from '../config.ts';
import type { Payload } from './queues.ts';

/** Id of the daily scan's scheduler. */
export const ALERT_SCAN_SCHEDULER = 'alert-scan-daily';

type ScanQueue = Queue<Payload<'alert-scan'>, unknown, string>;

/**
 * Creates or updates the daily scan scheduler. Its jobs carry an empty `date`: the processor
 * scans the day (in China) the job was due.
 */
export async function scheduleDailyScan(queue: ScanQueue, config: Pick<WorkerConfig, 'alertScanCron' | 'alertScanTimezone'>): Promise<void> {
  await queue.upsertJobScheduler(
    ALERT_SCAN_SCHEDULER,
    { pattern: config.alertScanCron, tz: config.alertScanTimezone },
    { name: 'alert-scan', data: { date: '' } },
  );
}
