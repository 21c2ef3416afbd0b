import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareAll, compareFiles, edits, ops, REVISIONS } from './compare-load.ts';

const fund = (f: string) => join(REVISIONS, 'fund-measures', f);
const g60 = (f: string) => join(REVISIONS, 'g60-measures', f);
const vat = (f: string) => join(REVISIONS, 'zengzhishui-fa', f);

const renumbered = (from: number, to: number, shift: number, cn: (n: number) => string) =>
  Array.from({ length: to - from + 1 }, (_, k) => ['renumbered', cn(from + k), cn(from + k + shift)]);
const CN = ['', '一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '十一', '十二', '十三', '十四', '十五'];
const art = (n: number) => `第${CN[n]}条`;

describe('compare: articles (第X条) of the 1752号 办法', () => {
  it('reports an edited article as one modification with a word diff', () => {
    const r = compareFiles(fund('v1.txt'), fund('v2-edited.txt'));
    expect(ops(r.changes)).toEqual([['modified', '第七条', '第七条']]);
    expect(edits(r.changes[0]!)).toEqual(['-国家', '+和新型基础设施']);
    expect(r.summary).toEqual({ modified: 1, added: 0, deleted: 0, renumbered: 0, unchanged: 13, moved: 0 });
  });

  it('reports an inserted article as added and the articles after it as renumbered, not modified', () => {
    const r = compareFiles(fund('v1.txt'), fund('v2-inserted.txt'));
    expect(ops(r.changes)).toEqual([['added', null, '第六条'], ...renumbered(6, 14, 1, art)]);
    expect(r.summary).toMatchObject({ added: 1, renumbered: 9, unchanged: 5, modified: 0 });
  });

  it('reports a deleted article at its old place and renumbers the rest', () => {
    const r = compareFiles(fund('v1.txt'), fund('v2-deleted.txt'));
    expect(ops(r.changes)).toEqual([['deleted', '第十一条', null], ...renumbered(12, 14, -1, art)]);
    expect(r.changes[0]!.diff).toEqual([{ op: 'delete', text: r.changes[0]!.oldText }]);
  });

  it('reports two articles merged into one: the survivor modified, the other deleted with mergedInto', () => {
    const r = compareFiles(fund('v1.txt'), fund('v2-merged.txt'));
    expect(ops(r.changes)).toEqual([['modified', '第七条', '第七条'], ['deleted', '第八条', null], ...renumbered(9, 14, -1, art)]);
    expect(r.changes[0]!.mergedFrom).toEqual(['第七条', '第八条']);
    expect(r.changes[1]!.mergedInto).toBe('第七条');
  });

  it('reports one article split in two: the new part added with splitFrom', () => {
    const r = compareFiles(fund('v1.txt'), fund('v2-split.txt'));
    // The longer second paragraph keeps the article's identity; the first comes out as new.
    expect(ops(r.changes)).toEqual([['added', null, '第九条'], ['modified', '第九条', '第十条'], ...renumbered(10, 14, 1, art)]);
    expect(r.changes[0]!.splitFrom).toBe('第九条');
    expect(r.changes[1]!.splitInto).toEqual(['第九条', '第十条']);
  });

  it('finds no change at all when only punctuation width and spacing moved', () => {
    const r = compareFiles(fund('v1.txt'), fund('v2-cosmetic.txt'));
    expect(r.changes).toEqual([]);
    expect(r.summary).toEqual({ modified: 0, added: 0, deleted: 0, renumbered: 0, unchanged: 14, moved: 0 });
  });

  it('reports a shorter validity (有效期5年 → 有效期3年) as exactly one modification of the validity article', () => {
    const r = compareFiles(fund('v1.txt'), fund('v2-validity.txt'));
    expect(ops(r.changes)).toEqual([['modified', '第十四条', '第十四条']]);
    expect(edits(r.changes[0]!)).toEqual(['-5', '+3']);
    // Display text is the original: the equal spans rebuild the new article exactly.
    expect(r.changes[0]!.diff.filter((s) => s.op !== 'delete').map((s) => s.text).join('')).toBe(r.changes[0]!.newText);
  });

  it('pairs the documents of the two files by their number', () => {
    const docs = compareAll(fund('v1.txt'), fund('v2-edited.txt'));
    expect(docs.map((d) => [d.old?.docNumber, d.new?.docNumber])).toEqual([['发改财金规〔2025〕1752号', '发改财金规〔2025〕1752号']]);
  });
});

describe('compare: items (一、/（一）) of the Shanghai G60 measures', () => {
  it('compares the smallest numbered items, renumbering across parts, and the closing validity sentence', () => {
    const r = compareFiles(g60('v1.txt'), g60('v2.txt'));
    const items = ['十一', '十二', '十三', '十四', '十五', '十六', '十七', '十八', '十九', '二十', '二十一', '二十二', '二十三'];
    const part = (k: number) => (k <= 13 ? '二' : k <= 18 ? '三' : '四');
    expect(ops(r.changes)).toEqual([
      ['modified', '一/(五)', '一/(五)'],
      ['added', null, '二/(十一)'],
      ...items.slice(0, 12).map((_, i) => ['renumbered', `${part(i + 11)}/(${items[i]})`, `${part(i + 11)}/(${items[i + 1]})`]),
      ['deleted', '四/(二十三)', null],
      ['modified', '结尾', '结尾'],
    ]);
    expect(edits(r.changes[0]!)).toEqual(['+并实施', '-实施方案', '+行动计划']);
    expect(edits(r.changes[r.changes.length - 1]!)).toEqual(['-2030', '+2028']);
  });

  it('reports an item moved to another part as moved', () => {
    const r = compareFiles(g60('v1.txt'), g60('v2-moved.txt'));
    expect(ops(r.changes)).toEqual([['moved', '三/(十八)', '四/(十八)']]);
    expect(r.changes[0]!.moved).toEqual({ fromParent: '三', toParent: '四' });
    expect(r.summary).toMatchObject({ moved: 1, unchanged: 24 });
  });
});

describe('compare: a law with chapters (增值税法)', () => {
  it('reports an article moved to another chapter and a cross-reference edit', () => {
    const r = compareFiles(vat('v1.md'), vat('v2.md'));
    const chapter = (n: number) => (n <= 13 ? '第二章' : '第三章');
    const shifted = (from: number, to: number) =>
      Array.from({ length: to - from + 1 }, (_, k) => from + k).map((n) =>
        [n === 19 ? 'modified' : 'renumbered', `${chapter(n)}/${art2(n)}`, `${chapter(n)}/${art2(n - 1)}`],
      );
    expect(ops(r.changes)).toEqual([...shifted(10, 22), ['moved', '第一章/第九条', '第三章/第二十二条']]);
    const crossRef = r.changes.find((c) => c.old === '第三章/第十九条')!;
    expect(edits(crossRef)).toEqual(['-第五条', '+第六条']);
    expect(r.changes[r.changes.length - 1]!.moved).toEqual({ fromParent: '第一章', toParent: '第三章' });
  });
});

function art2(n: number): string {
  const tens = Math.floor(n / 10);
  const ones = n % 10;
  const t = tens === 0 ? '' : tens === 1 ? '十' : `${CN[tens]}十`;
  return `第${t}${ones === 0 ? '' : CN[ones]}条`;
}
