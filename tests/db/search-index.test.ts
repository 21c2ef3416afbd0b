/**
 * Migration 0019 on both backends: recording leaves provision texts out of the text search until
 * `indexSearch` takes them (what `ingest` and the ingest worker run after recording), and a
 * revision that changes none of a document's own columns leaves its row as it was.
 */
import { readFileSync } from 'node:fs';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { indexSearch, recordDocument, recordDocuments } from '../../db/record.ts';
import { searchDocuments } from '../../db/web.repository.ts';
import { processText } from '../../pipeline/index.ts';
import { SEED_002 } from '../fixtures/diff/revisions.ts';
import { BACKENDS, useTestDatabase } from '../helpers/database.ts';

const seen = (source: string, day = '05') => ({ source, seenAt: `2026-01-${day}T08:00:00Z` });
const seedDocs = processText(readFileSync(SEED_002, 'utf8'), { fileName: SEED_002 }).documents.filter((d) => d.provisions.length > 0);
/** The 1752 fund rules of seed 002 (国家发展改革委 and 财政部). */
const rules = seedDocs.find((d) => d.docNumber?.includes('1752'))!;

describe.each(BACKENDS)('deferred search indexing on %s', (backend) => {
  const t = useTestDatabase(backend);
  const search = (q: string) => searchDocuments(t.db, { q, on: '2026-06-01' });
  const unsearchable = async () =>
    Number((await sql<{ n: number }>`select count(*) as n from provision_texts where not searchable`.execute(t.db)).rows[0]!.n);

  it('finds a word of a recorded article only once indexSearch has run, and each text once', async () => {
    expect(rules).toBeDefined();
    // A phrase of an article (第四条), not of the title, number or issuers.
    const word = '生产力布局宏观调控';
    expect(rules.provisions.some((p) => p.text.includes(word))).toBe(true);
    expect(`${rules.title} ${rules.docNumber} ${rules.issuers.join(' ')}`).not.toContain(word);
    const results = await recordDocuments(t.db, seedDocs.map((doc) => ({ doc, seen: seen(SEED_002) })));
    expect(results.every((r) => r.outcome === 'new')).toBe(true);
    const waiting = await unsearchable();
    expect(waiting).toBe(seedDocs.reduce((n, d) => n + new Set(d.provisions.map((p) => `${p.path}|${p.text}`)).size, 0));
    expect((await search(word)).documents).toEqual([]);

    expect(await indexSearch(t.db)).toBe(waiting);
    expect(await unsearchable()).toBe(0);
    const found = await search(word);
    expect(found.documents.map((d) => d.docNumber)).toContain(rules.docNumber);
    // Nothing left: a second run takes nothing.
    expect(await indexSearch(t.db)).toBe(0);
  });

  it('indexes a revision\'s new article after it is recorded, the unchanged ones staying indexed', async () => {
    await recordDocument(t.db, rules, seen('a'));
    await indexSearch(t.db);
    const revised = {
      ...rules,
      provisions: rules.provisions.map((p, i) => (i === 1 ? { ...p, text: `${p.text}新增绿色低碳领域专项支持。` } : p)),
      text: `${rules.text}\n新增绿色低碳领域专项支持。`,
    };
    expect((await recordDocument(t.db, revised, seen('b', '06'))).outcome).toBe('revised');
    expect(await unsearchable()).toBe(1);
    expect((await search('绿色低碳领域专项支持')).documents).toEqual([]);
    expect(await indexSearch(t.db)).toBe(1);
    expect((await search('绿色低碳领域专项支持')).documents.map((d) => d.docNumber)).toEqual([rules.docNumber]);
  });

  it('leaves the document row untouched by a revision that changes none of its columns', async () => {
    const first = await recordDocument(t.db, rules, seen('a'));
    const row = () =>
      sql<{ xmin: string; updated_at: Date; title: string }>`select xmin::text as xmin, updated_at, title from documents where id = ${first.documentId}`
        .execute(t.db)
        .then((r) => r.rows[0]!);
    const before = await row();
    const revised = { ...rules, provisions: rules.provisions.slice(0, -1), text: `${rules.text}（删去末条）` };
    expect((await recordDocument(t.db, revised, seen('b', '06'))).outcome).toBe('revised');
    const same = await row();
    expect(same.xmin).toBe(before.xmin);
    expect(new Date(same.updated_at).getTime()).toBe(new Date(before.updated_at).getTime());

    // A revision with a new title does change the row.
    const retitled = { ...revised, title: `${rules.title}（修订）`, text: `${revised.text}（修订）` };
    expect((await recordDocument(t.db, retitled, seen('c', '07'))).outcome).toBe('revised');
    const changed = await row();
    expect(changed.title).toBe(retitled.title);
    expect(changed.xmin).not.toBe(before.xmin);
  });
});
