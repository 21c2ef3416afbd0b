/**
 * What every processor receives: the record, the queues (to hand work on), Redis (politeness
 * keys), the browser pool, the settings and a logger. Built once per worker process.
 */
import type { Kysely } from 'kysely';
import type { Redis } from 'ioredis';
import type { WorkerConfig } from '../config.ts';
import type { Database } from '../db/schema.ts';
import type { Logger } from './logger.ts';
import type { Queues } from './queues.ts';
import type { BrowserPool } from './render.ts';

export interface WorkerContext {
  readonly db: Kysely<Database>;
  readonly queues: Queues;
  readonly redis: Redis;
  readonly browser: BrowserPool;
  readonly config: WorkerConfig;
  readonly logger: Logger;
}
