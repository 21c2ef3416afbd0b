import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { recordDocument, recordDocuments, RecordError } from '../../db/record.ts';
import { countRows } from '../../db/document.repository.ts';
import { InvalidDocumentError } from '../../db/errors.ts';
import { BACKENDS, clearDatabase, createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { articles, makeDocument, punctuationVariant } from '../helpers/documents.ts';

const seen = (source: string) => ({ source, seenAt: '2026-01-05T08:00:00Z' });

/** Document k: its own number and text. */
const doc = (k: number, text = `正文${k}`) => makeDocument({ docNumber: `测规〔2025〕${k}号`, title: `测试办法${k}`, text });

describe.each(BACKENDS)('recordDocuments on %s', (backend) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(backend);
  });
  afterAll(async () => {
    await t?.close();
  });
  beforeEach(async () => {
    await clearDatabase(t.db);
  });

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
});
