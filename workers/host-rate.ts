/**
 * Politeness: at most one request per host every `intervalMs`, across every worker process,
 * through one Redis key per host (`SET NX PX`). A fetch that finds the host busy is delayed
 * (not failed) until the key expires.
 */
import type { Redis } from 'ioredis';

/**
 * Takes the host's slot: 0 when this caller may fetch now, else how many milliseconds to wait.
 * The key lives under the queue prefix so that it shares its Redis Cluster slot.
 */
export async function takeHostSlot(redis: Redis, prefix: string, host: string, intervalMs: number): Promise<number> {
  if (intervalMs <= 0) return 0;
  const key = `${prefix}:host:${host}`;
  const ok = await redis.set(key, '1', 'PX', intervalMs, 'NX');
  if (ok === 'OK') return 0;
  const ttl = await redis.pttl(key);
  // -2: expired between the two calls; -1 cannot happen (always set with PX). Retry soon.
  return ttl > 0 ? ttl : 1;
}
