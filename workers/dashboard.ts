/**
 * The queue dashboard (bull-board) served by a worker process: `worker --dashboard-port 3001`.
 * Bound to 127.0.0.1 only: it can retry and delete jobs, so reach it through an SSH tunnel or a
 * reverse proxy with authentication, never straight from the network.
 */
import { createServer, type Server } from 'node:http';
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { ExpressAdapter } from '@bull-board/express';
import { QUEUE_NAMES, type Queues } from './queues.ts';

/** Address the dashboard listens on. */
export const DASHBOARD_HOST = '127.0.0.1';

export interface Dashboard {
  readonly url: string;
  close(): Promise<void>;
}

/** Starts the dashboard over `queues` on 127.0.0.1:`port` (0 picks a free port). */
export async function startDashboard(queues: Queues, port: number): Promise<Dashboard> {
  const adapter = new ExpressAdapter();
  adapter.setBasePath('/');
  createBullBoard({
    queues: QUEUE_NAMES.map((n) => new BullMQAdapter(queues[n] as never)),
    serverAdapter: adapter,
    options: { uiConfig: { boardTitle: 'policy-tracker' } },
  });
  const server: Server = createServer(adapter.getRouter());
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, DASHBOARD_HOST, () => resolve());
  });
  const addr = server.address();
  const actual = typeof addr === 'object' && addr ? addr.port : port;
  return {
    url: `http://${DASHBOARD_HOST}:${actual}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
