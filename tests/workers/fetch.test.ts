/**
 * Fetching sources against a real HTTP server on 127.0.0.1, with real Redis and Postgres:
 * static, JavaScript-built (Chromium), GBK without a declared charset, listings, 304, 404,
 * 500 then 200, timeouts, redirect loops, oversized bodies, and source health alerts.
 */
import { UnrecoverableError, type Job } from 'bullmq';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { processBytes } from '../../pipeline/index.ts';
import { upsertSource, findSource } from '../../db/source.repository.ts';
import { sourceAlerts } from '../../db/source-health.repository.ts';
import { toJobError } from '../../workers/errors.ts';
import { fetchSource, type FetchOutcome } from '../../workers/fetch-source.ts';
import { ingestProcessor } from '../../workers/ingest.worker.ts';
import { clearDatabase, createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import {
  BULLETIN_TEXT, conditionalPage, gbk, jsBuiltPage, obliterate, POLICY_PHRASE, POLICY_TEXT, startSite, testContext, testPrefix, testWorkerConfig,
  type FixtureSite,
} from './helpers.ts';

let tdb: TestDatabase;
let site: FixtureSite;
let ctx: ReturnType<typeof testContext>;

beforeAll(async () => {
  tdb = await createTestDatabase('postgres');
  site = await startSite();
  ctx = testContext(tdb.db, testWorkerConfig(testPrefix(), { fetchMaxBytes: 200_000, fetchTimeoutMs: 1_000 }));
});
afterAll(async () => {
  await ctx?.close();
  await site?.close();
  await tdb?.close();
});
beforeEach(async () => {
  await clearDatabase(tdb.db);
  await obliterate(ctx.queues);
});

async function source(path: string, opts: { render?: boolean; links?: string; waitFor?: string } = {}) {
  const { source } = await upsertSource(tdb.db, { location: `${site.base}${path}`, everySeconds: 3600, render: opts.render ?? false, linksSelector: opts.links ?? null, waitFor: opts.waitFor ?? null });
  return source;
}

const fetchOnce = (sourceId: number, url?: string): Promise<FetchOutcome> =>
  fetchSource(ctx, url ? { sourceId, url } : { sourceId }, { scheduledAt: null, jobId: 'test' });

async function ingest(snapshotId: number) {
  return ingestProcessor(ctx)({ id: `ingest-test-${snapshotId}`, data: { snapshotId } } as Job<{ snapshotId: number }>);
}

async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (raw) {
    return toJobError(raw);
  }
  throw new Error('expected a failure');
}

