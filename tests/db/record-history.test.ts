/**
 * A document's history recorded in one call (a directory holding a law's old and new texts, read
 * in file-name order, new.md first): recorded oldest first, so that its latest text is its latest
 * version and the one in force. On the laws of shared/corpus/real.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { textInForce } from '../../db/document.repository.ts';
import { chronological, recordDocuments, type RecordResult } from '../../db/record.ts';
import { processText } from '../../pipeline/index.ts';
import { BACKENDS, useTestDatabase } from '../helpers/database.ts';

const CORPUS = fileURLToPath(new URL('../../../shared/corpus/real/', import.meta.url));
const law = (dir: string, file: 'old.md' | 'new.md') => {
  const path = join(CORPUS, dir, file);
  const [doc] = processText(readFileSync(path, 'utf8'), { fileName: path }).documents;
  if (!doc) throw new Error(`no document in ${path}`);
  return { doc, seen: { source: path, seenAt: '2026-12-05T08:00:00Z' } };
};

describe('chronological', () => {
  const v = (name: string, on: string | null) => ({ name, on });
  it('orders versions by date, keeping the given order among equal dates, and all as given when one has no date', () => {
    const names = (xs: { name: string }[]) => xs.map((x) => x.name);
    expect(names(chronological([v('c', '2024-06-28'), v('a', '2017-11-04'), v('b', '2017-11-04')], (x) => x.on))).toEqual(['a', 'b', 'c']);
    expect(names(chronological([v('c', '2024-06-28'), v('a', null), v('b', '2017-11-04')], (x) => x.on))).toEqual(['c', 'a', 'b']);
  });
});

describe.each(BACKENDS)('a law history in one call, on %s', (backend) => {
  const t = useTestDatabase(backend);

  it('records it oldest first whatever the order given, and shows the latest text as in force', async () => {
    // 会计法 (both texts numbered alike) and 废旧金属收购业治安管理办法 (one text under its number,
    // the other not: one document matched by title), each given newest first, beside another law.
    const items = [law('kuaiji-fa', 'new.md'), law('kuaiji-fa', 'old.md'), law('feijiu-jinshu-shougou', 'new.md'), law('tongji-fa', 'old.md'), law('feijiu-jinshu-shougou', 'old.md')];
    const results = (await recordDocuments(t.db, items)) as RecordResult[];
    expect(results.map((r) => [r.outcome, r.seq])).toEqual([['revised', 2], ['new', 1], ['revised', 2], ['new', 1], ['new', 1]]);
    expect(results[0]!.documentId).toBe(results[1]!.documentId);
    expect(results[2]!.documentId).toBe(results[4]!.documentId);
    for (const k of [0, 2]) {
      const shown = await textInForce(t.db, results[k]!.documentId, '2026-12-05');
      expect(shown.version?.seq).toBe(2);
      expect(shown.version?.text).toBe(items[k]!.doc.text);
      expect(shown.document.effective).toBe(items[k]!.doc.validity.effective);
    }
  });
});
