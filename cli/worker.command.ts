/**
 * `policy-tracker worker`: runs every registered queue in one process until SIGTERM/SIGINT.
 * The first signal stops taking jobs and lets running ones finish (or return to the queue);
 * a second signal, or 30 s, forces the exit.
 */
import type { Command } from 'commander';
import { getConfig, getWorkerConfig, parseConcurrency } from '../config.ts';
import { DATA_DIR_FLAG, DATA_DIR_HELP, openForCommand } from './database.ts';

/** After the first signal, how long a graceful shutdown may take before the process exits anyway. */
const FORCE_EXIT_AFTER_MS = 30_000;

interface WorkerOpts {
  concurrency?: string;
  dashboardPort?: string;
  warmBrowser?: boolean;
  dataDir?: string;
}

export function registerWorker(program: Command): void {
  program
    .command('worker')
    .description('run the queue workers (fetch, ingest, and any other registered queue) until SIGTERM')
    .option('--concurrency <list>', 'jobs at once per queue, e.g. fetch=4,ingest=2 (default from POLICY_TRACKER_CONCURRENCY)')
    .option('--dashboard-port <port>', 'serve the queue dashboard on 127.0.0.1:<port> (off by default)')
    .option('--warm-browser', 'launch Chromium at start rather than at the first --render source')
    .option(DATA_DIR_FLAG, DATA_DIR_HELP)
    .action(async (opts: WorkerOpts) => {
      const base = getWorkerConfig();
      let concurrency = base.concurrency;
      if (opts.concurrency) {
        try {
          concurrency = { ...base.concurrency, ...parseConcurrency(opts.concurrency) };
        } catch (err) {
          throw new Error(`--concurrency: ${(err as Error).message}`);
        }
      }
      let dashboardPort: number | null = null;
      if (opts.dashboardPort !== undefined) {
        dashboardPort = Number(opts.dashboardPort);
        if (!Number.isInteger(dashboardPort) || dashboardPort < 0 || dashboardPort > 65535) throw new Error(`--dashboard-port expects a port number, got "${opts.dashboardPort}"`);
      }
      const config = { ...base, concurrency };
      // Loaded here, not at the top: the other commands need not pay for BullMQ, Playwright, Express.
      const { createLogger } = await import('../workers/logger.ts');
      const { startWorkers } = await import('../workers/runtime.ts');
      const logger = createLogger(config.logLevel, { role: 'worker' });
      const db = await openForCommand(opts);
      let runtime;
      try {
        runtime = await startWorkers({ db, redisUrl: getConfig().redisUrl, config, logger, dashboardPort, warmBrowser: !!opts.warmBrowser });
      } catch (err) {
        await db.destroy();
        throw err;
      }
      await new Promise<void>((resolve) => {
        let signalled = false;
        const onSignal = (signal: NodeJS.Signals) => {
          if (signalled) {
            logger.warn({ signal }, 'second signal: exiting now');
            process.exit(1);
          }
          signalled = true;
          logger.info({ signal }, 'shutting down: finishing running jobs');
          setTimeout(() => {
            logger.error('graceful shutdown took too long: exiting');
            process.exit(1);
          }, FORCE_EXIT_AFTER_MS).unref();
          runtime
            .close()
            .then(() => db.destroy())
            .catch((err: unknown) => logger.error({ err: (err as Error).message }, 'error while shutting down'))
            .finally(() => {
              logger.info('stopped');
              logger.flush();
              resolve();
            });
        };
        process.on('SIGTERM', onSignal);
        process.on('SIGINT', onSignal);
      });
    });
}
