/**
 * Alerts, subscriptions, sources and the queue dashboard over HTTP, against the running server
 * on a real Postgres and Redis: per-user subscriptions (viewers see their own, admins all),
 * secrets never in an answer after the one that creates them, a failed alert listed with its
 * error and retried into the real deliver queue, changes refused across sites, sources for
 * admins only, /admin/queues for admins only (also with --public).
 */
import { randomUUID } from 'node:crypto';
import type { FastifyInstance } from 'fastify';
import { Redis } from 'ioredis';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertsDb } from '../../db/alerts.repository.ts';
import { saveSubscription } from '../../db/subscriptions.repository.ts';
import { addUser, issueToken } from '../../db/users.repository.ts';
import { closeQueues, jobIds, openQueues, type Queues } from '../../workers/queues.ts';
import type { TestDatabase } from '../helpers/database.ts';
import { documentId, filledDatabase, insertFailedAlert, NUMBER_1752, startServer } from './server-fixture.ts';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

describe('alerts, subscriptions, sources and the queue dashboard over HTTP', () => {
  let t: TestDatabase;
  let redis: Redis;
  let queues: Queues;
  let server: { app: FastifyInstance; base: string };
  let open: { app: FastifyInstance; base: string };
  let noRedis: { app: FastifyInstance; base: string };
  const tokens: Record<string, string> = {};
  let docId: number;

  beforeAll(async () => {
    t = await filledDatabase();
    redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    queues = openQueues(redis, `{pt-web-test-${randomUUID().slice(0, 8)}}`, { attempts: 3, backoffMs: 100 });
    const ready = { queues, ready: () => redis.status === 'ready' };
    server = await startServer(t, { public: false, queues: ready });
    open = await startServer(t, { public: true, queues: ready });
    noRedis = await startServer(t, { public: false });
    for (const [name, role] of [['boss', 'admin'], ['reader', 'viewer'], ['other', 'viewer']] as const) {
      await addUser(t.db, { name, role, password: `${name} password 1` });
      tokens[name] = await issueToken(t.db, name);
    }
    docId = await documentId(t, NUMBER_1752);
  });
  afterAll(async () => {
    await server?.app.close();
    await open?.app.close();
    await noRedis?.app.close();
    if (queues) {
      for (const q of Object.values(queues)) await q.obliterate({ force: true }).catch(() => {});
      await closeQueues(queues);
    }
    await redis?.quit();
    await t?.close();
  });

  const call = (method: string, path: string, who: string | null, body?: unknown, base = server.base) =>
    fetch(`${base}${path}`, {
      method,
      redirect: 'manual',
      headers: { ...(who ? { authorization: `Bearer ${tokens[who]}` } : {}), ...(body !== undefined ? { 'content-type': 'application/json' } : {}) },
      body: body === undefined ? undefined : JSON.stringify(body),
    });

  it('a viewer subscribes with the filters of `subscribe`; the secret is in that answer only; others do not see it', async () => {
    const r = await call('POST', '/api/subscriptions', 'reader', {
      webhook: 'https://hooks.example.com/services/T0001/B0002/abcdefghijklmnopqrstuvwx?key=secret-query',
      name: '广东金融',
      regions: '广东',
      numberPrefixes: ['粤金管'],
      kinds: 'new,expiring',
      warnDays: '30,90',
      changes: ['amount'],
    });
    expect(r.status).toBe(201);
    const created = (await r.json()) as { subscription: { id: number; filters: unknown; target: string; owner: string; hasSecret: boolean }; secret: string };
    expect(created.secret).toMatch(/^[0-9a-f]{64}$/);
    expect(created.subscription).toMatchObject({
      owner: 'reader',
      hasSecret: true,
      target: 'https://hooks.example.com/services/T0001/B0002/abcd…?…',
      filters: { regions: ['广东'], numberPrefixes: ['粤金管'], alertKinds: ['new', 'expiring'], warnDays: [90, 30], changes: ['amount'] },
    });
    // The same address by another user is another subscription, not a replacement.
    const theirs = await call('POST', '/api/subscriptions', 'other', { channel: 'email', target: 'team@example.com', issuers: '财政部、国家发展改革委' });
    expect(theirs.status).toBe(201);
    expect(((await theirs.json()) as { subscription: { filters: unknown } }).subscription.filters).toEqual({ issuers: ['财政部', '国家发展改革委'] });
    const mine = await call('POST', '/api/subscriptions', 'reader', { channel: 'email', target: 'team@example.com' });
    expect(mine.status).toBe(201);
    await saveSubscription(t.db, { channel: 'email', target: 'cli@example.com', name: 'made by the CLI', filters: {}, secret: null });

    const readerList = await (await call('GET', '/api/subscriptions', 'reader')).text();
    expect(JSON.parse(readerList).subscriptions.map((s: { name: string }) => s.name)).toEqual(['广东金融', 'team@example.com']);
    expect(readerList).not.toContain(created.secret);
    expect(readerList).not.toContain('abcdefghijklmnop');
    expect(readerList).not.toContain('secret-query');
    const otherList = (await (await call('GET', '/api/subscriptions', 'other')).json()) as { subscriptions: { owner: string }[] };
    expect(otherList.subscriptions.map((s) => s.owner)).toEqual(['other']);
    const adminList = (await (await call('GET', '/api/subscriptions', 'boss')).json()) as { subscriptions: { owner: string | null; userId: number | null }[] };
    expect(adminList.subscriptions.map((s) => s.owner)).toEqual(['reader', 'other', 'reader', null]);
    // A viewer cannot stop someone else's subscription; its owner can.
    const otherId = ((await (await call('GET', '/api/subscriptions', 'other')).json()) as { subscriptions: { id: number }[] }).subscriptions[0]!.id;
    expect((await call('DELETE', `/api/subscriptions/${otherId}`, 'reader')).status).toBe(404);
    expect((await call('GET', `/api/subscriptions/${otherId}`, 'reader')).status).toBe(404);
    expect((await call('DELETE', `/api/subscriptions/${otherId}`, 'other')).status).toBe(204);
    expect(((await (await call('GET', '/api/subscriptions', 'other')).json()) as { subscriptions: unknown[] }).subscriptions).toEqual([]);
  });

  it('refuses a bad subscription with 400 naming the field, and writes nothing', async () => {
    const before = await t.db.selectFrom('subscriptions').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    for (const [body, field] of [
      [{ channel: 'webhook', target: 'ftp://example.com/x' }, 'http(s)'],
      [{ channel: 'email', target: 'not an address' }, 'e-mail'],
      [{ webhook: 'https://example.com/h', kinds: 'new,sometimes' }, 'kinds'],
      [{ webhook: 'https://example.com/h', warnDays: '90,soon' }, 'warnDays'],
      [{}, 'channel'],
    ] as const) {
      const r = await call('POST', '/api/subscriptions', 'reader', body);
      expect(r.status, JSON.stringify(body)).toBe(400);
      expect(((await r.json()) as { message: string }).message).toContain(field);
    }
    const after = await t.db.selectFrom('subscriptions').select((eb) => eb.fn.countAll<string>().as('n')).executeTakeFirstOrThrow();
    expect(after.n).toBe(before.n);
    // Nobody signed in (public mode) cannot subscribe.
    expect((await call('POST', '/api/subscriptions', null, { email: 'x@example.com' }, open.base)).status).toBe(401);
  });

  it('lists a failed alert with its error to its owner and admins, and a retry puts it in the deliver queue', async () => {
    const sub = ((await (await call('GET', '/api/subscriptions', 'reader')).json()) as { subscriptions: { id: number }[] }).subscriptions[0]!;
    const alertId = await insertFailedAlert(t, sub.id, docId, 'HTTP 500 Internal Server Error from the receiver');
    const list = (await (await call('GET', '/api/alerts?status=failed', 'reader')).json()) as { alerts: { id: number; lastError: string; attempts: number; summary: string; response: string }[]; counts: { failed: number } };
    expect(list.counts.failed).toBe(1);
    expect(list.alerts[0]).toMatchObject({ id: alertId, attempts: 5, lastError: 'HTTP 500 Internal Server Error from the receiver' });
    expect(list.alerts[0]!.summary).toContain(NUMBER_1752);
    expect(list.alerts[0]!.response).toContain('receiver down');
    expect(((await (await call('GET', '/api/alerts', 'other')).json()) as { alerts: unknown[] }).alerts).toEqual([]);
    expect(((await (await call('GET', '/api/alerts', 'boss')).json()) as { alerts: { id: number }[] }).alerts.map((a) => a.id)).toContain(alertId);

    expect((await call('POST', `/api/alerts/${alertId}/retry`, 'other')).status).toBe(404);
    const r = await call('POST', `/api/alerts/${alertId}/retry`, 'reader');
    expect(r.status).toBe(200);
    expect(await r.json()).toEqual({ retried: [alertId], queued: true });
    const job = await queues.deliver.getJob(jobIds.deliver(alertId));
    expect(job?.data).toEqual({ alertId });
    const row = await alertsDb(t.db).selectFrom('alerts').select(['status', 'attempts']).where('id', '=', alertId).executeTakeFirstOrThrow();
    expect(row).toEqual({ status: 'pending', attempts: 5 });
    // Not failed any more: a second retry has nothing to do.
    expect((await call('POST', `/api/alerts/${alertId}/retry`, 'reader')).status).toBe(404);
  });

  it('a change made with the session cookie must come from this site', async () => {
    const login = await fetch(`${server.base}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ name: 'reader', password: 'reader password 1', next: '/' }).toString(),
    });
    const cookie = login.headers.get('set-cookie')!.split(';')[0]!;
    const json = { cookie, 'content-type': 'application/json' };
    const body = JSON.stringify({ email: 'csrf@example.com' });
    expect((await fetch(`${server.base}/api/subscriptions`, { method: 'POST', headers: { ...json, origin: 'https://evil.example' }, body })).status).toBe(403);
    expect((await fetch(`${server.base}/api/subscriptions`, { method: 'POST', headers: json, body })).status).toBe(403);
    // A form from another site: no Origin match, no token.
    const form = { cookie, 'content-type': 'application/x-www-form-urlencoded', origin: server.base };
    expect((await fetch(`${server.base}/subscriptions`, { method: 'POST', headers: form, body: 'channel=email&target=csrf%40example.com' })).status).toBe(403);
    expect((await fetch(`${server.base}/subscriptions`, { method: 'POST', headers: form, body: 'channel=email&target=csrf%40example.com&_csrf=forged' })).status).toBe(403);
    expect(await t.db.selectFrom('subscriptions').select('id').where('target', '=', 'csrf@example.com').execute()).toEqual([]);
    const ok = await fetch(`${server.base}/api/subscriptions`, { method: 'POST', headers: { ...json, origin: server.base }, body });
    expect(ok.status).toBe(201);
  });

  it('sources: anyone signed in lists them, only admins add and remove', async () => {
    const add = { url: 'https://www.gov.cn/zhengce/zuixin/', every: '1h', links: '.list a' };
    expect((await call('POST', '/api/sources', 'reader', add)).status).toBe(403);
    expect((await call('POST', '/api/sources', null, add, open.base)).status).toBe(401);
    expect((await call('POST', '/api/sources', 'boss', { url: 'https://www.gov.cn/', every: 'often' })).status).toBe(400);
    const r = await call('POST', '/api/sources', 'boss', add);
    expect(r.status).toBe(201);
    const { source, scheduled } = (await r.json()) as { source: { id: number; everySeconds: number; kind: string }; scheduled: boolean };
    expect(source).toMatchObject({ everySeconds: 3600, kind: 'listing' });
    expect(scheduled).toBe(true);
    expect((await queues.fetch.getJobSchedulers()).map((s) => s.key)).toContain(`source-${source.id}`);
    const list = (await (await call('GET', '/api/sources', 'reader')).json()) as { sources: { location: string }[] };
    expect(list.sources.map((s) => s.location)).toEqual(['https://www.gov.cn/zhengce/zuixin/']);
    expect((await call('DELETE', `/api/sources/${source.id}`, 'reader')).status).toBe(403);
    expect((await call('DELETE', `/api/sources/${source.id}`, 'boss')).status).toBe(204);
    expect((await queues.fetch.getJobSchedulers()).map((s) => s.key)).not.toContain(`source-${source.id}`);
    expect((await call('DELETE', `/api/sources/${source.id}`, 'boss')).status).toBe(404);
  });

  it('/admin/queues: admins only (sign-in asked for, also with --public), 503 without Redis', async () => {
    for (const base of [server.base, open.base]) {
      const anon = await fetch(`${base}/admin/queues`, { redirect: 'manual' });
      expect(anon.status).toBe(303);
      expect(anon.headers.get('location')).toBe('/login?next=%2Fadmin%2Fqueues');
    }
    expect((await call('GET', '/admin/queues', 'reader')).status).toBe(403);
    expect((await call('GET', '/admin/queues/api/queues', 'reader')).status).toBe(403);
    const page = await call('GET', '/admin/queues', 'boss');
    expect(page.status).toBe(200);
    expect(await page.text()).toContain('policy-tracker');
    const api = await call('GET', '/admin/queues/api/queues', 'boss');
    expect(api.status).toBe(200);
    const names = ((await api.json()) as { queues: { name: string }[] }).queues.map((q) => q.name).sort();
    expect(names).toEqual(['alert-scan', 'deliver', 'fetch', 'ingest']);
    expect((await call('GET', '/admin/queues', 'boss', undefined, noRedis.base)).status).toBe(503);
    expect((await call('GET', '/admin/queues', 'reader', undefined, noRedis.base)).status).toBe(403);
  });

  it('the OpenAPI document describes the new endpoints, and no answer carries a secret', async () => {
    const doc = (await (await call('GET', '/api/openapi.json', 'reader')).json()) as { paths: Record<string, Record<string, unknown>> };
    for (const [path, methods] of [
      ['/api/subscriptions', ['get', 'post']],
      ['/api/subscriptions/{id}', ['get', 'delete']],
      ['/api/alerts', ['get']],
      ['/api/alerts/{id}/retry', ['post']],
      ['/api/sources', ['get', 'post']],
      ['/api/sources/{id}', ['delete']],
    ] as const) {
      for (const m of methods) expect(doc.paths[path]?.[m], `${m} ${path}`).toBeDefined();
    }
    const secrets = (await t.db.selectFrom('subscriptions').select('secret').where('secret', 'is not', null).execute()).map((r) => r.secret!);
    expect(secrets.length).toBeGreaterThan(0);
    for (const path of ['/api/subscriptions?all=1', '/api/alerts', '/api/users', '/api/sources?all=1']) {
      const text = await (await call('GET', path, 'boss')).text();
      for (const s of secrets) expect(text, path).not.toContain(s);
      expect(text, path).not.toMatch(/argon2|password_hash|token_sha256/);
    }
  });
});
