/**
 * The HTTP server: JSON API under /api (described at /api/openapi.json) and the review pages in
 * Simplified Chinese. `buildServer` takes an open database and options and returns the Fastify
 * app, unstarted, so that tests can listen on port 0 in-process.
 *
 * @example
 * const app = await buildServer(db, { public: true });
 * await app.listen({ host: '127.0.0.1', port: 0 });
 */
import cookie from '@fastify/cookie';
import Fastify, { type FastifyInstance } from 'fastify';
import type { Kysely } from 'kysely';
import { AmbiguousDocumentError } from '../db/errors.ts';
import type { Database } from '../db/schema.ts';
import { chinaDate } from '../db/status.ts';
import { registerApi } from './api/documents.ts';
import { OPENAPI } from './api/openapi.ts';
import { requeueDeliveries } from '../workers/alert-queue.ts';
import type { Queues } from '../workers/queues.ts';
import { scheduleSource, unscheduleSource } from '../workers/schedules.ts';
import { NotFoundError } from './alerts.ts';
import { registerAlertPages, registerAlertsApi, type QueueActions } from './alerts-routes.ts';
import { registerAuth, registerCsrf } from './auth.ts';
import { DASHBOARD_PATH, registerDashboard } from './dashboard.ts';
import { errorPage } from './pages/login.ts';
import { httpStatusOf } from './params.ts';
import { ctxOf, registerPages } from './routes.ts';

/** Hosts `--public` may bind to: this machine only. */
export const LOOPBACK_HOSTS: readonly string[] = ['127.0.0.1', '::1', 'localhost'];
/** Default lifetime of a session. */
export const DEFAULT_SESSION_LIFETIME_MS = 12 * 3600_000;

export interface ServerOptions {
  /** Readable without signing in (only allowed on a loopback host; checked by the caller). */
  readonly public?: boolean;
  readonly sessionLifetimeMs?: number;
  /** Today's date in China; a fixed day in tests. */
  readonly today?: () => string;
  /** Log requests as JSON lines on stderr (pino); headers are never logged. */
  readonly logger?: boolean;
  /**
   * The workers' queues (serve opens them on REDIS_URL): the dashboard under /admin/queues,
   * alert retries and source schedules go straight to Redis. Without them the dashboard answers
   * 503 and retried alerts or new sources wait for a worker's sweep or schedule sync.
   */
  readonly queues?: ServerQueues | null;
}

export interface ServerQueues {
  readonly queues: Queues;
  /** Whether Redis answers now (commands would otherwise wait for the reconnect). */
  ready(): boolean;
}

/** What the pages and API do in Redis, each a no-op returning false while Redis is away. */
function queueActions(q: ServerQueues): QueueActions {
  return {
    deliver: async (ids) => (q.ready() ? (await requeueDeliveries(q.queues, ids), true) : false),
    schedule: async (source) => (q.ready() ? (await scheduleSource(q.queues.fetch, source), true) : false),
    unschedule: async (id) => (q.ready() ? (await unscheduleSource(q.queues.fetch, id), true) : false),
  };
}

/** CSP of the pages: no script at all. */
const PAGE_CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'";
/** CSP of the bull-board dashboard: its own scripts and API, nothing from elsewhere. */
const DASHBOARD_CSP = "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data:; font-src 'self'; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'self'";

/** Refuses `--public` on a host other than this machine's loopback. Null when fine. */
export function publicHostProblem(host: string, isPublic: boolean): string | null {
  if (!isPublic || LOOPBACK_HOSTS.includes(host)) return null;
  return `--public serves the record without signing in and is only allowed on 127.0.0.1 or ::1, not on ${host}; drop --public and add users with \`policy-tracker users add\``;
}

export async function buildServer(db: Kysely<Database>, options: ServerOptions = {}): Promise<FastifyInstance> {
  const today = options.today ?? (() => chinaDate(new Date()));
  const app = Fastify({
    logger: options.logger ? { level: 'info', redact: ['req.headers.authorization', 'req.headers.cookie'] } : false,
    // Policy references carry Chinese characters and brackets; keep them whole.
    routerOptions: { maxParamLength: 300 },
  });
  await app.register(cookie);
  app.addContentTypeParser('application/x-www-form-urlencoded', { parseAs: 'string', bodyLimit: 16 * 1024 }, (_req, body, done) => {
    // A repeated name (checkboxes) becomes a list.
    const out: Record<string, string | string[]> = {};
    for (const [k, v] of new URLSearchParams(body as string)) {
      const had = out[k];
      out[k] = had === undefined ? v : Array.isArray(had) ? [...had, v] : [had, v];
    }
    done(null, out);
  });
  app.addHook('onSend', async (req, reply, payload) => {
    // Pages load nothing from elsewhere and run no script: say so to the browser.
    reply.header('content-security-policy', req.url.startsWith(DASHBOARD_PATH) ? DASHBOARD_CSP : PAGE_CSP);
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    return payload;
  });
  registerAuth(app, db, { public: options.public ?? false, sessionLifetimeMs: options.sessionLifetimeMs ?? DEFAULT_SESSION_LIFETIME_MS });
  registerCsrf(app);

  app.setErrorHandler((err, req, reply) => {
    const status = httpStatusOf(err);
    const message = status === 500 ? 'internal error (see the server log)' : (err as Error).message;
    if (status === 500) req.log.error({ err }, 'request failed');
    const candidates = err instanceof AmbiguousDocumentError ? err.candidates : undefined;
    if (req.url.startsWith('/api')) {
      const code = ({ 400: 'bad_request', 401: 'unauthorized', 403: 'forbidden', 404: 'not_found', 409: 'ambiguous' } as Record<number, string>)[status] ?? 'error';
      return reply.code(status).send({ error: code, message, ...(candidates ? { candidates } : {}) });
    }
    const zh = status === 404 ? (err instanceof NotFoundError ? '没有找到，或者不属于你。' : '没有找到这个文件。') : status === 401 ? '请先登录。' : status === 403 ? '没有权限。' : status === 409 ? '这个名称对应多个文件，请选择：' : status === 400 ? `请求参数有误：${message}` : '服务器出错，请稍后再试。';
    return reply.code(status).type('text/html; charset=utf-8').send(errorPage(ctxOf(req, 'none'), status, zh, { candidates }));
  });
  app.setNotFoundHandler((req, reply) => {
    if (req.url.startsWith('/api')) return reply.code(404).send({ error: 'not_found', message: `no route ${req.method} ${req.url.split('?')[0]}` });
    return reply.code(404).type('text/html; charset=utf-8').send(errorPage(ctxOf(req, 'none'), 404, '没有这个页面。'));
  });

  app.get('/healthz', async () => ({ ok: true }));
  app.get('/api/openapi.json', async () => OPENAPI);
  const actions = options.queues ? queueActions(options.queues) : null;
  registerApi(app, db, today);
  registerAlertsApi(app, db, actions);
  registerPages(app, db, today);
  registerAlertPages(app, db, actions);
  await registerDashboard(app, options.queues ?? null);
  return app;
}