describe.sequential('fetching a source', () => {
  it('stores a static page as a snapshot, queues its ingest, and records its document', async () => {
    site.route('/static', (_q, r) => void r.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(POLICY_TEXT));
    const s = await source('/static');
    const out = await fetchOnce(s.id);
    expect(out.kind).toBe('snapshot');
    if (out.kind !== 'snapshot') return;
    expect(await ctx.queues.ingest.getJob(`ingest-${out.sha256}`)).toBeTruthy();
    expect(site.headers.get('/static')![0]!['user-agent']).toMatch(/^policy-tracker\//);
    const r = await ingest(out.snapshotId);
    expect(r.documents.new).toBe(1);
    const doc = await tdb.db.selectFrom('documents').select(['title']).executeTakeFirstOrThrow();
    expect(doc.title).toContain(POLICY_PHRASE);
    // Same bytes again: the job ends early, nothing new stored.
    expect((await fetchOnce(s.id)).kind).toBe('unchanged');
    expect(await tdb.db.selectFrom('snapshots').select('id').execute()).toHaveLength(1);
  });

  it('sends ETag and Last-Modified back and ends early on 304', async () => {
    site.route('/cond', conditionalPage(POLICY_TEXT, 'text/plain; charset=utf-8', '"v1"', 'Wed, 01 Jan 2025 00:00:00 GMT'));
    const s = await source('/cond');
    expect((await fetchOnce(s.id)).kind).toBe('snapshot');
    expect(await fetchOnce(s.id)).toEqual({ kind: 'not-modified' });
    const sent = site.headers.get('/cond')![1]!;
    expect(sent['if-none-match']).toBe('"v1"');
    expect(sent['if-modified-since']).toBe('Wed, 01 Jan 2025 00:00:00 GMT');
    expect((await findSource(tdb.db, s.id))!.lastStatus).toBe(304);
  });

  it('decodes a GBK page that declares no charset', async () => {
    site.route('/gbk', (_q, r) => void r.writeHead(200, { 'content-type': 'text/plain' }).end(gbk(POLICY_TEXT)));
    const s = await source('/gbk');
    const out = await fetchOnce(s.id);
    if (out.kind !== 'snapshot') throw new Error(`expected a snapshot, got ${out.kind}`);
    const snap = await tdb.db.selectFrom('snapshots').select(['charset']).where('id', '=', out.snapshotId).executeTakeFirstOrThrow();
    expect(snap.charset).toBe('gb18030');
    await ingest(out.snapshotId);
    const doc = await tdb.db.selectFrom('documents').select(['title']).executeTakeFirstOrThrow();
    expect(doc.title).toContain(POLICY_PHRASE);
  });

  it('renders a page whose text is built by JavaScript: plain fetch sees nothing, Chromium sees the text', async () => {
    site.route('/js', (_q, r) => void r.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(jsBuiltPage(POLICY_TEXT)));
    const plain = await source('/js');
    const p = await fetchOnce(plain.id);
    if (p.kind !== 'snapshot') throw new Error(`expected a snapshot, got ${p.kind}`);
    const plainBytes = await tdb.db.selectFrom('snapshots').select('bytes').where('id', '=', p.snapshotId).executeTakeFirstOrThrow();
    expect(processBytes(new Uint8Array(plainBytes.bytes), { contentType: 'text/html' }).documents.map((d) => d.title).join()).not.toContain(POLICY_PHRASE);

    const { source: rendered } = await upsertSource(tdb.db, { location: `${site.base}/js?render`, everySeconds: 3600, render: true, waitFor: '#app[data-ready]' });
    const r = await fetchOnce(rendered.id);
    if (r.kind !== 'snapshot') throw new Error(`expected a snapshot, got ${JSON.stringify(r)}`);
    await ingest(r.snapshotId);
    const titles = (await tdb.db.selectFrom('documents').select('title').execute()).map((d) => d.title);
    expect(titles.join()).toContain(POLICY_PHRASE);
  });

  it('follows only the new links of a listing page', async () => {
    let items = ['/doc/a', '/doc/b'];
    site.route('/list', (_q, r) =>
      void r.writeHead(200, { 'content-type': 'text/html; charset=utf-8' })
        .end(`<html><body><ul class="news">${items.map((h) => `<li><a href="${h}">通知</a></li>`).join('')}</ul><a href="/about">关于</a></body></html>`));
    const s = await source('/list', { links: 'ul.news a' });
    expect(await fetchOnce(s.id)).toEqual({ kind: 'listing', links: 2, newLinks: 2 });
    items = ['/doc/c', '/doc/a', '/doc/b'];
    expect(await fetchOnce(s.id)).toEqual({ kind: 'listing', links: 3, newLinks: 1 });
    const jobs = await ctx.queues.fetch.getJobs(['waiting', 'delayed']);
    expect(jobs.map((j) => j.data.url).sort()).toEqual([`${site.base}/doc/a`, `${site.base}/doc/b`, `${site.base}/doc/c`]);
    // A linked page is fetched as a document of the source.
    site.route('/doc/c', (_q, r) => void r.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(BULLETIN_TEXT));
    expect((await fetchOnce(s.id, `${site.base}/doc/c`)).kind).toBe('snapshot');
  });

  it('gives up at once on 404, a redirect loop and an oversized body; retries 500 and timeouts', async () => {
    site.route('/loop', (_q, r) => void r.writeHead(302, { location: '/loop' }).end());
    site.route('/huge', (_q, r) => void r.writeHead(200, { 'content-type': 'text/plain' }).end('政'.repeat(100_000)));
    site.route('/slow', (_q, r) => void setTimeout(() => r.writeHead(200).end(POLICY_TEXT), 3_000));
    let calls = 0;
    site.route('/flaky', (_q, r) => void (++calls === 1 ? r.writeHead(500).end('oops') : r.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(POLICY_TEXT)));

    const e404 = await failure(fetchOnce((await source('/missing')).id));
    expect(e404).toBeInstanceOf(UnrecoverableError);
    expect(e404.message).toMatch(/HTTP 404/);
    const loop = await failure(fetchOnce((await source('/loop')).id));
    expect(loop).toBeInstanceOf(UnrecoverableError);
    expect(loop.message).toMatch(/redirect/i);
    const huge = await failure(fetchOnce((await source('/huge')).id));
    expect(huge).toBeInstanceOf(UnrecoverableError);
    expect(huge.message).toMatch(/limit/);
    const slow = await failure(fetchOnce((await source('/slow')).id));
    expect(slow).not.toBeInstanceOf(UnrecoverableError);
    expect(slow.message).toMatch(/timed out/);

    const flaky = await source('/flaky');
    const e500 = await failure(fetchOnce(flaky.id));
    expect(e500).not.toBeInstanceOf(UnrecoverableError);
    expect(e500.message).toMatch(/HTTP 500/);
    expect((await fetchOnce(flaky.id)).kind).toBe('snapshot');
    expect((await findSource(tdb.db, flaky.id))!.consecutiveFailures).toBe(0);
  });
});

describe.sequential('source health', () => {
  it('raises source-broken after repeated failures and source-recovered when it answers again', async () => {
    let up = false;
    site.route('/down', (_q, r) => void (up ? r.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(POLICY_TEXT) : r.writeHead(503).end('maintenance')));
    const s = await source('/down');
    for (let i = 0; i < 4; i++) await failure(fetchOnce(s.id));
    expect((await findSource(tdb.db, s.id))!).toMatchObject({ health: 'broken', brokenReason: 'failing', consecutiveFailures: 4 });
    up = true;
    expect((await fetchOnce(s.id)).kind).toBe('snapshot');
    expect((await sourceAlerts(tdb.db, s.id)).map((a) => a.kind)).toEqual(['source-broken', 'source-recovered']);
    const sub = await tdb.db.selectFrom('subscriptions').select(['name', 'channel', 'target']).executeTakeFirstOrThrow();
    expect(sub).toEqual({ name: 'operators', channel: 'email', target: 'operators@localhost' });
  });

  it('reports a challenge page, a listing selector that stops matching, and mojibake', async () => {
    site.route('/challenge', (_q, r) => void r.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<html><body><h1>安全验证</h1><p>请完成滑动验证后继续访问</p></body></html>'));
    site.route('/list2', (_q, r) => void r.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end('<html><body><div class="new-layout"><a href="/x">x</a></div></body></html>'));
    // A CMS that double-encodes: UTF-8 bytes read as Latin-1 and written out as UTF-8 again.
    const doubleEncoded = Buffer.from(Buffer.from(POLICY_TEXT, 'utf8').toString('latin1'), 'utf8');
    site.route('/latin', (_q, r) => void r.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(doubleEncoded));
    const c = await source('/challenge');
    const l = await source('/list2', { links: 'ul.news a' });
    const m = await source('/latin');
    expect(await fetchOnce(c.id)).toMatchObject({ kind: 'broken', reason: 'blocked' });
    expect(await fetchOnce(l.id)).toMatchObject({ kind: 'broken', reason: 'selector' });
    expect(await fetchOnce(m.id)).toMatchObject({ kind: 'broken', reason: 'mojibake' });
    // Still broken on the next tick: no second alert.
    expect(await fetchOnce(c.id)).toMatchObject({ kind: 'broken', reason: 'blocked' });
    for (const s of [c, l, m]) expect((await sourceAlerts(tdb.db, s.id)).map((a) => a.kind)).toEqual(['source-broken']);
  });
});
