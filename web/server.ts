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
import { registerAuth } from './auth.ts';
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
}

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
    done(null, Object.fromEntries(new URLSearchParams(body as string)));
  });
  app.addHook('onSend', async (_req, reply, payload) => {
    // Pages load nothing from elsewhere and run no script: say so to the browser.
    reply.header('content-security-policy', "default-src 'none'; style-src 'unsafe-inline'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'");
    reply.header('x-content-type-options', 'nosniff');
    reply.header('referrer-policy', 'same-origin');
    return payload;
  });
  registerAuth(app, db, { public: options.public ?? false, sessionLifetimeMs: options.sessionLifetimeMs ?? DEFAULT_SESSION_LIFETIME_MS });

  app.setErrorHandler((err, req, reply) => {
    const status = httpStatusOf(err);
    const message = status === 500 ? 'internal error (see the server log)' : (err as Error).message;
    if (status === 500) req.log.error({ err }, 'request failed');
    const candidates = err instanceof AmbiguousDocumentError ? err.candidates : undefined;
    if (req.url.startsWith('/api')) {
      return reply.code(status).send({ error: status === 404 ? 'not_found' : status === 409 ? 'ambiguous' : status === 400 ? 'bad_request' : 'error', message, ...(candidates ? { candidates } : {}) });
    }
    const zh = status === 404 ? '没有找到这个文件。' : status === 409 ? '这个名称对应多个文件，请选择：' : status === 400 ? `请求参数有误：${message}` : '服务器出错，请稍后再试。';
    return reply.code(status).type('text/html; charset=utf-8').send(errorPage(ctxOf(req, 'none'), status, zh, { candidates }));
  });
  app.setNotFoundHandler((req, reply) => {
    if (req.url.startsWith('/api')) return reply.code(404).send({ error: 'not_found', message: `no route ${req.method} ${req.url.split('?')[0]}` });
    return reply.code(404).type('text/html; charset=utf-8').send(errorPage(ctxOf(req, 'none'), 404, '没有这个页面。'));
  });

  app.get('/healthz', async () => ({ ok: true }));
  app.get('/api/openapi.json', async () => OPENAPI);
  registerApi(app, db, today);
  registerPages(app, db, today);
  return app;
}
