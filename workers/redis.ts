/**
 * Redis connections for the queues. BullMQ's blocking worker connections need
 * `maxRetriesPerRequest: null`; with it, commands issued while Redis is away wait for the
 * reconnect instead of failing, which is what lets workers ride out a Redis restart.
 */
import { Redis } from 'ioredis';

/** Longest pause between two reconnection attempts. */
const MAX_RECONNECT_DELAY_MS = 2_000;

/**
 * Opens a connection to `url` that reconnects forever (50 ms, 100 ms, … up to 2 s apart).
 * Close it with `await redis.quit()` (or `disconnect()` when Redis is gone).
 */
export function openRedis(url: string, name = 'policy-tracker'): Redis {
  const redis = new Redis(url, {
    maxRetriesPerRequest: null,
    enableReadyCheck: true,
    connectionName: name,
    retryStrategy: (times) => Math.min(times * 50, MAX_RECONNECT_DELAY_MS),
  });
  // Without a listener ioredis prints every failed reconnection; the runtime logs state changes.
  redis.on('error', () => {});
  return redis;
}

/** Closes a connection politely when Redis answers, at once when it does not. */
export async function closeRedis(redis: Redis): Promise<void> {
  if (redis.status === 'end') return;
  if (redis.status !== 'ready') {
    redis.disconnect();
    return;
  }
  await Promise.race([redis.quit().catch(() => redis.disconnect()), new Promise((r) => setTimeout(r, 2_000).unref())]);
  redis.disconnect();
}
