/**
 * Who is asking: a Bearer API token, else the session cookie. Without `--public` every route but
 * the sign-in page answers 401 (API) or redirects to /login (pages) when nobody is signed in.
 * Secrets never reach a page or a log line: the cookie and the Authorization header are not
 * logged (Fastify's request serializer leaves headers out), tokens are stored hashed.
 */
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
    const body = (req.body ?? {}) as Record<string, string | undefined>;
    const next = safeNext(body.next);
    const user = body.name && body.password ? await verifyPassword(db, body.name, body.password) : null;
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

/** 403 unless the signed-in user has `role` (in public mode nobody is signed in: 401). */
export function requireRole(role: Role) {
  return async (req: FastifyRequest, reply: FastifyReply) => {
    if (!req.user) return reply.code(401).send({ error: 'unauthorized', message: 'sign in as an admin' });
    if (req.user.role !== role) return reply.code(403).send({ error: 'forbidden', message: `needs the ${role} role` });
  };
}
