/**
 * The workers' queue dashboard (bull-board, the Fastify adapter) under /admin/queues, for admins
 * only: it can retry, promote and delete jobs. Nobody signed in → the sign-in page (also with
 * `--public`: public mode opens the record for reading, never the queues); a viewer → 403; no
 * queues (serve could not open Redis, or a test without them) or Redis away → 503.
 */
import { createBullBoard } from '@bull-board/api';
import { BullMQAdapter } from '@bull-board/api/bullMQAdapter';
import { FastifyAdapter } from '@bull-board/fastify';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { QUEUE_NAMES } from '../workers/queues.ts';
import { errorPage } from './pages/login.ts';
import { ctxOf } from './routes.ts';
import type { ServerQueues } from './server.ts';

export const DASHBOARD_PATH = '/admin/queues';

function refuse(req: FastifyRequest, reply: FastifyReply, status: 403 | 503, zh: string, en: string) {
  const wantsJson = req.url.startsWith(`${DASHBOARD_PATH}/api/`) || (req.headers.accept ?? '').startsWith('application/json');
  if (wantsJson) return reply.code(status).send({ error: status === 403 ? 'forbidden' : 'unavailable', message: en });
  return reply.code(status).type('text/html; charset=utf-8').send(errorPage(ctxOf(req, 'none'), status, zh));
}

async function adminOnly(req: FastifyRequest, reply: FastifyReply): Promise<unknown> {
  if (!req.user) return reply.redirect(`/login?next=${encodeURIComponent(req.url)}`, 303);
  if (req.user.role !== 'admin') return refuse(req, reply, 403, '队列面板只对管理员开放。', 'the queue dashboard needs the admin role');
  return undefined;
}

export async function registerDashboard(app: FastifyInstance, queues: ServerQueues | null): Promise<void> {
  if (queues === null) {
    const off = async (req: FastifyRequest, reply: FastifyReply) =>
      (await adminOnly(req, reply)) ?? refuse(req, reply, 503, '队列面板未启用：服务启动时连不上 Redis（REDIS_URL）。', 'the queue dashboard is off: the server has no connection to Redis');
    app.get(DASHBOARD_PATH, off);
    app.get(`${DASHBOARD_PATH}/*`, off);
    return;
  }
  const adapter = new FastifyAdapter();
  adapter.setBasePath(DASHBOARD_PATH);
  createBullBoard({
    queues: QUEUE_NAMES.map((n) => new BullMQAdapter(queues.queues[n] as never)),
    serverAdapter: adapter,
    options: { uiConfig: { boardTitle: 'policy-tracker' } },
  });
  await app.register(async (scope) => {
    scope.addHook('onRequest', async (req, reply) => {
      const refused = await adminOnly(req, reply);
      if (refused !== undefined) return refused;
      if (!queues.ready()) return refuse(req, reply, 503, '暂时连不上 Redis，队列面板稍后再试。', 'Redis does not answer now; try again shortly');
      return undefined;
    });
    await scope.register(adapter.registerPlugin(), { prefix: DASHBOARD_PATH });
  });
}
