/**
 * The seed corpus through the real pipeline into the record, on both backends.
 */
import { describe, expect, it } from 'vitest';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { processBytes, processText } from '../../pipeline/index.ts';
import { parseChineseNumber, toChineseNumber } from '../../pipeline/numerals.ts';
import type { PolicyDocument } from '../../pipeline/types.ts';
import { recordDocument, recordDocuments, type RecordOutcome } from '../../db/record.ts';
import { recordSnapshot } from '../../db/snapshot.repository.ts';
import { countRows, documentHistory, listDocuments } from '../../db/document.repository.ts';
import { BACKENDS, useTestDatabase } from '../helpers/database.ts';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/schema.ts';

const SEEDS = join(import.meta.dirname, '../../seeds');
const files = readdirSync(SEEDS).filter((f) => f.endsWith('.txt')).sort();
const BULLETIN = '002_82c496b701662624.txt';
const seedText = (f: string) => readFileSync(join(SEEDS, f), 'utf8');

/** The bulletin with one sentence of 第五条 of 发改财金规〔2025〕1752号 edited. */
function editedBulletin(): string {
  const text = seedText(BULLETIN);
  const i = text.indexOf('第五条');
  expect(i).toBeGreaterThan(0);
  return text.slice(0, i) + '第五条 （修订）' + text.slice(i + 4);
}

/** The bulletin with a new 第二条 inserted in 发改财金规〔2025〕1752号, renumbering the rest of it. */
function insertedArticleBulletin(): string {
  const lines = seedText(BULLETIN).split('\n');
  const start = lines.findIndex((l) => l.trim().startsWith('第二条 坚持以'));
  const end = lines.findIndex((l, i) => i > start && l.trim() === '政府投资基金投向评价管理办法(试行)');
  expect(start).toBeGreaterThan(0);
  expect(end).toBeGreaterThan(start);
  for (let i = start; i < end; i++) {
    lines[i] = lines[i]!.replace(/^(\s*)第([一二三四五六七八九十百]+)条/u, (_, sp: string, n: string) => `${sp}第${toChineseNumber(parseChineseNumber(n)! + 1)}条`);
  }
  lines.splice(start, 0, '       第二条 政府投资基金应当建立健全绩效评价制度。');
  return lines.join('\n');
}

function pageDocuments(text: string, fileName: string): PolicyDocument[] {
  return processText(text, { fileName }).documents;
}

async function ingest(db: Kysely<Database>, pages: readonly { name: string; text: string }[], seenAt: string) {
  const outcomes: Record<RecordOutcome, number> = { new: 0, revised: 0, unchanged: 0 };
  for (const p of pages) {
    for (const doc of pageDocuments(p.text, p.name)) {
      outcomes[(await recordDocument(db, doc, { source: `seeds/${p.name}`, seenAt })).outcome]++;
    }
  }
  return outcomes;
}

const seedPages = files.map((name) => ({ name, text: seedText(name) }));
const policiesInSeeds = seedPages.flatMap((p) => pageDocuments(p.text, p.name)).filter((d) => d.kind === 'policy').length;
const documentsInSeeds = seedPages.flatMap((p) => pageDocuments(p.text, p.name)).length;

