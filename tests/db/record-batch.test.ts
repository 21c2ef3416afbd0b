import { describe, expect, it } from 'vitest';
import { sql } from 'kysely';
import { recordDocument, recordDocuments, RecordError, type RecordResult } from '../../db/record.ts';
import { identityOf, lockIds, lockNames, provisionKey } from '../../db/identity.ts';
import { countRows, measuresOfVersions, textInForce } from '../../db/document.repository.ts';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { processText } from '../../pipeline/index.ts';
import { InvalidDocumentError } from '../../db/errors.ts';
import { BACKENDS, useTestDatabase } from '../helpers/database.ts';
import { articles, makeDocument, punctuationVariant } from '../helpers/documents.ts';

const SEEDS = join(import.meta.dirname, '../../seeds');
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

/** Version `v` of document 7: article `v` edited in each later version (v ≥ 2). */
function revision(v: number) {
  const texts = ['为规范资金管理，制定本办法。', '资金用于支持中小企业发展。', '申报材料由市财政局审核。', '本办法自发布之日起施行。'];
  if (v >= 2) texts[1] = `资金用于支持中小企业发展（第${v}版）。`;
  const provisions = articles(texts);
  return makeDocument({
    docNumber: '测规〔2025〕7号',
    title: '测试办法7',
    provisions,
    measures: [
      {
        path: '第二条',
        kind: 'support',
        startsOn: '2025-05-01',
        endsOn: '2027-12-31',
        amounts: ['最高2000万元'],
        responsible: ['市财政局'],
        text: '对在2025年5月1日至2027年12月31日发放的贷款给予贴息。',
        basis: '对在2025年5月1日至2027年12月31日发放的贷款给予贴息。',
      } as never,
      { path: '第三条', kind: 'requirement', startsOn: null, endsOn: null, amounts: [], responsible: ['市财政局'], text: '申报材料由市财政局审核。' },
    ],
  });
}

