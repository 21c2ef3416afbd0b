/**
 * The JSON API over HTTP (fetch against the started server): sign-in required without --public,
 * Bearer tokens, 401/403 by role, sessions that expire and end at logout, the documented shapes;
 * and `serve --public` refused on a non-loopback host.
 */
import type { FastifyInstance } from 'fastify';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { Kysely } from 'kysely';
import { addUser, createSession, issueToken, type UsersDatabase } from '../../db/users.repository.ts';
import { publicHostProblem } from '../../web/server.ts';
import { runCli } from '../cli/run-cli.ts';
import type { TestDatabase } from '../helpers/database.ts';
import { filledDatabase, NUMBER_1752, startServer, UNTRUSTED_NUMBER } from './server-fixture.ts';

describe('HTTP API', () => {
  let t: TestDatabase;
  let server: { app: FastifyInstance; base: string };
  let open: { app: FastifyInstance; base: string };
  let adminToken: string;
  let viewerToken: string;

  beforeAll(async () => {
    t = await filledDatabase();
    server = await startServer(t, { public: false });
    open = await startServer(t, { public: true });
    await addUser(t.db, { name: 'boss', role: 'admin', password: 'admin password 1' });
    await addUser(t.db, { name: 'reader', role: 'viewer', password: 'viewer password 1' });
    adminToken = await issueToken(t.db, 'boss');
    viewerToken = await issueToken(t.db, 'reader');
  });
  afterAll(async () => {
    await server?.app.close();
    await open?.app.close();
    await t?.close();
  });

  const get = (path: string, headers: Record<string, string> = {}, base = server.base) => fetch(`${base}${path}`, { headers, redirect: 'manual' });
  const bearer = (token: string) => ({ authorization: `Bearer ${token}` });

  it('answers 401 without a sign-in, and sends pages to /login', async () => {
    for (const path of ['/api/documents', '/api/documents/1752', '/api/expiring', '/api/openapi.json']) {
      const r = await get(path);
      expect(r.status, path).toBe(401);
      expect(r.headers.get('www-authenticate')).toBe('Bearer');
    }
    const page = await get('/documents/1752');
    expect(page.status).toBe(303);
    expect(page.headers.get('location')).toBe('/login?next=%2Fdocuments%2F1752');
    expect((await get('/api/documents', bearer('pt_not-a-token'))).status).toBe(401);
  });

  it('a Bearer token reads the API; /api/users is 403 for a viewer and 200 for an admin', async () => {
    const r = await get('/api/documents?q=1752', bearer(viewerToken));
    expect(r.status).toBe(200);
    const list = (await r.json()) as { total: number; documents: { docNumber: string; status: string }[] };
    expect(list.total).toBe(1);
    expect(list.documents[0]).toMatchObject({ docNumber: NUMBER_1752, status: 'in_force' });
    expect((await get('/api/users', bearer(viewerToken))).status).toBe(403);
    const users = await get('/api/users', bearer(adminToken));
    expect(users.status).toBe(200);
    const body = await users.text();
    expect(JSON.parse(body).users.map((u: { name: string; role: string }) => [u.name, u.role])).toEqual([['boss', 'admin'], ['reader', 'viewer']]);
    expect(body).not.toMatch(/argon2|password|token_sha/);
    // Reissuing replaces the token.
    const again = await issueToken(t.db, 'reader');
    expect((await get('/api/me', bearer(viewerToken))).status).toBe(401);
    viewerToken = again;
    expect(await (await get('/api/me', bearer(viewerToken))).json()).toEqual({ user: { id: expect.any(Number), name: 'reader', role: 'viewer' } });
  });

  it('search finds a document by a word of its text, in any of its versions, and by a heading', async () => {
    const search = async (q: string) => {
      const r = await get(`/api/documents?q=${encodeURIComponent(q)}`, {}, open.base);
      expect(r.status, q).toBe(200);
      return (await r.json()) as { total: number; totalExact: boolean; documents: { docNumber: string | null; title: string }[] };
    };
    // In both versions of the untrusted policy; in its first version only; in its second only.
    for (const q of ['数据贷', '奖励50万元', '首次突破1亿元']) {
      const list = await search(q);
      expect(list.documents.map((d) => d.docNumber), q).toEqual([UNTRUSTED_NUMBER]);
      expect(list.total, q).toBe(1);
    }
    // The article inserted into the 1752号 办法 by its revision.
    expect((await search('风险约束机制')).documents.map((d) => d.docNumber)).toContain(NUMBER_1752);
    // A heading-only provision (`三、共育国际一流创新生态`): its words are in the heading, not the text.
    expect((await search('共育国际一流创新生态')).total).toBe(1);
    // Two words: both must be in the document (one in an article, one in another).
    expect((await search('数据贷 公共数据平台')).documents.map((d) => d.docNumber)).toEqual([UNTRUSTED_NUMBER]);
    expect((await search('数据贷 风险约束机制')).total).toBe(0);
    expect((await search('不存在的词语甲乙丙')).total).toBe(0);
    // A word in more than 50 texts: the list walks documents newest first and still finds them.
    const common = await search('的');
    expect(common.totalExact).toBe(false);
    expect(common.documents.map((d) => d.docNumber)).toEqual(expect.arrayContaining([NUMBER_1752, UNTRUSTED_NUMBER]));
  });

  it('signs in with a form, sets an HttpOnly SameSite=Lax cookie, and logs out', async () => {
    const bad = await fetch(`${server.base}/login`, { method: 'POST', redirect: 'manual', headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'name=reader&password=nope&next=%2F' });
    expect(bad.status).toBe(303);
    expect(bad.headers.get('location')).toMatch(/^\/login\?failed=1/);
    const ok = await fetch(`${server.base}/login`, {
      method: 'POST',
      redirect: 'manual',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ name: 'reader', password: 'viewer password 1', next: '//evil.example/' }).toString(),
    });
    expect(ok.status).toBe(303);
    expect(ok.headers.get('location')).toBe('/');
    const setCookie = ok.headers.get('set-cookie')!;
    expect(setCookie).toMatch(/^pt_session=[\w-]{43}; /);
    expect(setCookie).toContain('HttpOnly');
    expect(setCookie).toContain('SameSite=Lax');
    const cookie = setCookie.split(';')[0]!;
    const page = await get('/', { cookie });
    expect(page.status).toBe(200);
    const html = await page.text();
    expect(html).toContain('reader');
    expect(html).not.toContain(cookie.split('=')[1]!);
    expect((await get('/api/documents', { cookie })).status).toBe(200);
    // Logging out is a change made with the cookie: it must come from this site with the form token.
    const forged = await fetch(`${server.base}/logout`, { method: 'POST', redirect: 'manual', headers: { cookie, origin: 'https://evil.example' } });
    expect(forged.status).toBe(403);
    expect((await get('/api/documents', { cookie })).status).toBe(200);
    const token = /name="_csrf" value="([\w-]+)"/.exec(html)![1]!;
    const out = await fetch(`${server.base}/logout`, {
      method: 'POST',
      redirect: 'manual',
      headers: { cookie, origin: server.base, 'content-type': 'application/x-www-form-urlencoded' },
      body: `_csrf=${token}`,
    });
    expect(out.status).toBe(303);
    expect((await get('/api/documents', { cookie })).status).toBe(401);
  });

  it('an expired session reads nothing', async () => {
    const users = t.db as unknown as Kysely<UsersDatabase>;
    const user = await users.selectFrom('web_users').select('id').where('name', '=', 'reader').executeTakeFirstOrThrow();
    const s = await createSession(t.db, user.id, 1_000, new Date(Date.now() - 60_000));
    expect((await get('/api/documents', { cookie: `pt_session=${s.token}` })).status).toBe(401);
  });

  it('serves the documented shapes: one document, a diff, expiring, OpenAPI', async () => {
    const h = bearer(adminToken);
    const doc = (await (await get('/api/documents/1752', h)).json()) as { document: { docNumber: string }; validity: { basis: string }; versions: { seq: number; changes: unknown }[] };
    expect(doc.document.docNumber).toBe(NUMBER_1752);
    expect(doc.validity.basis).toContain('有效期5年');
    expect(doc.versions.map((v) => v.seq)).toEqual([1, 2]);
    const diff = (await (await get('/api/documents/1752/diff?from=1&to=2', h)).json()) as { changes: { op: string }[]; summary: Record<string, number> };
    expect(Object.keys(diff)).toEqual(['changes', 'summary', 'document', 'from', 'to']);
    expect(diff.summary).toMatchObject({ added: 1, renumbered: 13, modified: 0 });
    const exp = (await (await get('/api/expiring?on=2027-10-15&within=90d', h)).json()) as { items: { document: { docNumber: string }; endsOn: string }[] };
    expect(exp.items.some((i) => i.document.docNumber === '粤金管〔2025〕24号' && i.endsOn === '2027-12-31')).toBe(true);
    const spec = (await (await get('/api/openapi.json', h)).json()) as { openapi: string; paths: Record<string, unknown> };
    expect(spec.openapi).toMatch(/^3\./);
    expect(Object.keys(spec.paths)).toEqual(expect.arrayContaining(['/api/documents', '/api/documents/{ref}', '/api/documents/{ref}/diff', '/api/expiring']));
    expect((await get('/api/documents?status=bogus', h)).status).toBe(400);
    expect((await get('/api/documents/no-such-thing-at-all', h)).status).toBe(404);
    expect((await get('/api/documents/1752/diff?from=2&to=2', h)).status).toBe(400);
  });

  it('--public reads without signing in, and is refused on another host', async () => {
    expect((await get('/api/documents', {}, open.base)).status).toBe(200);
    expect((await get('/api/users', {}, open.base)).status).toBe(401);
    expect(publicHostProblem('127.0.0.1', true)).toBeNull();
    expect(publicHostProblem('::1', true)).toBeNull();
    expect(publicHostProblem('0.0.0.0', false)).toBeNull();
    const r = await runCli(['serve', '--public', '--host', '0.0.0.0', '--port', '0']);
    expect(r.code).toBe(1);
    expect(r.stderr.trim().split('\n')).toHaveLength(1);
    expect(r.stderr).toContain('--public');
  });
});
