/**
 * Pages and API of alerts, subscriptions and sources. Changes are POST (forms: `_csrf` and the
 * Origin check of web/auth.ts; API: Bearer token, or the cookie with the Origin check) or DELETE.
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import type { Kysely } from 'kysely';
import type { AlertStatus, Database } from '../db/schema.ts';
import { deleteSource, findSource, listSources, upsertSource, type Source } from '../db/source.repository.ts';
import { parseEvery } from '../cli/sources.command.ts';
import {
  ALERT_STATUSES,
  alertsFor,
  createSubscription,
  NotFoundError,
  removeSubscription,
  retryAlerts,
  subscriptionFor,
  subscriptionsFor,
  type DeliverFn,
} from './alerts.ts';
import { requireRole } from './auth.ts';
import { alertsPage, subscriptionsPage, type SubscriptionForm } from './pages/alerts.ts';
import { BadParameterError, int, str, type Query } from './params.ts';
import { ctxOf } from './routes.ts';

const HTML = 'text/html; charset=utf-8';

/** What the server can do in Redis, when it can reach it (serve opens the queues; tests may not). */
export interface QueueActions {
  /** Queues alert deliveries; false when Redis cannot be reached now. */
  readonly deliver: DeliverFn;
  /** Creates or removes a source's job scheduler; false when Redis cannot be reached now. */
  readonly schedule: (source: Source) => Promise<boolean>;
  readonly unschedule: (sourceId: number) => Promise<boolean>;
}

function alertStatus(q: Query): AlertStatus | undefined {
  const v = str(q, 'status');
  if (v === undefined) return undefined;
  if (!(ALERT_STATUSES as readonly string[]).includes(v)) throw new BadParameterError(`status must be one of ${ALERT_STATUSES.join(', ')}, got "${v}"`);
  return v as AlertStatus;
}

function idParam(v: string, what: string): number {
  if (!/^\d{1,15}$/.test(v)) throw new BadParameterError(`${what} id must be a number, got "${v.slice(0, 40)}"`);
  return Number(v);
}

function retryNotice(r: { retried: number[]; queued: boolean }): string {
  if (r.retried.length === 0) return '没有需要重新发送的告警。';
  return r.queued
    ? `已将 ${r.retried.length} 条告警重新放入发送队列（#${r.retried.join('、#')}）。`
    : `已将 ${r.retried.length} 条告警改为待发送（#${r.retried.join('、#')}）；发送队列暂时连不上，worker 运行后会发送。`;
}

/** Pages send the reader to sign in instead of answering 401. */
function needsSignIn(req: FastifyRequest, reply: FastifyReply, back: string): boolean {
  if (req.user) return false;
  void reply.redirect(`/login?next=${encodeURIComponent(back)}`, 303);
  return true;
}

export function registerAlertPages(app: FastifyInstance, db: Kysely<Database>, actions: QueueActions | null): void {
  const deliver = actions?.deliver ?? null;

  app.get('/alerts', async (req, reply) => {
    const q = req.query as Query;
    const status = alertStatus(q);
    const page = await alertsFor(db, req.user, { status, subscriptionId: int(q, 'subscription', 1, Number.MAX_SAFE_INTEGER), beforeId: int(q, 'before', 1, Number.MAX_SAFE_INTEGER) });
    return reply.type(HTML).header('cache-control', 'no-store').send(alertsPage(ctxOf(req, 'alerts'), { page, status }));
  });

  const afterRetry = async (req: FastifyRequest, reply: FastifyReply, ids: number[] | null) => {
    if (needsSignIn(req, reply, '/alerts')) return reply;
    let notice: string;
    try {
      notice = retryNotice(await retryAlerts(db, req.user, ids, deliver));
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
      notice = `告警 #${ids?.join('、#')} 不是你可以重新发送的失败告警（可能已经重新发送过）。`;
    }
    const page = await alertsFor(db, req.user, {});
    return reply.type(HTML).header('cache-control', 'no-store').send(alertsPage(ctxOf(req, 'alerts'), { page, notice }));
  };
  app.post<{ Params: { id: string } }>('/alerts/:id/retry', async (req, reply) => afterRetry(req, reply, [idParam(req.params.id, 'alert')]));
  app.post('/alerts/retry', async (req, reply) => afterRetry(req, reply, null));

  app.get('/subscriptions', async (req, reply) => {
    const subscriptions = await subscriptionsFor(db, req.user);
    return reply.type(HTML).header('cache-control', 'no-store').send(subscriptionsPage(ctxOf(req, 'subscriptions'), { subscriptions }));
  });

  app.post('/subscriptions', async (req, reply) => {
    if (needsSignIn(req, reply, '/subscriptions')) return reply;
    const body = (req.body ?? {}) as Record<string, unknown>;
    const ctx = ctxOf(req, 'subscriptions');
    try {
      const created = await createSubscription(db, req.user, body);
      const subscriptions = await subscriptionsFor(db, req.user);
      // The secret is on this answer only: never cached, never in a URL.
      return reply.type(HTML).header('cache-control', 'no-store').send(subscriptionsPage(ctx, { subscriptions, created }));
    } catch (err) {
      if (!(err instanceof BadParameterError)) throw err;
      const { _csrf: _, ...form } = body;
      const subscriptions = await subscriptionsFor(db, req.user);
      return reply
        .code(400)
        .type(HTML)
        .header('cache-control', 'no-store')
        .send(subscriptionsPage(ctx, { subscriptions, form: form as SubscriptionForm, error: `没有保存：${err.message}` }));
    }
  });

  app.post<{ Params: { id: string } }>('/subscriptions/:id/delete', async (req, reply) => {
    if (needsSignIn(req, reply, '/subscriptions')) return reply;
    const id = idParam(req.params.id, 'subscription');
    let notice: string;
    try {
      await removeSubscription(db, req.user, id);
      notice = `已停止订阅 #${id}；尚未发出的告警不再发送。`;
    } catch (err) {
      if (!(err instanceof NotFoundError)) throw err;
      notice = `没有可以停止的订阅 #${id}。`;
    }
    const subscriptions = await subscriptionsFor(db, req.user);
    return reply.type(HTML).header('cache-control', 'no-store').send(subscriptionsPage(ctxOf(req, 'subscriptions'), { subscriptions, notice }));
  });
}