describe.each(BACKENDS)('what a revision stores, on %s', (backend) => {
  const t = useTestDatabase(backend);

  // 'in one batch': the three versions of one document in one call, which sends them in three
  // batches one after the other (rounds, db/record.ts), each recorded set-based.
  for (const how of ['one by one', 'in batches', 'in one batch'] as const) {
    it(`${how}: each version reads back its own provisions in order, and a revision stores only the article it changed`, async () => {
      const record = (d: ReturnType<typeof revision>, source: string) =>
        how === 'one by one' ? recordDocument(t.db, d, seen(source)) : recordDocuments(t.db, [{ doc: d, seen: seen(source) }]).then((r) => r[0] as RecordResult);
      const [v1, v2, v3] =
        how === 'in one batch'
          ? ((await recordDocuments(t.db, [1, 2, 3].map((v) => ({ doc: revision(v), seen: seen('abc'[v - 1]!) })))) as RecordResult[])
          : [await record(revision(1), 'a'), await record(revision(2), 'b'), await record(revision(3), 'c')];
      if (v1 === undefined || v2 === undefined || v3 === undefined) throw new Error('three results expected');
      expect([v1, v2, v3].map((r) => r.outcome)).toEqual(['new', 'revised', 'revised']);
      for (const [r, v] of [[v1, 1], [v2, 2], [v3, 3]] as const) {
        const rows = await t.db.selectFrom('provisions').select(['ord', 'path', 'text']).where('version_id', '=', r.versionId).orderBy('ord').execute();
        expect(rows.map((p) => p.text)).toEqual(revision(v).provisions.map((p) => p.text));
        expect(rows.map((p) => p.ord)).toEqual([0, 1, 2, 3]);
      }
      // Four articles once, then one new second article per revision.
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from provision_texts`.execute(t.db);
      expect(rows[0]!.n).toBe(6);
      expect(await countRows(t.db)).toMatchObject({ versions: 3, provisions: 12, measures: 6 });
      // Each text stored as its frame, read back whole; the undated measure (第三条, the article's
      // whole text) stored as a reference to its article, read back with its text.
      const stored = await t.db.selectFrom('versions').select(['text', 'text_frame']).execute();
      expect(stored.map((v) => [v.text, typeof v.text_frame])).toEqual([[null, 'string'], [null, 'string'], [null, 'string']]);
      for (const [r, v] of [[v1, 1], [v2, 2], [v3, 3]] as const) {
        expect((await textInForce(t.db, r.documentId, '2099-01-01')).version?.seq).toBe(3);
        const measures = await measuresOfVersions(t.db, [r.versionId]);
        expect(measures.map((m) => [m.path, m.text])).toEqual(revision(v).measures.map((m) => [m.path, m.text]));
      }
      expect((await textInForce(t.db, v3.documentId, '2099-01-01')).version?.text).toBe(revision(3).text);
      const byRef = await t.db.selectFrom('measures').select(['path']).where('text', 'is', null).execute();
      expect(byRef.map((m) => m.path)).toEqual(['第三条', '第三条', '第三条']);
    });
  }

  it("in batches, a revision is sent against the stored version; each version lists its provisions' keys, however it was recorded", async () => {
    // Batches of two (a single item takes the one-by-one path): v2 against v1 as read from the
    // database, v3 one by one (its keys written by the database's trigger), v4 against v3.
    const pair = async (v: number, k: number) =>
      (await recordDocuments(t.db, [{ doc: revision(v), seen: seen(`v${v}`) }, { doc: doc(k), seen: seen(`v${v}`) }]))[0] as RecordResult;
    const r1 = await pair(1, 31);
    const r2 = await pair(2, 32);
    const r3 = await recordDocument(t.db, revision(3), seen('v3'));
    const r4 = await pair(4, 34);
    expect([r1, r2, r3, r4].map((r) => [r.outcome, r.seq])).toEqual([['new', 1], ['revised', 2], ['revised', 3], ['revised', 4]]);
    for (const [r, v] of [[r1, 1], [r2, 2], [r3, 3], [r4, 4]] as const) {
      const rows = await t.db.selectFrom('provisions').select(['path', 'label', 'text']).where('version_id', '=', r.versionId).orderBy('ord').execute();
      expect(rows).toEqual(revision(v).provisions.map((p) => ({ path: p.path, label: p.label, text: p.text })));
      const stored = await t.db.selectFrom('versions').select(['provision_keys']).where('id', '=', r.versionId).executeTakeFirstOrThrow();
      expect(stored.provision_keys).toEqual(revision(v).provisions.map(provisionKey));
      const measures = await measuresOfVersions(t.db, [r.versionId]);
      expect(measures.map((m) => [m.path, m.endsOn, m.text])).toEqual(revision(v).measures.map((m) => [m.path, m.endsOn, m.text]));
      expect((await textInForce(t.db, r.documentId, '2099-01-01')).version?.text).toBe(revision(4).text);
    }
    // Four articles once, then one new second article per revision; nothing stored twice.
    const texts = await t.db.selectFrom('provision_texts').select(['text']).where('document_id', '=', r1.documentId).execute();
    expect(texts.length).toBe(7);
    // A version without provisions lists no keys.
    const other = await t.db.selectFrom('versions').select(['provision_keys', 'provision_ids']).where('document_id', '!=', r1.documentId).execute();
    expect(other.every((v) => v.provision_ids.length > 0 ? v.provision_keys?.length === v.provision_ids.length : v.provision_keys === null)).toBe(true);
  });

  it('records one by one a document whose base version is not its own, and fails alone one naming an ordinal its base does not have', async () => {
    // Payloads as db/record.ts builds them, by hand: recordDocuments names only a version of the
    // same document, read just before; this is what a deleted or wrong base does.
    const [a] = (await recordDocuments(t.db, [{ doc: revision(1), seen: seen('a') }, { doc: doc(41), seen: seen('a') }])) as RecordResult[];
    const payload = (k: number, base: number | null, provisions: unknown[]) => ({
      identity_key: `no:测规〔2025〕${k}号`, title_key: `测试办法${k}`, doc_number: `测规〔2025〕${k}号`, doc_number_raw: null, kind: 'policy',
      title: `测试办法${k}`, issuers: [], issuer_keys: [], signed_on: null, published_on: null, effective: null, expires: null,
      validity_basis: null, text_sha256: `sha-${k}`, notice: null, location: 'by-hand', seen_at: '2026-01-05T08:00:00Z', snapshot_id: null,
      lock_ids: [k], repeals: [], text_at: 0, text_len: 3, ...(base === null ? {} : { base_version: base }), provisions, measures: [],
    });
    const call = async (ps: unknown[]) =>
      (await sql<{ ord: number; outcome: string | null; error_message: string | null }>`
        select ord, outcome, error_message from pt_record_documents(${JSON.stringify(ps)}::jsonb, ${Buffer.from('abc')}::bytea) order by ord`.execute(t.db)).rows;
    // Another document's version as base: refused set-based, then recorded one by one with that
    // version's provision as its own (the same content, as its key says).
    expect(await call([payload(42, a!.versionId, [{ base: 1 }]), payload(43, null, [])])).toEqual([
      { ord: 1, outcome: 'new', error_message: null },
      { ord: 2, outcome: 'new', error_message: null },
    ]);
    const d42 = await t.db.selectFrom('documents').select(['id']).where('doc_number', '=', '测规〔2025〕42号').executeTakeFirstOrThrow();
    const v42 = await t.db.selectFrom('versions').select(['id', 'provision_keys']).where('document_id', '=', d42.id).executeTakeFirstOrThrow();
    expect((await t.db.selectFrom('provisions').select(['text']).where('version_id', '=', v42.id).execute()).map((p) => p.text)).toEqual([
      revision(1).provisions[1]!.text,
    ]);
    expect(v42.provision_keys).toEqual([provisionKey(revision(1).provisions[1]!)]);
    // An ordinal past the base's end: that document fails with a message, the other is recorded.
    const rows = await call([payload(44, a!.versionId, [{ base: 99 }]), payload(45, null, [])]);
    expect(rows.map((r) => r.outcome)).toEqual([null, 'new']);
    expect(rows[0]!.error_message).toContain('ordinal 99');
    expect(await t.db.selectFrom('documents').select(['id']).where('doc_number', '=', '测规〔2025〕44号').execute()).toEqual([]);
  });

  it("a batch's fallback (a revision that repeals another document) stores its texts and undated measures by reference too", async () => {
    // A document naming a repeal is recorded one by one inside pt_record_documents.
    const repealing = (v: number) => {
      const d = revision(v);
      return { ...d, validity: { ...d.validity, repeals: [{ docNumber: '测规〔2025〕99号', title: '被废止的办法' }] } };
    };
    const results = [];
    for (const v of [1, 2, 3]) {
      results.push(...(await recordDocuments(t.db, [{ doc: repealing(v), seen: seen(`r${v}`) }, { doc: doc(20 + v), seen: seen(`r${v}`) }])));
    }
    expect(results.map((r) => r.outcome)).toEqual(['new', 'new', 'revised', 'new', 'revised', 'new']);
    const ids = [results[0], results[2], results[4]].map((r) => (r as RecordResult).versionId);
    const stored = await t.db.selectFrom('versions').select(['id', 'text', 'text_frame']).where('id', 'in', ids).orderBy('id').execute();
    expect(stored.map((v) => [v.text, typeof v.text_frame])).toEqual([[null, 'string'], [null, 'string'], [null, 'string']]);
    for (const [k, id] of ids.entries()) {
      const rows = await t.db.selectFrom('provisions').select(['text']).where('version_id', '=', id).orderBy('ord').execute();
      expect(rows.map((p) => p.text)).toEqual(revision(k + 1).provisions.map((p) => p.text));
      const measures = await measuresOfVersions(t.db, [id]);
      expect(measures.map((m) => [m.path, m.endsOn, m.text])).toEqual(revision(k + 1).measures.map((m) => [m.path, m.endsOn, m.text]));
    }
    expect((await textInForce(t.db, (results[4] as RecordResult).documentId, '2099-01-01')).version?.text).toBe(revision(3).text);
    const byRef = await t.db.selectFrom('measures').select(['version_id']).where('text', 'is', null).where('version_id', 'in', ids).execute();
    expect(byRef.length).toBe(3);
    expect(await t.db.selectFrom('provision_texts').select((eb) => eb.fn.countAll<number>().as('n')).where('document_id', '=', (results[0] as RecordResult).documentId).executeTakeFirstOrThrow()).toEqual({ n: 6 });
  });

  it('stores the sentence a measure ends by when the pipeline gives it, else null', async () => {
    await recordDocuments(t.db, [{ doc: revision(1), seen: seen('a') }]);
    await recordDocument(t.db, revision(2), seen('b'));
    const ms = await t.db.selectFrom('measures').select(['version_id', 'path', 'basis', 'text', 'amounts', 'responsible']).orderBy('id').execute();
    expect(ms.map((m) => [m.path, m.basis])).toEqual([
      ['第二条', '对在2025年5月1日至2027年12月31日发放的贷款给予贴息。'],
      ['第三条', null],
      ['第二条', '对在2025年5月1日至2027年12月31日发放的贷款给予贴息。'],
      ['第三条', null],
    ]);
    expect(ms[0]).toMatchObject({ text: '对在2025年5月1日至2027年12月31日发放的贷款给予贴息。', amounts: ['最高2000万元'], responsible: ['市财政局'] });
  });

  it('stores a segmented text and an undated measure once, beside their provisions, and reads them back exactly', async () => {
    // The seeds in one batch, as `ingest` records a file: set-based, but for the document that
    // repeals another, which is recorded one by one (by reference too, since migration 0022).
    const docs = readdirSync(SEEDS)
      .filter((f) => f.endsWith('.txt'))
      .sort()
      .flatMap((f) => processText(readFileSync(join(SEEDS, f), 'utf8'), { fileName: f }).documents);
    const results = await recordDocuments(t.db, docs.map((d, k) => ({ doc: d, seen: seen(`s${k}`) })));
    expect(results.every((r) => r.outcome === 'new' || r.outcome === 'unchanged')).toBe(true);
    for (const [k, r] of results.entries()) {
      const shown = await textInForce(t.db, (r as RecordResult).documentId, '2099-01-01');
      expect(shown.version?.text, docs[k]!.title).toBe(docs[k]!.text);
    }
    const stored = await t.db.selectFrom('versions').select(['text', 'text_frame', 'provision_ids']).execute();
    const segmented = stored.filter((v) => v.provision_ids.length > 0);
    expect(segmented.length).toBeGreaterThan(3);
    expect(segmented.filter((v) => v.text === null && v.text_frame !== null).length).toBe(segmented.length);
    expect(stored.filter((v) => v.provision_ids.length === 0).every((v) => v.text !== null && v.text_frame === null)).toBe(true);

    // Undated measures that are their article's whole text name it; each reads back as recorded.
    const byRef = await t.db.selectFrom('measures').select(['version_id']).where('text', 'is', null).execute();
    expect(byRef.length).toBeGreaterThan(10);
    const versionIds = results.map((r) => (r as RecordResult).versionId);
    const read = await measuresOfVersions(t.db, versionIds);
    const recorded = docs.flatMap((d, k) => d.measures.map((m) => ({ versionId: versionIds[k]!, ...m })));
    const unique = [...new Map(recorded.map((m) => [`${m.versionId}|${m.path}|${m.text}`, m])).values()];
    expect(read.map((m) => [m.versionId, m.path, m.endsOn, m.text]).sort()).toEqual(unique.map((m) => [m.versionId, m.path, m.endsOn, m.text]).sort());
  });

  it('takes the stored provisions and measures with a deleted document', async () => {
    await recordDocuments(t.db, [{ doc: revision(1), seen: seen('a') }, { doc: doc(8), seen: seen('a') }]);
    await recordDocument(t.db, revision(2), seen('b'));
    await t.db.deleteFrom('documents').where('doc_number', '=', '测规〔2025〕7号').execute();
    const { rows } = await sql<{ texts: number; measures: number }>`
      select (select count(*)::int from provision_texts) as texts, (select count(*)::int from measures) as measures`.execute(t.db);
    expect(rows[0]).toEqual({ texts: 3, measures: 0 });
    expect(await countRows(t.db)).toMatchObject({ documents: 1, versions: 1, provisions: 3 });
  });
});

describe.each(BACKENDS)('provision keys, on %s', (backend) => {
  const t = useTestDatabase(backend);

  it("computes in Node the database's key of every provision of the seeds, and of odd ones", async () => {
    const seeds = readdirSync(SEEDS)
      .filter((f) => f.endsWith('.txt'))
      .flatMap((f) => processText(readFileSync(join(SEEDS, f), 'utf8'), { fileName: f }).documents.flatMap((d) => d.provisions));
    const odd = [
      { path: '第一条', label: '第一条', level: 'article', heading: null, text: '𠀀𪚥（扩展B区汉字）与 emoji 😀' },
      { path: '𠀀', label: '𠀀', level: 'item', heading: '𪚥标题', text: '' },
      { path: '第二条', label: '第二条', level: 'article', heading: '', text: '空标题' },
      { path: '2:x', label: '', level: 'point', heading: ':', text: '冒号:与数字12' },
    ];
    const provisions = [...seeds, ...odd];
    expect(seeds.length).toBeGreaterThan(100);
    const { rows } = await sql<{ key: string }>`
      select pt_provision_key(p.path, p.label, p.level, p.heading, p.text)::text as key
        from unnest(${provisions.map((p) => p.path)}::text[], ${provisions.map((p) => p.label)}::text[], ${provisions.map((p) => p.level)}::text[],
                    ${provisions.map((p) => p.heading)}::text[], ${provisions.map((p) => p.text)}::text[]) with ordinality as p(path, label, level, heading, text, n)
       order by p.n`.execute(t.db);
    expect(provisions.map(provisionKey)).toEqual(rows.map((r) => r.key));
    expect(new Set(rows.map((r) => r.key)).size).toBeGreaterThan(provisions.length * 0.9);
  });
});

describe('a base version deleted while its revision waits, on postgres', () => {
  const t = useTestDatabase('postgres');

  it('records the revision whole, on its own, as a new document', async () => {
    const [first] = (await recordDocuments(t.db, [{ doc: revision(1), seen: seen('a') }, { doc: doc(61), seen: seen('a') }])) as RecordResult[];
    // Another connection holds the document's advisory lock, so the batch below reads the latest
    // version (its base) and then waits inside pt_record_documents; meanwhile the document is deleted.
    const lock = lockIds(lockNames(identityOf(revision(2)), []));
    const other = await t.openAnother();
    await other.transaction().execute(async (tx) => {
      for (const id of lock) await sql`select pg_advisory_xact_lock(${id}::bigint)`.execute(tx);
      const pending = recordDocuments(t.db, [{ doc: revision(2), seen: seen('b') }, { doc: doc(62), seen: seen('b') }]);
      for (let tries = 0; ; tries++) {
        const { rows } = await sql<{ n: number }>`select count(*)::int as n from pg_locks where locktype = 'advisory' and not granted`.execute(tx);
        if (rows[0]!.n > 0) break;
        if (tries > 500) throw new Error('the batch never waited for the lock');
        await new Promise((r) => setTimeout(r, 10));
      }
      await tx.deleteFrom('documents').where('id', '=', first!.documentId).execute();
      return { pending }; // not awaited here: the batch waits for this transaction's lock
    }).then(async ({ pending }) => {
      const [r2, r62] = await pending;
      expect(r2).toMatchObject({ outcome: 'new', seq: 1 });
      expect(r62).toMatchObject({ outcome: 'new' });
      const rows = await t.db.selectFrom('provisions').select(['text']).where('version_id', '=', (r2 as RecordResult).versionId).orderBy('ord').execute();
      expect(rows.map((p) => p.text)).toEqual(revision(2).provisions.map((p) => p.text));
    });
  });
});
