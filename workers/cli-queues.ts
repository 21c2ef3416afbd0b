/**
 * Queue access for short-lived commands (`sources`, `jobs`): a Redis connection that fails fast
 * instead of waiting forever, and the queues on it.
 */
import { Redis } from 'ioredis';
import type { WorkerConfig } from '../config.ts';
import { closeQueues, openQueues, type Queues } from './queues.ts';

/** How long a command waits for Redis before saying it is unreachable. */
const CONNECT_TIMEOUT_MS = 3_000;

/** Redis could not be reached; says what to check. */
export class RedisUnavailableError extends Error {
  constructor(url: string, options?: { cause?: unknown }) {
    super(`cannot reach Redis at ${url}; start it or set REDIS_URL`, options);
    this.name = this.constructor.name;
  }
}

/** Runs `fn` with the queues open, always closing them. @throws RedisUnavailableError */
export async function withQueues<T>(redisUrl: string, config: WorkerConfig, fn: (queues: Queues) => Promise<T>): Promise<T> {
  const redis = new Redis(redisUrl, {
    maxRetriesPerRequest: 1,
    connectTimeout: CONNECT_TIMEOUT_MS,
    retryStrategy: () => null,
    lazyConnect: true,
  });
  redis.on('error', () => {});
  try {
    await redis.connect();
  } catch (cause) {
    redis.disconnect();
    throw new RedisUnavailableError(redisUrl, { cause });
  }
  const queues = openQueues(redis, config.queuePrefix, { attempts: config.jobAttempts, backoffMs: config.jobBackoffMs });
  try {
    return await fn(queues);
  } finally {
    await closeQueues(queues);
    await redis.quit().catch(() => redis.disconnect());
  }
}
