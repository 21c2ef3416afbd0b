import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { recordDocument } from '../../db/record.ts';
import { countRows } from '../../db/document.repository.ts';
import { BACKENDS, clearDatabase, useTestDatabase } from '../helpers/database.ts';
import { articles, makeDocument, punctuationVariant } from '../helpers/documents.ts';

const SEEN = { source: 'https://www.ndrc.gov.cn/xxgk/zcfb/ghxwj/202601/t20260105.html', seenAt: '2026-01-05T08:00:00.000Z' };

describe.each(BACKENDS)('recordDocument on %s', (backend) => {
  const t = useTestDatabase(backend);

  it('records a new document with its version, provisions and source', async () => {
    const r = await recordDocument(t.db, makeDocument(), SEEN);
    expect(r).toMatchObject({ outcome: 'new', seq: 1 });
    expect(await countRows(t.db)).toMatchObject({ documents: 1, versions: 1, provisions: 3, version_sources: 1 });
    const provisions = await t.db.selectFrom('provisions').select(['ord', 'path', 'level']).orderBy('ord').execute();
    expect(provisions.map((p) => p.path)).toEqual(['第一条', '第二条', '第三条']);
  });

  it('adds no version when the same document is recorded twice', async () => {
    const first = await recordDocument(t.db, makeDocument(), SEEN);
    const second = await recordDocument(t.db, makeDocument(), { ...SEEN, seenAt: '2026-01-06T08:00:00.000Z' });
    expect(second).toEqual({ outcome: 'unchanged', documentId: first.documentId, versionId: first.versionId, seq: 1 });
    expect(await countRows(t.db)).toMatchObject({ documents: 1, versions: 1, provisions: 3, version_sources: 1 });
    const vs = await t.db.selectFrom('version_sources').select(['first_seen_at', 'last_seen_at']).executeTakeFirstOrThrow();
    expect(vs.first_seen_at.toISOString()).toBe('2026-01-05T08:00:00.000Z');
    expect(vs.last_seen_at.toISOString()).toBe('2026-01-06T08:00:00.000Z');
  });

  it('adds no version for a copy that differs in punctuation width and spacing only, but records where it was seen', async () => {
    const doc = makeDocument();
    const variant = punctuationVariant(doc);
    expect(variant.text).not.toBe(doc.text);
    await recordDocument(t.db, doc, SEEN);
    const r = await recordDocument(t.db, variant, { source: '/data/copies/ndrc.txt', seenAt: '2026-01-07T00:00:00Z' });
    expect(r.outcome).toBe('unchanged');
    expect(await countRows(t.db)).toMatchObject({ documents: 1, versions: 1, version_sources: 2 });
  });

  it('adds exactly one version, seq 2, for a revised text', async () => {
    const v1 = makeDocument();
    const texts = v1.provisions.map((p) => p.text);
    const v2 = makeDocument({ provisions: articles([texts[0]!, '新增条款：基金投向应当符合国家产业政策。', texts[1]!, texts[2]!]) });
    const a = await recordDocument(t.db, v1, SEEN);
    const b = await recordDocument(t.db, v2, { ...SEEN, seenAt: '2026-02-01T00:00:00Z' });
    const c = await recordDocument(t.db, v2, { ...SEEN, seenAt: '2026-02-02T00:00:00Z' });
    expect(b).toMatchObject({ outcome: 'revised', documentId: a.documentId, seq: 2 });
    expect(c).toMatchObject({ outcome: 'unchanged', versionId: b.versionId, seq: 2 });
    expect(await countRows(t.db)).toMatchObject({ documents: 1, versions: 2, provisions: 7 });
  });

  it('gives a broken document number the identity of the intact one', async () => {
    const intact = makeDocument({ title: '上海市关于促进科技金融发展的若干措施', docNumber: '沪府办规〔2025〕15号', issuers: ['上海市人民政府办公厅'] });
    const broken = { ...intact, docNumber: '沪府办规〔202515', docNumberRaw: '沪府办规〔202515' };
    const spaced = { ...intact, docNumber: '沪府办规[2025] 15 号' };
    const a = await recordDocument(t.db, broken, SEEN);
    const b = await recordDocument(t.db, intact, { source: 'b', seenAt: SEEN.seenAt });
    const c = await recordDocument(t.db, spaced, { source: 'c', seenAt: SEEN.seenAt });
    expect(a.outcome).toBe('new');
    expect([b.outcome, c.outcome]).toEqual(['unchanged', 'unchanged']);
    const docs = await t.db.selectFrom('documents').select(['doc_number', 'identity_key']).execute();
    expect(docs).toEqual([{ doc_number: '沪府办规〔2025〕15号', identity_key: 'no:沪府办规〔2025〕15号' }]);
  });

  it('records a repost at another source as one document seen at two places', async () => {
    const ministry = makeDocument();
    // The provincial 转发 carries no number; it is matched by title and issuers.
    const province = { ...punctuationVariant(ministry), docNumber: null };
    const a = await recordDocument(t.db, ministry, SEEN);
    const b = await recordDocument(t.db, province, { source: 'https://fgw.gd.gov.cn/zcfg/content/post_1.html', seenAt: '2026-01-08T00:00:00Z' });
    expect(b).toMatchObject({ outcome: 'unchanged', documentId: a.documentId, versionId: a.versionId });
    const sources = await t.db.selectFrom('version_sources').select('location').orderBy('id').execute();
    expect(sources.map((s) => s.location)).toEqual([SEEN.source, 'https://fgw.gd.gov.cn/zcfg/content/post_1.html']);
    // A third sighting of the number-less copy takes the cheap path under the key it was matched by.
    const c = await recordDocument(t.db, province, { source: 'https://fgw.gd.gov.cn/zcfg/content/post_1.html', seenAt: '2026-01-09T00:00:00Z' });
    expect(c).toMatchObject({ outcome: 'unchanged', documentId: a.documentId });
    expect(await countRows(t.db)).toMatchObject({ documents: 1, versions: 1, version_sources: 2 });
  });

  it('keeps two number-less documents with the same title but different issuers apart', async () => {
    const a = makeDocument({ title: '关于做好2026年春节期间安全生产工作的通知', docNumber: null, issuers: ['广州市应急管理局'] });
    const b = makeDocument({ title: '关于做好2026年春节期间安全生产工作的通知', docNumber: null, issuers: ['深圳市应急管理局'], text: '另一份文本' });
    await recordDocument(t.db, a, SEEN);
    await recordDocument(t.db, b, SEEN);
    expect((await countRows(t.db)).documents).toBe(2);
  });

  it('leaves one document and one version when two connections record the same document at once', async () => {
    const other = await t.openAnother();
    for (let round = 0; round < 5; round++) {
      await clearDatabase(t.db);
      const doc = makeDocument({ text: `round ${round}` });
      const results = await Promise.all([
        recordDocument(t.db, doc, { source: 'process-a', seenAt: SEEN.seenAt }),
        recordDocument(other, doc, { source: 'process-b', seenAt: SEEN.seenAt }),
      ]);
      expect(results.map((r) => r.outcome).sort()).toEqual(['new', 'unchanged']);
      expect(results[0]!.versionId).toBe(results[1]!.versionId);
      expect(await countRows(t.db)).toMatchObject({ documents: 1, versions: 1, provisions: 3, version_sources: 2 });
    }
  });

  it('leaves one version when two connections record the same revision at once', async () => {
    const other = await t.openAnother();
    await recordDocument(t.db, makeDocument(), SEEN);
    const v2 = makeDocument({ text: 'revised text' });
    const results = await Promise.all([
      recordDocument(t.db, v2, { source: 'a', seenAt: SEEN.seenAt }),
      recordDocument(other, v2, { source: 'b', seenAt: SEEN.seenAt }),
    ]);
    expect(results.map((r) => r.outcome).sort()).toEqual(['revised', 'unchanged']);
    expect(await countRows(t.db)).toMatchObject({ documents: 1, versions: 2 });
  });

  it('leaves no partial rows when a provision violates a constraint', async () => {
    const bad = makeDocument({
      provisions: [...articles(['第一条文本']), { path: 'x', label: 'x', level: 'bogus' as never, text: 't', heading: null }],
    });
    await expect(recordDocument(t.db, bad, SEEN)).rejects.toThrow(/check constraint/);
    expect(await countRows(t.db)).toEqual({ documents: 0, versions: 0, provisions: 0, measures: 0, relations: 0, version_sources: 0 });
    // A revision that fails leaves the first version alone.
    await recordDocument(t.db, makeDocument(), SEEN);
    await expect(recordDocument(t.db, { ...bad, text: 'changed' }, SEEN)).rejects.toThrow(/check constraint/);
    expect(await countRows(t.db)).toMatchObject({ documents: 1, versions: 1, provisions: 3, version_sources: 1 });
  });

  it('records measures with their dates as YYYY-MM-DD strings', async () => {
    const doc = makeDocument({
      measures: [
        { path: '第二条', kind: 'support', startsOn: '2025-05-01', endsOn: '2027-12-31', amounts: ['最高2000万元'], responsible: ['省财政厅'], text: '给予贴息' },
      ],
    });
    const r = await recordDocument(t.db, doc, SEEN);
    const m = await t.db.selectFrom('measures').selectAll().where('version_id', '=', r.versionId).executeTakeFirstOrThrow();
    expect(m).toMatchObject({ ord: 0, kind: 'support', starts_on: '2025-05-01', ends_on: '2027-12-31', amounts: ['最高2000万元'], responsible: ['省财政厅'] });
    const v = await t.db.selectFrom('versions').select(['signed_on', 'effective', 'expires', 'id', 'seq']).executeTakeFirstOrThrow();
    expect(v).toMatchObject({ signed_on: '2025-12-31', effective: '2025-12-31', expires: '2030-12-30' });
    expect(typeof v.id).toBe('number');
    const { rows } = await sql<{ n: number; big: number }>`select count(*) as n, max(id) as big from versions`.execute(t.db);
    expect(rows[0]).toEqual({ n: 1, big: r.versionId });
  });
});