describe.each(BACKENDS)('the seed corpus on %s', (backend) => {
  const t = useTestDatabase(backend);

  it('records each document once, and nothing more when ingested again', async () => {
    expect(policiesInSeeds).toBeGreaterThanOrEqual(5);
    expect(await ingest(t.db, seedPages, '2026-01-05T00:00:00Z')).toEqual({ new: documentsInSeeds, revised: 0, unchanged: 0 });
    expect(await ingest(t.db, seedPages, '2026-01-06T00:00:00Z')).toEqual({ new: 0, revised: 0, unchanged: documentsInSeeds });
    const counts = await countRows(t.db);
    expect(counts).toMatchObject({ documents: documentsInSeeds, versions: documentsInSeeds, version_sources: documentsInSeeds });
    const { documents } = await listDocuments(t.db, { on: '2026-02-01' });
    expect(documents.filter((d) => d.kind === 'policy')).toHaveLength(policiesInSeeds);
    const numbers = documents.map((d) => d.docNumber).filter((n) => n !== null);
    expect(new Set(numbers).size).toBe(numbers.length);
    expect(numbers).toContain('沪府办规〔2025〕15号');
    expect(documents.find((d) => d.docNumber === '发改财金规〔2025〕1752号')).toMatchObject({ status: 'in_force', effective: '2025-12-31', expires: '2030-12-30', versions: 1 });
  });

  it('adds exactly one version of the revised document only, for an edited and for an inserted article', async () => {
    await ingest(t.db, seedPages, '2026-01-05T00:00:00Z');
    const edited = await ingest(t.db, [{ name: 'revised/002-edited.txt', text: editedBulletin() }], '2026-02-01T00:00:00Z');
    const pageCount = pageDocuments(seedText(BULLETIN), BULLETIN).length;
    expect(edited).toEqual({ new: 0, revised: 1, unchanged: pageCount - 1 });
    const inserted = await ingest(t.db, [{ name: 'revised/002-inserted.txt', text: insertedArticleBulletin() }], '2026-03-01T00:00:00Z');
    expect(inserted).toEqual({ new: 0, revised: 1, unchanged: pageCount - 1 });
    expect((await countRows(t.db)).versions).toBe(documentsInSeeds + 2);
    const h = await documentHistory(t.db, '发改财金规〔2025〕1752号', { on: '2026-03-02' });
    expect(h.versions.map((v) => [v.seq, v.sources])).toEqual([
      [1, ['seeds/002_82c496b701662624.txt']],
      [2, ['seeds/revised/002-edited.txt']],
      [3, ['seeds/revised/002-inserted.txt']],
    ]);
    const others = (await listDocuments(t.db, { on: '2026-03-02' })).documents.filter((d) => d.docNumber !== '发改财金规〔2025〕1752号');
    expect(others.every((d) => d.versions === 1)).toBe(true);
  });

  it('treats a copy with half-width punctuation as the same versions, seen at one more place', async () => {
    await ingest(t.db, seedPages, '2026-01-05T00:00:00Z');
    const halfWidth = seedText(BULLETIN).replaceAll('，', ',').replaceAll('。', '。 ').replaceAll('(', '（').replaceAll(')', '）');
    const pageCount = pageDocuments(seedText(BULLETIN), BULLETIN).length;
    expect(await ingest(t.db, [{ name: 'copy/002.txt', text: halfWidth }], '2026-01-07T00:00:00Z')).toEqual({ new: 0, revised: 0, unchanged: pageCount });
    expect((await countRows(t.db)).version_sources).toBe(documentsInSeeds + pageCount);
  });

  it('marks the document 发改财金规〔2025〕1753号 repeals when it arrives later', async () => {
    await ingest(t.db, seedPages, '2026-01-05T00:00:00Z');
    const repealed = {
      ...pageDocuments(seedText(BULLETIN), BULLETIN).find((d) => d.docNumber === '发改财金规〔2025〕1753号')!,
      title: '政府出资产业投资基金管理暂行办法',
      docNumber: '发改财金规〔2016〕2800号',
      signedOn: '2016-12-30',
      text: '政府出资产业投资基金管理暂行办法全文',
      validity: { effective: '2017-04-01', expires: null, basis: null, repeals: [] },
    } satisfies PolicyDocument;
    await recordDocument(t.db, repealed, { source: 'ndrc/2016-2800.html', seenAt: '2026-01-06T00:00:00Z' });
    const h = await documentHistory(t.db, '发改财金规〔2016〕2800号', { on: '2026-02-01' });
    expect(h.document).toMatchObject({ status: 'repealed', endedOn: '2025-12-31', repealedBy: { docNumber: '发改财金规〔2025〕1753号' } });
  });

  it('records snapshots and the documents of each file in one batch, as ingest does', async () => {
    const outcomes: string[] = [];
    for (const name of files) {
      const bytes = readFileSync(join(SEEDS, name));
      const page = processBytes(bytes, { fileName: name });
      const snap = await recordSnapshot(t.db, { location: `seeds/${name}`, bytes, charset: page.charset, publishedOn: page.publishedOn, fetchedAt: '2026-01-05T00:00:00Z' });
      const results = await recordDocuments(
        t.db,
        page.documents.map((doc) => ({ doc, seen: { source: `seeds/${name}`, seenAt: '2026-01-05T00:00:00Z', snapshotId: snap.id } })),
      );
      outcomes.push(...results.map((r) => r.outcome));
    }
    expect(outcomes).toHaveLength(documentsInSeeds);
    expect(outcomes.every((o) => o === 'new')).toBe(true);
    const counts = await countRows(t.db);
    expect(counts).toMatchObject({ documents: documentsInSeeds, versions: documentsInSeeds });
    const snapshots = await t.db.selectFrom('snapshots').select(['location', 'charset']).orderBy('id').execute();
    expect(snapshots).toHaveLength(files.length);
    const linked = await t.db.selectFrom('versions').select('snapshot_id').where('snapshot_id', 'is', null).execute();
    expect(linked).toHaveLength(0);
  });
});
