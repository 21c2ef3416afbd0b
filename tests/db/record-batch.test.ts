import { describe, expect, it } from 'vitest';
import { recordDocument, recordDocuments, RecordError } from '../../db/record.ts';
import { countRows } from '../../db/document.repository.ts';
import { InvalidDocumentError } from '../../db/errors.ts';
import { BACKENDS, useTestDatabase } from '../helpers/database.ts';
import { articles, makeDocument, punctuationVariant } from '../helpers/documents.ts';

const seen = (source: string) => ({ source, seenAt: '2026-01-05T08:00:00Z' });

/** Document k: its own number and text. */
const doc = (k: number, text = `正文${k}`) => makeDocument({ docNumber: `测规〔2025〕${k}号`, title: `测试办法${k}`, text });

describe.each(BACKENDS)('recordDocuments on %s', (backend) => {
  const t = useTestDatabase(backend);

  it('records a batch with the same outcomes as one by one, in order', async () => {
    await recordDocument(t.db, doc(1), seen('a'));
    const results = await recordDocuments(t.db, [
      { doc: doc(1), seen: seen('b') }, // unchanged, seen at one more place
      { doc: doc(2), seen: seen('b') }, // new
      { doc: doc(1, '正文1（修订）'), seen: seen('b') }, // revised
      { doc: punctuationVariant(doc(2)), seen: seen('c') }, // unchanged: recorded earlier in this batch
      { doc: doc(3), seen: seen('b') },
    ]);
    expect(results.map((r) => r.outcome)).toEqual(['unchanged', 'new', 'revised', 'unchanged', 'new']);
    expect(results[2]).toMatchObject({ seq: 2 });
    expect(await countRows(t.db)).toMatchObject({ documents: 3, versions: 4, version_sources: 6 });
  });

  it('rolls back a document the database refuses alone, and records the others', async () => {
    const bad = makeDocument({
      docNumber: '测规〔2025〕9号',
      title: '坏的',
      provisions: [...articles(['一']), { path: 'x', label: 'x', level: 'bogus' as never, text: 't', heading: null }],
    });
    const results = await recordDocuments(t.db, [
      { doc: doc(1), seen: seen('a') },
      { doc: bad, seen: seen('a') },
      { doc: { ...doc(2), title: ' ' }, seen: seen('a') },
      { doc: doc(3), seen: seen('a') },
    ]);
    expect(results.map((r) => r.outcome)).toEqual(['new', 'failed', 'failed', 'new']);
    const failed = results[1] as unknown as { error: RecordError };
    expect(failed.error).toBeInstanceOf(RecordError);
    expect(failed.error.code).toBe('23514');
    expect((results[2] as unknown as { error: Error }).error).toBeInstanceOf(InvalidDocumentError);
    expect(await countRows(t.db)).toEqual({ documents: 2, versions: 2, provisions: 6, measures: 0, relations: 0, version_sources: 2 });
  });

  it('re-records an unchanged batch without a write transaction per document', async () => {
    const items = Array.from({ length: 250 }, (_, k) => ({ doc: doc(k), seen: seen(`f${k}`) }));
    expect((await recordDocuments(t.db, items)).every((r) => r.outcome === 'new')).toBe(true);
    const again = await recordDocuments(t.db, items.map((i) => ({ ...i, seen: { ...i.seen, seenAt: '2026-01-06T00:00:00Z' } })));
    expect(again.every((r) => r.outcome === 'unchanged')).toBe(true);
    expect(await countRows(t.db)).toMatchObject({ documents: 250, versions: 250, version_sources: 250 });
  });

  it('leaves one document and one version when two connections record overlapping batches at once', async () => {
    const other = await t.openAnother();
    const docs = Array.from({ length: 30 }, (_, k) => doc(k));
    const [a, b] = await Promise.all([
      recordDocuments(t.db, docs.map((d) => ({ doc: d, seen: seen('a') }))),
      recordDocuments(other, [...docs].reverse().map((d) => ({ doc: d, seen: seen('b') }))),
    ]);
    expect([...a, ...b].every((r) => r.outcome === 'new' || r.outcome === 'unchanged')).toBe(true);
    expect(await countRows(t.db)).toMatchObject({ documents: 30, versions: 30, version_sources: 60 });
  });

  it('records a number-less document beside one that repeals another, both set-based and one by one', async () => {
    const repealer = makeDocument({
      docNumber: '测规〔2025〕50号',
      title: '测试办法50',
      text: '废止旧办法',
      validity: { effective: '2026-01-01', repeals: [{ title: null, docNumber: '测规〔2016〕7号' }] },
    });
    const noNumber = makeDocument({ docNumber: null, title: '一篇没有文号的通知', issuers: ['某局'], text: '通知正文' });
    const old = makeDocument({ docNumber: '测规〔2016〕7号', title: '旧办法', text: '旧办法全文', validity: { effective: '2016-01-01' } });
    const results = await recordDocuments(t.db, [
      { doc: doc(1), seen: seen('a') },
      { doc: repealer, seen: seen('a') },
      { doc: noNumber, seen: seen('a') },
      { doc: old, seen: seen('a') },
    ]);
    expect(results.map((r) => r.outcome)).toEqual(['new', 'new', 'new', 'new']);
    const target = await t.db.selectFrom('documents').select(['status', 'ended_on', 'repealed_by']).where('doc_number', '=', '测规〔2016〕7号').executeTakeFirstOrThrow();
    expect(target).toEqual({ status: 'repealed', ended_on: '2026-01-01', repealed_by: (results[1] as { documentId: number }).documentId });
    expect(await countRows(t.db)).toMatchObject({ documents: 4, versions: 4, relations: 1, version_sources: 4 });
  });

  it('rolls back only the refused document when the others of its batch were written set-based', async () => {
    await recordDocuments(t.db, [1, 2, 3].map((k) => ({ doc: doc(k), seen: seen('a') })));
    const bad = { ...doc(2, '正文2（修订）'), provisions: [{ path: 'x', label: 'x', level: 'bogus' as never, text: 't', heading: null }] };
    const results = await recordDocuments(t.db, [
      { doc: doc(1, '正文1（修订）'), seen: seen('b') },
      { doc: bad, seen: seen('b') },
      { doc: doc(3), seen: seen('b') },
      { doc: doc(4), seen: seen('b') },
    ]);
    expect(results.map((r) => r.outcome)).toEqual(['revised', 'failed', 'unchanged', 'new']);
    expect(results[0]).toMatchObject({ seq: 2 });
    // The refused revision left nothing: document 2 still has its one version, its provisions, its columns.
    expect(await countRows(t.db)).toMatchObject({ documents: 4, versions: 5, version_sources: 6 });
    const d2 = await t.db
      .selectFrom('documents as d')
      .innerJoin('versions as v', 'v.document_id', 'd.id')
      .select(['v.seq', 'v.text'])
      .where('d.identity_key', '=', 'no:测规〔2025〕2号')
      .execute();
    expect(d2).toEqual([{ seq: 1, text: doc(2).text }]);
  });

  it('stores texts with any characters exactly, and reads dates as strings and counts as numbers', async () => {
    const text = '第一条　全角空格、emoji 😀、反斜杠 \\ 与 "引号"\n第二条\t制表符';
    const d = makeDocument({
      docNumber: '测规〔2025〕77号',
      title: '字符测试',
      text,
      provisions: [{ path: '第一条', label: '第一条', level: 'article', text: 'emoji 😀 \\ "q"\n换行', heading: '标题' }],
    });
    const [r] = await recordDocuments(t.db, [{ doc: d, seen: seen('a') }]);
    expect(r).toMatchObject({ outcome: 'new', seq: 1 });
    const v = await t.db.selectFrom('versions').select(['text', 'signed_on', 'id']).executeTakeFirstOrThrow();
    expect(v.text).toBe(text);
    expect(v.signed_on).toBe('2025-12-31');
    expect(typeof v.id).toBe('number');
    const p = await t.db.selectFrom('provisions').select(['text', 'heading']).executeTakeFirstOrThrow();
    expect(p).toEqual({ text: 'emoji 😀 \\ "q"\n换行', heading: '标题' });
  });
});
