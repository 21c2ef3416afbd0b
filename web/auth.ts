/**
 * Who is asking: a Bearer API token, else the session cookie. Without `--public` every route but
 * the sign-in page answers 401 (API) or redirects to /login (pages) when nobody is signed in.
 * Secrets never reach a page or a log line: the cookie and the Authorization header are not
 * logged (Fastify's request serializer leaves headers out), tokens are stored hashed.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { createSession, endSession, sessionUser, tokenUser, verifyPassword, type Role, type User } from '../db/users.repository.ts';
import { loginPage } from './pages/login.ts';

export const SESSION_COOKIE = 'pt_session';

declare module 'fastify' {
  interface FastifyRequest {
    user: User | null;
    sessionToken: string | null;
  }
}

export interface AuthOptions {
  readonly public: boolean;
  readonly sessionLifetimeMs: number;
}

/** Paths readable by anyone. */
const OPEN = new Set(['/login', '/healthz']);

function isApi(req: FastifyRequest): boolean {
  return req.url.startsWith('/api/') || req.url === '/api';
}

/** Only local paths are followed after signing in (no open redirect). */
function safeNext(next: unknown): string {
  return typeof next === 'string' && /^\/(?![/\\])/.test(next) ? next : '/';
}

export function registerAuth(app: FastifyInstance, db: Kysely<Database>, opts: AuthOptions): void {
  app.decorateRequest('user', null);
  app.decorateRequest('sessionToken', null);

  app.addHook('onRequest', async (req, reply) => {
    const auth = req.headers.authorization;
    if (auth !== undefined) {
      const m = /^Bearer\s+(\S+)$/i.exec(auth);
      req.user = m ? await tokenUser(db, m[1]!) : null;
      if (!req.user) {
        return reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'unauthorized', message: 'the API token is not valid (issue one with `policy-tracker users token <name>`)' });
      }
      return;
    }
    const token = req.cookies[SESSION_COOKIE];
    if (token) {
      req.user = await sessionUser(db, token);
      if (req.user) req.sessionToken = token;
    }
    const path = req.url.split('?')[0]!;
    if (req.user || opts.public || OPEN.has(path)) return;
    if (isApi(req)) return reply.code(401).header('www-authenticate', 'Bearer').send({ error: 'unauthorized', message: 'sign in or send Authorization: Bearer <token>' });
    return reply.redirect(`/login?next=${encodeURIComponent(req.url)}`, 303);
  });

  app.get('/login', async (req, reply) => {
    const q = req.query as Record<string, string | undefined>;
    return reply.type('text/html; charset=utf-8').send(loginPage({ next: safeNext(q.next), failed: q.failed === '1' }));
  });

  app.post('/login', async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const next = safeNext(body.next);
    const user = typeof body.name === 'string' && typeof body.password === 'string' && body.name && body.password ? await verifyPassword(db, body.name, body.password) : null;
    if (!user) return reply.redirect(`/login?failed=1&next=${encodeURIComponent(next)}`, 303);
    const s = await createSession(db, user.id, opts.sessionLifetimeMs);
    reply.setCookie(SESSION_COOKIE, s.token, {
      path: '/',
      httpOnly: true,
      sameSite: 'lax',
      secure: req.protocol === 'https',
      expires: s.expiresAt,
    });
    return reply.redirect(next, 303);
  });

  app.post('/logout', async (req, reply) => {
    if (req.sessionToken) await endSession(db, req.sessionToken);
    reply.clearCookie(SESSION_COOKIE, { path: '/' });
    return reply.redirect('/login', 303);
  });
}

/**
 * The form token of a session: derived from the session's secret token (HttpOnly, never in a
 * page), so another site cannot know it. Empty without a session.
 */
export function csrfTokenOf(sessionToken: string | null): string {
  return sessionToken ? createHash('sha256').update(`csrf:${sessionToken}`).digest('base64url') : '';
}

const UNSAFE = new Set(['POST', 'PUT', 'PATCH', 'DELETE']);

/** The origin a request claims to come from (Origin, else Referer's), or null. */
function requestOrigin(req: FastifyRequest): string | null {
  const origin = req.headers.origin;
  if (typeof origin === 'string' && origin !== 'null') return origin;
  const referer = req.headers.referer;
  if (typeof referer === 'string') {
    try {
      return new URL(referer).origin;
    } catch {
      return null;
    }
  }
  return null;
}

/**
 * Cross-site request forgery: a change made with the session cookie (not with a Bearer token,
 * which a browser never adds by itself) must come from this server's own origin (the Origin
 * header, or Referer when a browser leaves Origin out), and a form must carry the session's form
 * token as `_csrf`. The cookie is SameSite=Lax as well. Runs after the body is parsed.
 */
export function registerCsrf(app: FastifyInstance): void {
  app.addHook('preHandler', async (req, reply) => {
    if (!UNSAFE.has(req.method) || req.sessionToken === null) return;
    const own = `${req.protocol}://${req.headers.host ?? ''}`;
    const from = requestOrigin(req);
    const isForm = (req.headers['content-type'] ?? '').startsWith('application/x-www-form-urlencoded');
    const sent = isForm ? (req.body as Record<string, unknown> | undefined)?._csrf : undefined;
    const expected = csrfTokenOf(req.sessionToken);
    const tokenOk = !isForm || (typeof sent === 'string' && sent.length === expected.length && timingSafeEqual(Buffer.from(sent), Buffer.from(expected)));
    if (from === own && tokenOk) return;
    const why = from !== own ? 'the request does not come from this site (Origin)' : 'the form token is missing or out of date; reload the page';
    if (req.url.startsWith('/api')) return reply.code(403).send({ error: 'forbidden', message: why });
    return reply.code(403).type('text/html; charset=utf-8').send(`<!DOCTYPE html><html lang="zh-CN"><meta charset="utf-8"><title>请求被拒绝</title><p>请求被拒绝：${from !== own ? '请求不是从本站页面发出的' : '表单已过期，请刷新页面后重试'}。<a href="/">返回</a></p></html>`);
  });
}

/** 403 unless the signed-in user has `role` (in public mode nobody is signed in: 401). */
export function requireRole(role: Role) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    if (!req.user) return reply.code(401).send({ error: 'unauthorized', message: 'sign in as an admin' });
    if (req.user.role !== role) return reply.code(403).send({ error: 'forbidden', message: `needs the ${role} role` });
  };
}
