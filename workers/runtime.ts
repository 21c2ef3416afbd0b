/**
 * One worker process: a BullMQ Worker per registered queue (workers/processors.ts), the job
 * schedulers kept in step with Postgres (at start, after every Redis reconnect, and every
 * `scheduleSyncMs`), an optional dashboard, and an orderly {@link WorkerRuntime.close}.
 * Start as many processes as you like against one Redis and one Postgres.
 */
import { Worker } from 'bullmq';
import type { Kysely } from 'kysely';
import type { WorkerConfig } from '../config.ts';
import type { Database } from '../db/schema.ts';
import type { WorkerContext } from './context.ts';
import type { Dashboard } from './dashboard.ts';
import { coerceError } from './errors.ts';
import type { Logger } from './logger.ts';
import { PROCESSORS } from './processors.ts';
import { closeQueues, openQueues, QUEUE_NAMES, type QueueName } from './queues.ts';
import { closeRedis, openRedis } from './redis.ts';
import { BrowserPool } from './render.ts';
import { syncSchedules } from './schedules.ts';

export interface StartOptions {
  readonly db: Kysely<Database>;
  readonly redisUrl: string;
  readonly config: WorkerConfig;
  readonly logger: Logger;
  /** Queues to run (default: every queue with a processor). */
  readonly queues?: readonly QueueName[];
  /** Dashboard port on 127.0.0.1; off when null/undefined. */
  readonly dashboardPort?: number | null;
  /** Launch the browser at start instead of on first render. */
  readonly warmBrowser?: boolean;
}

export interface WorkerRuntime {
  readonly context: WorkerContext;
  readonly workers: readonly Worker[];
  readonly dashboard: Dashboard | null;
  /** Re-creates missing schedulers now. */
  syncSchedules(): Promise<void>;
  /** Stops taking jobs, lets running ones finish, closes queues, browser and Redis (not the db). */
  close(): Promise<void>;
}

/** Starts the workers. @throws when Redis or the dashboard port cannot be used. */
export async function startWorkers(opts: StartOptions): Promise<WorkerRuntime> {
  const { config, logger } = opts;
  const redis = openRedis(opts.redisUrl, `policy-tracker-${process.pid}`);
  const queues = openQueues(redis, config.queuePrefix, { attempts: config.jobAttempts, backoffMs: config.jobBackoffMs });
  const browser = new BrowserPool(config.chromiumPath, config.renderContexts, {
    idleMs: config.browserIdleMs,
    onEvent: (event, detail) => logger.info({ ...detail }, event === 'launched' ? 'Chromium launched' : 'Chromium closed after being idle'),
  });
  const context: WorkerContext = { db: opts.db, queues, redis, browser, config, logger };

  const names = (opts.queues ?? QUEUE_NAMES).filter((n) => PROCESSORS[n] !== undefined);
  const workers = names.map((name) => {
    const processor = PROCESSORS[name]!(context as never);
    const w = new Worker(name, processor as never, {
      connection: redis,
      prefix: config.queuePrefix,
      concurrency: config.concurrency[name] ?? 1,
      lockDuration: config.lockMs,
      stalledInterval: config.lockMs,
    });
    w.on('error', (err) => logger.error({ queue: name, err: coerceError(err).message }, 'worker error'));
    w.on('failed', (job, err) =>
      logger.warn({ queue: name, jobId: job?.id, attempt: job?.attemptsMade, err: err.message }, 'job failed'),
    );
    return w;
  });

  let syncing: Promise<void> | null = null;
  const sync = () => {
    syncing ??= syncSchedules(opts.db, queues.fetch)
      .then((r) => {
        if (r.created + r.updated + r.removed > 0) logger.info({ ...r }, 'job schedulers synced from Postgres');
      })
      .catch((err) => logger.warn({ err: coerceError(err).message }, 'could not sync job schedulers; will try again'))
      .finally(() => {
        syncing = null;
      });
    return syncing;
  };
  let wasReady = redis.status === 'ready';
  redis.on('ready', () => {
    if (wasReady) logger.info('Redis is back; re-creating job schedulers from Postgres');
    wasReady = true;
    void sync();
  });
  let closing: Promise<void> | null = null;
  redis.on('close', () => {
    if (wasReady && !closing) logger.warn('lost Redis; reconnecting');
  });
  await sync();
  const timer = setInterval(() => void sync(), config.scheduleSyncMs);
  timer.unref();

  if (opts.warmBrowser) await browser.warm();
  // bull-board and Express load only when the dashboard is asked for.
  const dashboard =
    opts.dashboardPort !== undefined && opts.dashboardPort !== null
      ? await (await import('./dashboard.ts')).startDashboard(queues, opts.dashboardPort)
      : null;
  logger.info({ queues: names, concurrency: config.concurrency, prefix: config.queuePrefix, dashboard: dashboard?.url ?? null }, 'workers started');

  return {
    context,
    workers,
    dashboard,
    syncSchedules: sync,
    close() {
      closing ??= (async () => {
        clearInterval(timer);
        await Promise.all(workers.map((w) => w.close()));
        await syncing;
        await dashboard?.close();
        await closeQueues(queues);
        await browser.close();
        await closeRedis(redis);
      })();
      return closing;
    },
  };
}
