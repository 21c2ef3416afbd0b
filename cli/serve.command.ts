/** `policy-tracker serve [--port 8080] [--host 127.0.0.1] [--public]`: the HTTP API and review pages. */
import type { Command } from 'commander';
import { buildServer, publicHostProblem } from '../web/server.ts';
import { DATA_DIR_FLAG, DATA_DIR_HELP, openForCommand } from './database.ts';

export function registerServe(program: Command): void {
  program
    .command('serve')
    .description('HTTP API (/api, described at /api/openapi.json) and review pages; sign-in required unless --public')
    .option('--port <port>', 'port to listen on', '8080')
    .option('--host <host>', 'address to bind', '127.0.0.1')
    .option('--public', 'readable without signing in (only on 127.0.0.1 or ::1)')
    .option('--session-hours <hours>', 'how long a sign-in lasts', '12')
    .option(DATA_DIR_FLAG, DATA_DIR_HELP)
    .action(async (opts: { port: string; host: string; public?: boolean; sessionHours: string; dataDir?: string }) => {
      const problem = publicHostProblem(opts.host, opts.public === true);
      if (problem) throw new Error(problem);
      const port = Number(opts.port);
      if (!Number.isInteger(port) || port < 0 || port > 65535) throw new Error(`--port expects 0–65535, got "${opts.port}"`);
      const hours = Number(opts.sessionHours);
      if (!(hours > 0 && hours <= 24 * 90)) throw new Error(`--session-hours expects a number of hours up to 2160, got "${opts.sessionHours}"`);
      const db = await openForCommand(opts);
      const app = await buildServer(db, { public: opts.public === true, sessionLifetimeMs: hours * 3600_000, logger: true });
      let closing = false;
      const stop = async () => {
        if (closing) process.exit(1);
        closing = true;
        await app.close();
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
