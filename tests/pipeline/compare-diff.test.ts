import { describe, expect, it } from 'vitest';
import { compareJson, compareReport } from '../../cli/compare.command.ts';
import { wordDiff } from '../../pipeline/compare-diff.ts';
import { compareDocuments, compareProvisions } from '../../pipeline/compare.ts';
import { tokenize } from '../../pipeline/tokenize.ts';
import type { PolicyDocument, Provision } from '../../pipeline/types.ts';

const article = (label: string, text: string, parent = ''): Provision => ({
  path: parent ? `${parent}/${label}` : label,
  label,
  level: 'article',
  text,
  heading: null,
});

const ARTICLES = ['为加强政府投资基金布局规划和投向指导，制定本办法。', '政府投资基金应当聚焦重大战略和薄弱环节。', '本办法自发布之日起施行，有效期5年。'];

/** A policy with three articles (only what compare reads is filled in). */
function makeDocument(o: { title?: string; docNumber?: string; provisions?: Provision[] } = {}): PolicyDocument {
  const provisions = o.provisions ?? ARTICLES.map((t, i) => article(`第${'一二三'[i]}条`, t));
  return {
    title: o.title ?? '关于加强政府投资基金布局规划和投向指导的工作办法（试行）',
    docNumber: o.docNumber ?? '发改财金规〔2025〕1752号',
    issuers: [],
    signedOn: null,
    kind: 'policy',
    provisions,
    validity: { effective: null, expires: null, basis: null, repeals: [] },
    measures: [],
    text: provisions.map((p) => `${p.label} ${p.text}`).join('\n'),
    notice: null,
    docNumberRaw: null,
    publishedOn: null,
  };
}

describe('tokenize', () => {
  it('keeps article references, numbers and document-number serials whole', () => {
    expect(tokenize('依照第二十三条于2030年对〔2025〕1752号文件')).toEqual(['依照', '第二十三条', '于', '2030', '年', '对', '〔2025〕1752号', '文件']);
  });

  it('gives tokens that join back to the text', () => {
    const t = '第一百零三条之一 对在2025年5月1日至2027年12月31日发放的贷款给予12.5%贴息。';
    expect(tokenize(t).join('')).toBe(t);
  });
});

describe('wordDiff', () => {
  it('ignores punctuation width and spacing, and shows the original characters of each version', () => {
    const d = wordDiff('本办法自发布之日起施行，有效期5年。', '本办法自发布之日起施行, 有效期 3 年。');
    expect(d.diff).toEqual([
      { op: 'equal', text: '本办法自发布之日起施行, 有效期 ' },
      { op: 'delete', text: '5' },
      { op: 'insert', text: '3 ' },
      { op: 'equal', text: '年。' },
    ]);
    expect(wordDiff('（一）资产的增减；', '(一) 资产的增减;')).toEqual({ diff: [{ op: 'equal', text: '(一) 资产的增减;' }], similarity: 1 });
  });

  it('rebuilds both versions from its spans', () => {
    const a = '各单位必须依法设置会计帐簿，并保证其真实、完整。\n国有的和国有资产占控股地位的单位，必须设置总会计师。';
    const b = '各单位必须依法设置会计账簿，并保证其真实、完整。\n国有的和国有资本占控股地位或者主导地位的大、中型企业必须设置总会计师。';
    const d = wordDiff(a, b);
    expect(d.diff.filter((s) => s.op !== 'insert').map((s) => (s.op === 'equal' ? s.text : s.text)).join('')).toBe(a);
    expect(d.diff.filter((s) => s.op !== 'delete').map((s) => s.text).join('')).toBe(b);
    expect(d.similarity).toBeGreaterThan(0.7);
  });

  it('rebuilds the new text from the diff of two long unrelated texts', () => {
    const a = '国家实行统一的会计制度。'.repeat(400) + '甲乙丙丁'.repeat(500);
    const b = '违反本法规定的，依法追究法律责任。'.repeat(300) + '子丑寅卯'.repeat(500);
    const d = wordDiff(a, b);
    expect(d.diff.filter((s) => s.op !== 'delete').map((s) => s.text).join('')).toBe(b);
  });
});

describe('compareProvisions', () => {
  it('compares an article together with its items: an edit in an item modifies the article', () => {
    const before = [article('第六条', '政府投资基金不得有以下投资行为：'), { ...article('第六条', '为企业提供担保；'), path: '第六条/(一)', label: '(一)', level: 'item' as const }];
    const after = [before[0]!, { ...before[1]!, text: '为企业或项目提供担保；' }];
    const r = compareProvisions(before, after);
    expect(r.changes.map((c) => [c.op, c.old, c.new])).toEqual([['modified', '第六条', '第六条']]);
    expect(r.changes[0]!.newText).toBe('政府投资基金不得有以下投资行为：\n(一)为企业或项目提供担保；');
  });

  it('reports nothing for identical inputs and everything as added for an empty old version', () => {
    const ps = [article('第一条', '为规范会计行为，制定本法。'), article('第二条', '本法自公布之日起施行。')];
    expect(compareProvisions(ps, ps).changes).toEqual([]);
    expect(compareProvisions([], ps).changes.map((c) => c.op)).toEqual(['added', 'added']);
  });

  it('prefers the candidate that keeps order when two are equally close', () => {
    const text = '有关部门应当按照职责分工，加强监督管理。';
    const r = compareProvisions(
      [article('第一条', text), article('第二条', '甲'.repeat(30)), article('第三条', text)],
      [article('第一条', text), article('第二条', text)],
    );
    expect(r.changes.map((c) => [c.op, c.old, c.new])).toEqual([['deleted', '第二条', null], ['renumbered', '第三条', '第二条']]);
  });
});

describe('compare JSON and report', () => {
  it('keeps the contract shape for one pair and adds documents for several', () => {
    const a = makeDocument();
    const b = makeDocument({ provisions: [...a.provisions.slice(0, 2), { ...a.provisions[2]!, text: '本办法自发布之日起施行，有效期3年。' }] });
    const one = compareJson(compareDocuments([a], [b]));
    expect(Object.keys(one)).toEqual(['changes', 'summary']);
    expect(one.summary).toEqual({ modified: 1, added: 0, deleted: 0, renumbered: 0, unchanged: 2, moved: 0 });

    const other = makeDocument({ title: '政府投资基金投向评价管理办法（试行）', docNumber: '发改财金规〔2025〕1753号' });
    const two = compareJson(compareDocuments([a, other], [other, b])) as { documents: Array<{ new: { docNumber: string } }>; changes: Array<{ document: number }> };
    expect(two.documents.map((d) => d.new.docNumber)).toEqual(['发改财金规〔2025〕1753号', '发改财金规〔2025〕1752号']);
    expect(two.changes.map((c) => c.document)).toEqual([1]);
  });

  it('marks deletions and insertions in plain text off a terminal', () => {
    const a = makeDocument();
    const b = makeDocument({ provisions: [...a.provisions.slice(0, 2), { ...a.provisions[2]!, text: '本办法自发布之日起施行，有效期3年。' }] });
    const report = compareReport(compareDocuments([a], [b]), { color: false });
    expect(report).toBe(
      ['第三条 → 第三条  修改  相似度 0.94', '    本办法自发布之日起施行，有效期[-5-]{+3+}年。', '', '修改 1 · 新增 0 · 删除 0 · 重新编号 0 · 移动 0 · 未变 2', ''].join('\n'),
    );
  });
});
