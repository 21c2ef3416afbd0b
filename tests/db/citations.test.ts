/**
 * Citations as relations (migration 0024, linkCitations) on real texts: a 实施细则 citing the
 * 办法 it implements, recorded before and after it; an amendment and its law; a repeal that stays
 * a repeal.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { linkCitations } from '../../db/citations.repository.ts';
import { recordDocuments } from '../../db/record.ts';
import { documentLinks } from '../../db/web.repository.ts';
import { processText } from '../../pipeline/index.ts';
import { BACKENDS, useTestDatabase } from '../helpers/database.ts';

const CORPUS = join(import.meta.dirname, '..', '..', '..', 'shared', 'corpus', 'real');
const RULES = 'policies/gz-yinjin-rencai-xize-2022.md'; // 穗人社规字〔2022〕2号: 根据《…办法》（穗府办规〔2020〕10号）
const MEASURES = 'policies/gz-yinjin-rencai-banfa-2020.md'; // 穗府办规〔2020〕10号

describe.each(BACKENDS)('citations on %s', (backend) => {
  const t = useTestDatabase(backend);

  async function ingest(...files: string[]): Promise<number[]> {
    const items = files.flatMap((f) => processText(readFileSync(join(CORPUS, f), 'utf8'), { fileName: f }).documents.map((doc) => ({ doc, seen: { source: f, seenAt: '2026-01-01T00:00:00Z' } })));
    const results = await recordDocuments(t.db, items);
    return results.map((r) => {
      if (r.outcome === 'failed') throw r.error;
      return r.documentId;
    });
  }
  const cites = async () =>
    (await sql<{ from_document_id: number; to_document_id: number | null; to_doc_number: string | null; to_title: string | null }>`
      select from_document_id, to_document_id, to_doc_number, to_title from relations where kind = 'cites' order by id`.execute(t.db)).rows.map((r) => ({
      ...r,
      from_document_id: Number(r.from_document_id),
      to_document_id: r.to_document_id === null ? null : Number(r.to_document_id),
    }));

  it('links a 细则 to the 办法 it cites once the 办法 is recorded, however late; the 办法 lists it as citing it', async () => {
    const [rules] = await ingest(RULES);
    expect(await linkCitations(t.db)).toBe(1);
    expect(await cites()).toEqual([{ from_document_id: rules, to_document_id: null, to_doc_number: '穗府办规〔2020〕10号', to_title: '广州市人民政府办公厅关于印发广州市引进人才入户管理办法的通知' }]);

    const [measures] = await ingest(MEASURES);
    expect(await linkCitations(t.db)).toBe(1);
    expect((await cites()).find((c) => c.from_document_id === rules)!.to_document_id).toBe(measures);
    expect(await documentLinks(t.db, rules!)).toContainEqual(expect.objectContaining({ kind: 'cites', direction: 'out', documentId: measures }));
    expect(await documentLinks(t.db, measures!)).toContainEqual(expect.objectContaining({ kind: 'cites', direction: 'in', documentId: rules }));
    // The 细则 repeals its 2019 issue (穗人社规字〔2019〕2号), which it also names: a repeal, not a citation.
    const links = await documentLinks(t.db, rules!);
    expect(links.filter((l) => l.docNumber === '穗人社规字〔2019〕2号').map((l) => l.kind)).toEqual(['repeals']);

    // Read once: nothing more on the next call, and nothing written twice.
    const before = await cites();
    expect(await linkCitations(t.db)).toBe(0);
    expect(await cites()).toEqual(before);
  });

  it('links the documents of one run to each other, and an amendment to its law by title', async () => {
    const [rules, measures, law, amendment] = await ingest(RULES, MEASURES, 'xingfa/new.md', 'xingfa/amendment.md');
    expect(await linkCitations(t.db)).toBe(4);
    const linked = (await cites()).filter((c) => c.to_document_id !== null);
    expect(linked).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ from_document_id: rules, to_document_id: measures }),
        expect.objectContaining({ from_document_id: amendment, to_document_id: law, to_title: '中华人民共和国刑法' }),
      ]),
    );
    // No text cites itself.
    expect((await cites()).some((c) => c.to_document_id === c.from_document_id)).toBe(false);
  });
});