export function registerAlertsApi(app: FastifyInstance, db: Kysely<Database>, actions: QueueActions | null): void {
  const deliver = actions?.deliver ?? null;

  app.get('/api/subscriptions', async (req) => ({ subscriptions: await subscriptionsFor(db, req.user, { all: str(req.query as Query, 'all') === '1' }) }));

  app.get<{ Params: { id: string } }>('/api/subscriptions/:id', async (req) => ({ subscription: await subscriptionFor(db, req.user, idParam(req.params.id, 'subscription')) }));

  app.post('/api/subscriptions', async (req, reply) => {
    const r = await createSubscription(db, req.user, (req.body ?? {}) as Record<string, unknown>);
    // `secret` is handed out here once (webhooks), as `subscribe` prints it once.
    return reply.code(r.created ? 201 : 200).header('cache-control', 'no-store').send(r);
  });

  app.delete<{ Params: { id: string } }>('/api/subscriptions/:id', async (req, reply) => {
    await removeSubscription(db, req.user, idParam(req.params.id, 'subscription'));
    return reply.code(204).send();
  });

  app.get('/api/alerts', async (req) => {
    const q = req.query as Query;
    return alertsFor(db, req.user, {
      status: alertStatus(q),
      subscriptionId: int(q, 'subscription', 1, Number.MAX_SAFE_INTEGER),
      beforeId: int(q, 'before', 1, Number.MAX_SAFE_INTEGER),
      limit: int(q, 'limit', 1, 500),
    });
  });

  app.post<{ Params: { id: string } }>('/api/alerts/:id/retry', async (req) => retryAlerts(db, req.user, [idParam(req.params.id, 'alert')], deliver));
  app.post('/api/alerts/retry', async (req) => retryAlerts(db, req.user, null, deliver));

  app.get('/api/sources', async (req) => ({ sources: await listSources(db, { all: str(req.query as Query, 'all') === '1' }) }));

  app.post('/api/sources', { preHandler: requireRole('admin') }, async (req, reply) => {
    const body = (req.body ?? {}) as Record<string, unknown>;
    const text = (name: string) => {
      const v = body[name];
      if (v === undefined || v === null || v === '') return null;
      if (typeof v !== 'string') throw new BadParameterError(`${name} expects text`);
      return v.trim();
    };
    const url = text('url');
    if (!url) throw new BadParameterError('url: give the http(s) address of the page');
    let parsed: URL;
    try {
      parsed = new URL(url);
    } catch {
      throw new BadParameterError(`url "${url.slice(0, 200)}" is not a URL`);
    }
    if (parsed.protocol !== 'http:' && parsed.protocol !== 'https:') throw new BadParameterError('url must be http(s)');
    let everySeconds: number;
    try {
      everySeconds = parseEvery(text('every') ?? '');
    } catch {
      throw new BadParameterError('every expects a period like 90s, 15m, 1h or 1d');
    }
    if (body.render !== undefined && typeof body.render !== 'boolean') throw new BadParameterError('render expects true or false');
    const { source, created } = await upsertSource(db, { location: parsed.toString(), everySeconds, render: body.render === true, linksSelector: text('links'), waitFor: text('waitFor') });
    const scheduled = actions ? await actions.schedule(source).catch(() => false) : false;
    return reply.code(created ? 201 : 200).send({ source, created, scheduled });
  });

  app.delete<{ Params: { id: string } }>('/api/sources/:id', { preHandler: requireRole('admin') }, async (req, reply) => {
    const id = idParam(req.params.id, 'source');
    const source = await findSource(db, id);
    if (!source) throw new NotFoundError(`no source #${id}`);
    await deleteSource(db, id);
    if (actions) await actions.unschedule(id).catch(() => false);
    return reply.code(204).send();
  });
}
