/**
 * compare on the thirteen real amendments in ../shared/corpus/real: facts checked by reading
 * the old and new texts side by side.
 */
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import type { CompareResult } from '../../pipeline/compare.ts';
import { CORPUS, compareFiles, edits, ops } from './compare-load.ts';

const cache = new Map<string, CompareResult>();
function pair(slug: string): CompareResult {
  let r = cache.get(slug);
  if (!r) cache.set(slug, (r = compareFiles(join(CORPUS, slug, 'old.md'), join(CORPUS, slug, 'new.md'))));
  return r;
}
const find = (r: CompareResult, old: string) => r.changes.find((c) => c.old === old)!;

describe('compare on real amendments', () => {
  it('gives the reviewed counts for every pair', () => {
    const counts = Object.fromEntries(
      ['chuanyuan-tiaoli', 'duiwai-maoyi-fa', 'fan-longduan-fa', 'fapiao-guanli-banfa', 'feijiu-jinshu-shougou', 'guoji-haiyun-tiaoli',
        'jiancha-fa', 'keji-jiangli-tiaoli', 'kuaiji-fa', 'npcsc-yishi-guize', 'tongji-fa'].map((s) => {
        const { modified, added, deleted, renumbered, moved, unchanged } = pair(s).summary;
        return [s, [modified, added, deleted, renumbered, moved, unchanged]];
      }),
    );
    expect(counts).toEqual({
      'chuanyuan-tiaoli': [3, 0, 1, 14, 0, 49],
      'duiwai-maoyi-fa': [6, 0, 1, 55, 0, 8],
      'fan-longduan-fa': [24, 13, 0, 31, 0, 2],
      'fapiao-guanli-banfa': [19, 0, 2, 16, 0, 8],
      'feijiu-jinshu-shougou': [2, 0, 3, 8, 0, 4],
      'guoji-haiyun-tiaoli': [14, 0, 5, 31, 0, 3],
      'jiancha-fa': [15, 9, 0, 40, 0, 14],
      'keji-jiangli-tiaoli': [8, 0, 0, 0, 0, 30],
      'kuaiji-fa': [32, 2, 3, 7, 1, 9],
      'npcsc-yishi-guize': [23, 17, 0, 13, 0, 0],
      'tongji-fa': [21, 3, 0, 27, 0, 2],
    });
  });

  it('对外贸易法 2022: deletes 第九条 and renumbers the fifty-five after it; cross-references follow', () => {
    const r = pair('duiwai-maoyi-fa');
    expect(r.changes.filter((c) => c.op === 'deleted').map((c) => c.old)).toEqual(['第二章/第九条']);
    expect(ops(r.changes).slice(0, 3)).toEqual([
      ['deleted', '第二章/第九条', null],
      ['renumbered', '第二章/第十条', '第二章/第九条'],
      ['renumbered', '第二章/第十一条', '第二章/第十条'],
    ]);
    // An edit that only follows the renumbering of the article it cites.
    const c = find(r, '第十章/第六十条');
    expect([c.op, c.new, edits(c)]).toEqual(['modified', '第十章/第五十九条', ['-第十一条', '+第十条']]);
    expect(edits(find(r, '第三章/第十八条'))).toEqual(['-第十六条和第十七条', '+第十五条和第十六条', '-第十六条和第十七条', '+第十五条和第十六条']);
  });

  it('监察法 2024: the paragraphs of old 第四十三条 moved out into new 第四十八、四十九条', () => {
    const r = pair('jiancha-fa');
    const c = find(r, '第五章/第四十三条');
    expect([c.op, c.new, c.splitInto]).toEqual(['modified', '第五章/第四十七条', ['第五章/第四十七条', '第五章/第四十八条', '第五章/第四十九条']]);
    expect(r.changes.filter((x) => x.splitFrom === '第五章/第四十三条').map((x) => [x.op, x.new])).toEqual([
      ['added', '第五章/第四十八条'],
      ['added', '第五章/第四十九条'],
    ]);
    expect(r.changes.filter((x) => x.op === 'added').map((x) => x.new)).toEqual([
      '第四章/第二十一条', '第四章/第二十三条', '第四章/第二十五条', '第五章/第四十六条', '第五章/第四十八条',
      '第五章/第四十九条', '第五章/第五十一条', '第七章/第六十二条', '第七章/第六十四条',
    ]);
  });

  it('反垄断法 2022: the definition in old 第十三条 became its own article, criminal liability left 第五十二条', () => {
    const r = pair('fan-longduan-fa');
    expect(find(r, '第二章/第十三条').splitInto).toEqual(['第二章/第十六条', '第二章/第十七条']);
    expect(find(r, '第七章/第五十二条').splitInto).toEqual(['第七章/第六十二条', '第七章/第六十七条']);
    expect(r.changes.find((c) => c.new === '第二章/第十六条')!.newText).toBe('本法所称垄断协议，是指排除、限制竞争的协议、决定或者其他协同行为。');
  });

  it('会计法 2024: 第四十三、四十四条 merged into 第四十一条; the company chapter dissolved into 第二章', () => {
    const r = pair('kuaiji-fa');
    expect(find(r, '第六章/第四十三条')).toMatchObject({ op: 'deleted', mergedInto: '第五章/第四十一条' });
    expect(find(r, '第六章/第四十四条')).toMatchObject({ op: 'modified', new: '第五章/第四十一条', mergedFrom: ['第六章/第四十三条', '第六章/第四十四条'] });
    expect(find(r, '第三章/第二十六条')).toMatchObject({ op: 'moved', new: '第二章/第二十四条', moved: { fromParent: '第三章', toParent: '第二章' } });
    expect(r.changes.filter((c) => c.op === 'deleted').map((c) => c.old)).toEqual(['第三章/第二十四条', '第三章/第二十五条', '第六章/第四十三条']);
    // The military provision left 第八条 for the supplementary chapter.
    expect(find(r, '第一章/第八条').splitInto).toEqual(['第一章/第八条', '第六章/第四十九条']);
  });

  it('发票管理办法 2023 deletes the deposit and the verification-card articles', () => {
    const r = pair('fapiao-guanli-banfa');
    expect(r.changes.filter((c) => c.op === 'deleted').map((c) => c.old)).toEqual(['第三章/第十八条', '第五章/第三十四条']);
    expect(edits(find(r, '第三章/第十七条'))).toEqual(['-购', '+用', '-购', '+用']);
  });

  it('废旧金属收购业治安管理办法 2023 deletes the licence articles', () => {
    const r = pair('feijiu-jinshu-shougou');
    expect(r.changes.filter((c) => c.op === 'deleted').map((c) => c.old)).toEqual(['第六条', '第十二条', '第十六条']);
  });

  it('刑法修正案（十二）: the seven amended articles, and nothing else but the new footnote', () => {
    const r = pair('xingfa');
    expect(r.changes.map((c) => [c.op, c.new!.split('/').pop()])).toEqual([
      ['modified', '第一百六十五条'], ['modified', '第一百六十六条'], ['modified', '第一百六十九条'], ['modified', '第三百八十七条'],
      ['modified', '第三百九十条'], ['modified', '第三百九十一条'], ['modified', '第三百九十三条'], ['modified', '第四百五十二条'],
    ]);
    expect(r.changes.every((c) => c.old === c.new)).toBe(true);
  });

  it('农业技术推广法 2024: the chapter heading missing from the old text shows as nine articles moved into 第二章', () => {
    const r = pair('nongye-jishu-tuiguang-fa');
    expect(r.changes.filter((c) => c.op === 'moved').map((c) => c.old)).toEqual(
      ['十', '十一', '十二', '十三', '十四', '十五', '十六', '十七', '十八'].map((n) => `第一章/第${n}条`),
    );
  });
});
