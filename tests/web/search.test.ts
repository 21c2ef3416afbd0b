/**
 * The document list's text search on both backends (Postgres with the pg_trgm indexes of
 * migration 0016, PGlite without them): a document is found by a word of the text of any of its
 * versions — an article, a heading, or the whole text of a page without provisions (news).
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestOne } from '../../cli/ingest.command.ts';
import { searchDocuments } from '../../db/web.repository.ts';
import { SEED_002, UNTRUSTED_V1, UNTRUSTED_V2 } from '../fixtures/diff/revisions.ts';
import { BACKENDS, createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { UNTRUSTED_NUMBER } from './server-fixture.ts';

const NEWS = `测试市召开数据服务企业座谈会

  近日，测试市组织召开数据服务企业座谈会，二十余家企业负责人参加，围绕算力调度与数据流通交流意见。
  会议通报了本市数据产业发展情况，听取企业对营商环境的建议。
`;

describe.each(BACKENDS)('list search by text on %s', (backend) => {
  let t: TestDatabase;
  const work = mkdtempSync(join(tmpdir(), 'pt-search-'));

  beforeAll(async () => {
    t = await createTestDatabase(backend);
    const news = join(work, 'news.txt');
    writeFileSync(news, NEWS);
    for (const f of [SEED_002, UNTRUSTED_V1, UNTRUSTED_V2, news]) expect((await ingestOne(t.db, f)).error).toBeNull();
  });
  afterAll(async () => {
    await t?.close();
    rmSync(work, { recursive: true, force: true });
  });

  const search = (q: string) => searchDocuments(t.db, { q, on: '2026-06-01' });

  it('finds a document by a word of any of its versions, and by a heading', async () => {
    for (const q of ['数据贷', '奖励50万元', '首次突破1亿元']) {
      const page = await search(q);
      expect(page.documents.map((d) => d.docNumber), q).toEqual([UNTRUSTED_NUMBER]);
      expect(page.total, q).toBe(1);
    }
    expect((await search('共育国际一流创新生态')).total).toBe(1);
    expect((await search('数据贷 风险约束机制')).total).toBe(0);
  });

  it('finds a page without provisions by a word of its text', async () => {
    const page = await search('二十余家企业负责人');
    expect(page.documents.map((d) => d.title)).toEqual(['测试市召开数据服务企业座谈会']);
    expect(page.documents[0]!.kind).toBe('news');
  });

  it('a word in more than 50 texts still finds every document that has it', async () => {
    const page = await search('的');
    expect(page.totalExact).toBe(false);
    expect(page.documents.map((d) => d.docNumber)).toContain(UNTRUSTED_NUMBER);
    expect(page.documents.map((d) => d.title)).toContain('测试市召开数据服务企业座谈会');
  });
});