describe.each(BACKENDS)('repeals on %s', (backend) => {
  const t = useTestDatabase(backend);

  const old = makeDocument({
    title: '政府出资产业投资基金管理暂行办法',
    docNumber: '发改财金规〔2016〕2800号',
    signedOn: '2016-12-30',
    text: '旧办法全文',
    validity: { effective: '2017-04-01', expires: null },
  });
  const repealer = makeDocument({
    validity: { effective: '2026-01-01', repeals: [{ title: '政府出资产业投资基金管理暂行办法', docNumber: '发改财金规[2016]2800 号' }] },
  });

  async function target() {
    return t.db.selectFrom('documents').select(['status', 'ended_on', 'repealed_by']).where('identity_key', '=', 'no:发改财金规〔2016〕2800号').executeTakeFirstOrThrow();
  }

  it('marks a repealed document that is already recorded', async () => {
    await recordDocument(t.db, old, SEEN);
    const r = await recordDocument(t.db, repealer, SEEN);
    expect(await target()).toEqual({ status: 'repealed', ended_on: '2026-01-01', repealed_by: r.documentId });
    const rel = await t.db.selectFrom('relations').selectAll().executeTakeFirstOrThrow();
    expect(rel).toMatchObject({ kind: 'repeals', from_document_id: r.documentId, to_doc_number: '发改财金规〔2016〕2800号' });
    expect(rel.to_document_id).not.toBeNull();
  });

  it('marks a repealed document that arrives later', async () => {
    const r = await recordDocument(t.db, repealer, SEEN);
    const rel = await t.db.selectFrom('relations').select('to_document_id').executeTakeFirstOrThrow();
    expect(rel.to_document_id).toBeNull();
    const o = await recordDocument(t.db, old, SEEN);
    expect(await target()).toEqual({ status: 'repealed', ended_on: '2026-01-01', repealed_by: r.documentId });
    expect((await t.db.selectFrom('relations').select('to_document_id').executeTakeFirstOrThrow()).to_document_id).toBe(o.documentId);
  });

  it('matches a repeal named by title only', async () => {
    const byTitle = makeDocument({
      docNumber: '粤金管〔2025〕24号',
      title: '广东省关于金融支持科技创新的若干措施',
      text: 'x',
      validity: { effective: null, repeals: [{ title: '《政府出资产业投资基金管理暂行办法》', docNumber: null }] },
    });
    await recordDocument(t.db, old, SEEN);
    const r = await recordDocument(t.db, byTitle, SEEN);
    // No effective date: the repeal ends the old text from the signing date.
    expect(await target()).toEqual({ status: 'repealed', ended_on: '2025-12-31', repealed_by: r.documentId });
  });

  it('records a repeal once however often the repealing document is seen', async () => {
    await recordDocument(t.db, repealer, SEEN);
    await recordDocument(t.db, repealer, { source: 'elsewhere', seenAt: SEEN.seenAt });
    await recordDocument(t.db, { ...repealer, text: repealer.text + '（修订）' }, SEEN);
    expect((await countRows(t.db)).relations).toBe(1);
  });
});
