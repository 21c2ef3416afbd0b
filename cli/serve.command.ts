/** `policy-tracker serve [--port 8080] [--host 127.0.0.1] [--public]`: the HTTP API and review pages. */
import type { Command } from 'commander';
import { getConfig, getWorkerConfig } from '../config.ts';
import { buildServer, publicHostProblem, type ServerQueues } from '../web/server.ts';
import { DATA_DIR_FLAG, DATA_DIR_HELP, openForCommand } from './database.ts';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('HTTP API (/api, described at /api/openapi.json) and review pages; sign-in required unless --public')
    .option('--port <port>', 'port to listen on', '8080')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--public', 'readable without signing in (only on 127.0.0.1 or ::1)')
    .option('--session-hours <hours>', 'how long a sign-in lasts', '12')
    .option('--no-queues', 'do not connect to Redis (no /admin/queues; retried alerts and new sources wait for a worker)')
    .option(DATA_DIR_FLAG, DATA_DIR_HELP)
    .action(async (opts: { port: string; host: string; public?: boolean; sessionHours: string; queues: boolean; dataDir?: string }) => {
      const problem = publicHostProblem(opts.host, opts.public === true);
      if (problem) throw new Error(problem);
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port expects 0–65535, got "${opts.port}"`);
      const hours = Number(opts.sessionHours);
      if (!(hours > 0 && hours <= 24 * 90)) throw new Error(`--session-hours expects a number of hours up to 2160, got "${opts.sessionHours}"`);
      const db = await openForCommand(opts);
      const redis = opts.queues ? await openServerQueues() : null;
      const app = await buildServer(db, { public: opts.public === true, sessionLifetimeMs: hours * 3600_000, logger: true, queues: redis?.server ?? null });
      let closing = false;
      const stop = async () => {
        if (closing) process.exit(1);
        closing = true;
        await app.close();
        await redis?.close();
        await db.destroy();
      };
      process.once('SIGINT', stop).once('SIGTERM', stop);
      await app.listen({ port, host: opts.host });
      const addr = app.server.address();
      const shown = typeof addr === 'object' && addr ? `${addr.family === 'IPv6' ? `[${addr.address}]` : addr.address}:${addr.port}` : `${opts.host}:${port}`;
      process.stderr.write(`policy-tracker: serving http://${shown}/ ${opts.public ? '(public: no sign-in)' : '(sign-in required)'}\n`);
      await new Promise<void>((resolve) => app.server.once('close', () => resolve()));
    });
}

/** How long serve waits for Redis at start before going on without it (it keeps reconnecting). */
const REDIS_WAIT_MS = 3_000;

/** The workers' queues on REDIS_URL, for the dashboard, alert retries and source schedules. */
async function openServerQueues(): Promise<{ server: ServerQueues; close(): Promise<void> }> {
  const { openRedis, closeRedis } = await import('../workers/redis.ts');
  const { openQueues, closeQueues } = await import('../workers/queues.ts');
  const url = getConfig().redisUrl;
  const config = getWorkerConfig();
  const redis = openRedis(url, 'policy-tracker-serve');
  const queues = openQueues(redis, config.queuePrefix, { attempts: config.jobAttempts, backoffMs: config.jobBackoffMs });
  const ready = await new Promise<boolean>((resolve) => {
    if (redis.status === 'ready') return resolve(true);
    const t = setTimeout(() => resolve(false), REDIS_WAIT_MS);
    redis.once('ready', () => {
      clearTimeout(t);
      resolve(true);
    });
  });
  if (!ready) process.stderr.write(`policy-tracker: warning: Redis does not answer at ${new URL(url).host}; /admin/queues answers 503 until it does, retried alerts and new sources wait for a worker\n`);
  return {
    server: { queues, ready: () => redis.status === 'ready' },
    close: async () => {
      await closeQueues(queues).catch(() => {});
      await closeRedis(redis);
    },
  };
}
