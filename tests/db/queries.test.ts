import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { recordDocument } from '../../db/record.ts';
import { processText } from '../../pipeline/index.ts';
import { documentHistory, findDocument, listDocuments, textInForce } from '../../db/document.repository.ts';
import { AmbiguousDocumentError, DocumentNotFoundError } from '../../db/errors.ts';
import { BACKENDS, useTestDatabase } from '../helpers/database.ts';
import { articles, makeDocument } from '../helpers/documents.ts';

const MINISTRY = 'https://www.ndrc.gov.cn/xxgk/zcfb/ghxwj/202601/t20260105.html';
const PROVINCE = 'https://fgw.gd.gov.cn/zcfg/content/post_4800000.html';

describe.each(BACKENDS)('queries on %s', (backend) => {
  const t = useTestDatabase(backend);

  /** v1 in force from 2025-12-31; v2 published 2026-03-01, in force from 2026-07-01. */
  async function revisedLater() {
    const v1 = makeDocument();
    const v2 = makeDocument({
      signedOn: '2026-03-01',
      provisions: articles(['修订后的第一条。', '第二条。', '第三条。']),
      validity: { effective: '2026-07-01', expires: '2031-06-30' },
    });
    const a = await recordDocument(t.db, v1, { source: MINISTRY, seenAt: '2026-01-05T08:00:00Z' });
    await recordDocument(t.db, v1, { source: PROVINCE, seenAt: '2026-01-06T08:00:00Z' });
    await recordDocument(t.db, v2, { source: MINISTRY, seenAt: '2026-03-02T08:00:00Z' });
    return a.documentId;
  }

  it('lists documents with status, dates and version counts as numbers', async () => {
    const id = await revisedLater();
    const news = await recordDocument(t.db, makeDocument({ kind: 'news', title: '科技金融新闻一则', docNumber: null, issuers: [], signedOn: null, validity: { effective: null, expires: null } }), { source: 'n', seenAt: '2026-01-01T00:00:00Z' });
    const { documents } = await listDocuments(t.db, { on: '2026-04-01' });
    expect(documents).toEqual([
      {
        id,
        docNumber: '发改财金规〔2025〕1752号',
        title: '关于加强政府投资基金布局规划和投向指导的工作办法（试行）',
        kind: 'policy',
        issuers: ['国家发展改革委', '财政部'],
        status: 'in_force',
        // The revision takes effect only on 2026-07-01: the first version's dates still apply.
        effective: '2025-12-31',
        expires: '2030-12-30',
        versions: 2,
        signedOn: '2025-12-31',
        endedOn: null,
        repealedBy: null,
      },
      expect.objectContaining({ id: news.documentId, kind: 'news', status: 'unknown', versions: 1, effective: null }),
    ]);
    const later = await listDocuments(t.db, { on: '2026-08-01' });
    expect(later.documents[0]).toMatchObject({ status: 'in_force', effective: '2026-07-01', expires: '2031-06-30', signedOn: '2026-03-01' });
    expect((await listDocuments(t.db, { on: '2025-01-01' })).documents[0]!.status).toBe('pending');
    expect((await listDocuments(t.db, { on: '2032-01-01' })).documents[0]!.status).toBe('expired');
  });

  it('gives the history with where each version was seen', async () => {
    await revisedLater();
    const h = await documentHistory(t.db, '发改财金规[2025]1752号', { on: '2026-04-01' });
    expect(h.document).toMatchObject({ docNumber: '发改财金规〔2025〕1752号', versions: 2, status: 'in_force' });
    expect(h.versions).toHaveLength(2);
    expect(h.versions[0]).toMatchObject({ seq: 1, signedOn: '2025-12-31', seenAt: '2026-01-05T08:00:00.000Z', sources: [MINISTRY, PROVINCE] });
    expect(h.versions[1]).toMatchObject({ seq: 2, signedOn: '2026-03-01', seenAt: '2026-03-02T08:00:00.000Z', sources: [MINISTRY] });
    expect(h.versions[0]!.sha256).toMatch(/^[0-9a-f]{64}$/);
    expect(h.versions[0]!.sha256).not.toBe(h.versions[1]!.sha256);
    // The JSON contract round-trips.
    expect(JSON.parse(JSON.stringify(h))).toEqual(h);
  });

  it('shows the text in force on a day: a later-effective revision does not replace it early', async () => {
    await revisedLater();
    const before = await textInForce(t.db, '政府投资基金布局', '2026-04-01');
    expect(before.version).toMatchObject({ seq: 1, effective: '2025-12-31' });
    expect(before.version!.provisions.map((p) => p.path)).toEqual(['第一条', '第二条', '第三条']);
    expect(before.version!.provisions[0]).toEqual({ path: '第一条', label: '第一条', level: 'article', heading: null, text: makeDocument().provisions[0]!.text });
    const after = await textInForce(t.db, '政府投资基金布局', '2026-07-01');
    expect(after.version).toMatchObject({ seq: 2, effective: '2026-07-01' });
    expect(after.version!.provisions[0]!.text).toBe('修订后的第一条。');
    const tooEarly = await textInForce(t.db, '政府投资基金布局', '2024-01-01');
    expect(tooEarly.version).toBeNull();
    expect(tooEarly.document.status).toBe('pending');
  });

  it('finds a document by id, by number in any bracket style, and by a unique part of its title', async () => {
    const id = await revisedLater();
    await recordDocument(t.db, makeDocument({ title: '广东省关于政府投资基金的若干措施', docNumber: '粤金管〔2025〕24号', text: 'x' }), { source: 'g', seenAt: '2026-01-01T00:00:00Z' });
    expect((await findDocument(t.db, id)).id).toBe(id);
    expect((await findDocument(t.db, String(id))).id).toBe(id);
    expect((await findDocument(t.db, '发改财金规（2025）1752 号')).id).toBe(id);
    expect((await findDocument(t.db, '发改财金规〔2025〕1752号')).id).toBe(id);
    expect((await findDocument(t.db, '布局规划和投向指导')).id).toBe(id);
    expect((await findDocument(t.db, '《关于加强政府投资基金布局规划和投向指导的工作办法(试行)》')).id).toBe(id);
    await expect(findDocument(t.db, '国办发〔2099〕1号')).rejects.toBeInstanceOf(DocumentNotFoundError);
    await expect(findDocument(t.db, '碳达峰')).rejects.toBeInstanceOf(DocumentNotFoundError);
    const ambiguous = await findDocument(t.db, '政府投资基金').catch((e: unknown) => e);
    expect(ambiguous).toBeInstanceOf(AmbiguousDocumentError);
    expect((ambiguous as AmbiguousDocumentError).candidates.map((c) => c.docNumber)).toEqual(['发改财金规〔2025〕1752号', '粤金管〔2025〕24号']);
    expect((ambiguous as Error).message).toContain('粤金管〔2025〕24号');
  });

  it('finds a national law by its short title (刑法), not its amendment too; the amendment by its own', async () => {
    const corpus = join(import.meta.dirname, '..', '..', '..', 'shared', 'corpus', 'real', 'xingfa');
    const ids: number[] = [];
    for (const file of ['new.md', 'amendment.md']) {
      const [doc] = processText(readFileSync(join(corpus, file), 'utf8'), { fileName: file }).documents;
      ids.push((await recordDocument(t.db, doc!, { source: file, seenAt: '2026-01-01T00:00:00Z' })).documentId);
    }
    const [law, amendment] = ids;
    expect((await findDocument(t.db, '刑法')).id).toBe(law);
    expect((await findDocument(t.db, '中华人民共和国刑法')).id).toBe(law);
    expect((await findDocument(t.db, '刑法修正案')).id).toBe(amendment);
    expect((await findDocument(t.db, '修正案（十二）')).id).toBe(amendment);
  });

  it('reports a repealed document with its end date and the repealing document', async () => {
    const old = await recordDocument(
      t.db,
      makeDocument({ title: '政府出资产业投资基金管理暂行办法', docNumber: '发改财金规〔2016〕2800号', signedOn: '2016-12-30', text: 'old', validity: { effective: '2017-04-01', expires: null } }),
      { source: 'o', seenAt: '2026-01-01T00:00:00Z' },
    );
    const repealer = await recordDocument(
      t.db,
      makeDocument({ validity: { effective: '2026-01-01', repeals: [{ title: null, docNumber: '发改财金规〔2016〕2800号' }] } }),
      { source: 'n', seenAt: '2026-01-01T00:00:00Z' },
    );
    const onDay = async (on: string) => (await listDocuments(t.db, { on })).documents.find((d) => d.id === old.documentId)!;
    expect(await onDay('2025-12-31')).toMatchObject({ status: 'in_force', endedOn: '2026-01-01' });
    expect(await onDay('2026-01-01')).toMatchObject({
      status: 'repealed',
      endedOn: '2026-01-01',
      repealedBy: { id: repealer.documentId, docNumber: '发改财金规〔2025〕1752号', title: makeDocument().title },
    });
  });
});
