/**
 * The queues (architecture page, "Queues"): their names, the payload each job carries, default
 * job options in one table, and deterministic job ids. Payloads carry ids only; documents and
 * bytes live in Postgres.
 *
 * Each queue holds one kind of job, named like the queue.
 */
import { createHash } from 'node:crypto';
import { Queue, type JobsOptions } from 'bullmq';
import type { Redis } from 'ioredis';

/** Every queue, in pipeline order. */
export const QUEUE_NAMES = ['fetch', 'ingest', 'alert-scan', 'deliver'] as const;
export type QueueName = (typeof QUEUE_NAMES)[number];

/** The typed job registry: queue (= job name) → payload. */
export interface JobPayloads {
  /** Fetch one source: its own URL, or (`url`) a document page linked from its listing. */
  fetch: { readonly sourceId: number; readonly url?: string };
  /** Run extract → record over one stored snapshot. */
  ingest: { readonly snapshotId: number };
  /** Daily expiry scan for one day (`YYYY-MM-DD`); processor comes with the alerts work. */
  'alert-scan': { readonly date: string };
  /** Send one alert to its subscription; processor comes with the alerts work. */
  deliver: { readonly alertId: number };
}

export type Payload<Q extends QueueName> = JobPayloads[Q];

/** Retry policy knobs from the configuration. */
export interface RetryPolicy {
  readonly attempts: number;
  readonly backoffMs: number;
}

/** Completed jobs kept for the dashboard: an hour, at most this many per queue. */
const KEEP_COMPLETED = { age: 3600, count: 1000 } as const;

/**
 * Default options of every job, per queue, in one place: exponential backoff, completed jobs
 * trimmed, failed jobs kept for `jobs --failed` / `jobs retry`.
 */
export function defaultJobOptions(queue: QueueName, retry: RetryPolicy): JobsOptions {
  const base: JobsOptions = {
    attempts: retry.attempts,
    backoff: { type: 'exponential', delay: retry.backoffMs },
    removeOnComplete: KEEP_COMPLETED,
    removeOnFail: false,
  };
  switch (queue) {
    case 'fetch':
    case 'ingest':
    case 'deliver':
      return base;
    case 'alert-scan':
      // A scan is cheap and daily: a few tries, then an operator looks.
      return { ...base, attempts: Math.min(retry.attempts, 3) };
  }
}

function shortHash(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 20);
}

/**
 * Deterministic job ids (no `:`; never all digits): adding the same job twice keeps one.
 * - fetch: source id + schedule tick, or source id + hash of the linked URL;
 * - ingest: snapshot sha256; alert-scan: the date; deliver: the alert id.
 */
export const jobIds = {
  fetch: (sourceId: number, tick: number) => `fetch-${sourceId}-${tick}`,
  fetchLink: (sourceId: number, url: string) => `fetch-${sourceId}-link-${shortHash(url)}`,
  ingest: (sha256: string) => `ingest-${sha256}`,
  alertScan: (date: string) => `alert-scan-${date}`,
  deliver: (alertId: number) => `deliver-${alertId}`,
} as const;

/** Job scheduler id of a source's periodic fetch. */
export function schedulerId(sourceId: number): string {
  return `source-${sourceId}`;
}

/** The source id a scheduler id names, or null for schedulers that are not a source's. */
export function sourceIdOfScheduler(id: string): number | null {
  const m = /^source-(\d+)$/.exec(id);
  return m ? Number(m[1]) : null;
}

/** One Queue per name, sharing a connection. */
export type Queues = { readonly [Q in QueueName]: Queue<Payload<Q>, unknown, string> };

/**
 * Opens every queue on `connection` under `prefix` (keep a `{hash tag}` in it for Redis Cluster).
 * Close with {@link closeQueues}; the connection stays open (its owner closes it).
 */
export function openQueues(connection: Redis, prefix: string, retry: RetryPolicy): Queues {
  const make = <Q extends QueueName>(name: Q) =>
    new Queue<Payload<Q>, unknown, string>(name, { connection, prefix, defaultJobOptions: defaultJobOptions(name, retry) });
  return { fetch: make('fetch'), ingest: make('ingest'), 'alert-scan': make('alert-scan'), deliver: make('deliver') };
}

/** Closes the queues (not their shared connection). */
export async function closeQueues(queues: Queues): Promise<void> {
  await Promise.all(QUEUE_NAMES.map((n) => queues[n].close()));
}

/**
 * Adds one job with its deterministic id. A job with the same id already waiting, active,
 * delayed, completed recently or failed is kept and this call does nothing.
 */
export async function enqueue<Q extends QueueName>(queues: Queues, queue: Q, payload: Payload<Q>, jobId: string, opts: JobsOptions = {}): Promise<void> {
  const q = queues[queue] as unknown as Queue<unknown, unknown, string>;
  await q.add(queue, payload, { ...opts, jobId });
}
