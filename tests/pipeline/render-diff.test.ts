/**
 * The 新旧对照表 renderers (pure): real texts compared with compareProvisions, rendered as
 * Markdown and HTML; escaping of untrusted text; the one-line listing of `history`.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compareProvisions, type ProvisionChange } from '../../pipeline/compare.ts';
import { processText } from '../../pipeline/index.ts';
import {
  changesLine,
  diffJson,
  escapeHtml,
  escapeMarkdown,
  newSidePieces,
  oldSidePieces,
  renderDiffHtml,
  renderDiffMarkdown,
  tableRows,
  type VersionDiff,
} from '../../pipeline/render-diff.ts';
import { UNTRUSTED_V1, UNTRUSTED_V2 } from '../fixtures/diff/revisions.ts';

const FUND = join(import.meta.dirname, '..', 'fixtures', 'revisions', 'fund-measures');

function diffOf(oldFile: string, newFile: string): VersionDiff {
  const [a] = processText(readFileSync(oldFile, 'utf8')).documents;
  const [b] = processText(readFileSync(newFile, 'utf8')).documents;
  const { changes, summary } = compareProvisions(a!.provisions, b!.provisions);
  return {
    document: { id: 7, docNumber: b!.docNumber, title: b!.title },
    from: { seq: 1, signedOn: a!.signedOn, effective: a!.validity.effective },
    to: { seq: 2, signedOn: b!.signedOn, effective: b!.validity.effective },
    changes,
    summary,
  };
}

/** Element names that never have a closing tag. */
const VOID = new Set(['meta', 'br', 'hr', 'img', 'link', 'input', 'wbr']);

/** A small well-formedness check: every tag closes in order; returns the element names seen. */
function parseTags(html: string): string[] {
  const seen: string[] = [];
  const stack: string[] = [];
  const body = html.replace(/^<!DOCTYPE html>\s*/i, '').replace(/<style>[\s\S]*?<\/style>/, '<style></style>');
  for (const m of body.matchAll(/<(\/?)([a-zA-Z][a-zA-Z0-9]*)((?:\s+[a-zA-Z-]+(?:="[^"<>]*")?)*)\s*>|[<>]/g)) {
    if (m[2] === undefined) throw new Error(`stray ${m[0]} at ${m.index}: …${body.slice(m.index! - 30, m.index! + 30)}…`);
    const name = m[2].toLowerCase();
    if (m[1]) {
      const open = stack.pop();
      if (open !== name) throw new Error(`</${name}> closes <${open}> at ${m.index}`);
    } else {
      seen.push(name);
      if (!VOID.has(name)) stack.push(name);
    }
  }
  if (stack.length) throw new Error(`unclosed: ${stack.join(', ')}`);
  return seen;
}

describe('escaping', () => {
  it('escapes HTML special characters and drops control characters', () => {
    expect(escapeHtml(`<script>alert("x")</script> & 'y'`)).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &#39;y&#39;');
    expect(escapeHtml('a\u0000b\u0007c\r\nd')).toBe('a\uFFFDb\uFFFDc\nd');
  });

  it('escapes Markdown syntax with backslashes, also at the start of a line', () => {
    expect(escapeMarkdown('*强调* _x_ `code` [链接](u) a|b <b>&amp; ~~删~~ $x$ #')).toBe(
      '\\*强调\\* \\_x\\_ \\`code\\` \\[链接\\](u) a\\|b \\<b\\>\\&amp; \\~\\~删\\~\\~ \\$x\\$ \\#',
    );
    expect(escapeMarkdown('- 列表')).toBe('\\- 列表');
    expect(escapeMarkdown('1. 列表')).toBe('1\\. 列表');
    expect(escapeMarkdown('第一条 (一)')).toBe('第一条 (一)');
  });
});

describe('cells of the 新旧对照表', () => {
  it('keeps the old text as it was (punctuation width included) with the deleted words marked', () => {
    const diff = [
      { op: 'equal' as const, text: '政府投资基金，' },
      { op: 'delete' as const, text: '国家' },
      { op: 'insert' as const, text: '地方' },
      { op: 'equal' as const, text: '级基金（试行）。' },
    ];
    expect(oldSidePieces('政府投资基金,国家级基金(试行)。', diff)).toEqual([
      { text: '政府投资基金,', marked: false },
      { text: '国家', marked: true },
      { text: '级基金(试行)。', marked: false },
    ]);
    expect(newSidePieces('政府投资基金，地方级基金（试行）。', diff)).toEqual([
      { text: '政府投资基金，', marked: false },
      { text: '地方', marked: true },
      { text: '级基金（试行）。', marked: false },
    ]);
  });

  it('finds a deleted word at its place, not at an earlier occurrence', () => {
    const diff = [
      { op: 'equal' as const, text: '基金的基金' },
      { op: 'delete' as const, text: '的' },
      { op: 'equal' as const, text: '管理' },
    ];
    expect(oldSidePieces('基金的基金的管理', diff)).toEqual([
      { text: '基金的基金', marked: false },
      { text: '的', marked: true },
      { text: '管理', marked: false },
    ]);
  });

  it('gives one row per change: pairs, added/deleted with one side empty, renumbered as such', () => {
    const rows = tableRows(diffOf(UNTRUSTED_V1, UNTRUSTED_V2).changes);
    expect(rows.map((r) => (r.kind === 'renumbered' ? ['renumbered', r.oldName, r.newName] : [r.op, r.old?.name ?? null, r.new?.name ?? null]))).toEqual([
      ['modified', '第二条', '第二条'],
      ['added', null, '第四条'],
      ['renumbered', '第四条', '第五条'],
      ['deleted', '第五条', null],
      ['modified', '第六条', '第六条'],
    ]);
  });
});

describe('renderDiffMarkdown', () => {
  it('renders the 新旧对照表 with the title, number, versions, and the changed words marked', () => {
    const md = renderDiffMarkdown(diffOf(UNTRUSTED_V1, UNTRUSTED_V2));
    const lines = md.split('\n');
    expect(lines[0]).toBe('# 测试市促进数据服务产业发展若干措施');
    expect(md).toContain('测府办规〔2026〕3号');
    expect(md).toContain('第1版（成文 2026-01-05，施行 2026-02-01） → 第2版（成文 2026-06-01，施行 2026-02-01）');
    expect(md).toContain('## 新旧对照表');
    expect(lines).toContain('| 修改前 | 修改后 |');
    const rows = lines.filter((l) => l.startsWith('| ') && !l.startsWith('| 修改前') && !l.startsWith('| ---'));
    expect(rows).toHaveLength(5);
    expect(rows[0]).toContain('给予一次性奖励~~50~~万元');
    expect(rows[0]).toContain('给予一次性奖励**最高100**万元');
    // Untrusted markup stays text.
    expect(rows[0]).toContain('\\<script\\>alert(1)\\</script\\>');
    expect(rows[1]).toBe('|  | 第四条（新增）　**对年营业收入首次突破1亿元的企业，给予一次性奖励20万元。** |');
    expect(rows[2]).toBe('| 第四条 | 第五条（仅序号变化） |');
    expect(rows[3]).toBe('| 第五条（删除）　~~各区应当明确责任部门，做好政策兑现工作。~~ |  |');
    expect(rows[4]).toContain('有效期至~~2028~~年1月31日');
    expect(rows[4]).toContain('有效期至**2029**年1月31日');
    // Every row has exactly two cells: no unescaped | inside.
    for (const r of rows) expect(r.replace(/\\\|/g, '').split('|')).toHaveLength(4);
  });

  it('escapes table and emphasis characters in the texts, and falls back to <ins>/<del> where ** would not hold', () => {
    const change: ProvisionChange = {
      op: 'modified',
      old: '第三条',
      new: '第三条',
      similarity: 0.8,
      diff: [
        { op: 'equal', text: '平台 | 接口*2' },
        { op: 'delete', text: '甲' },
        { op: 'insert', text: '，并报告' },
        { op: 'equal', text: '乙\n丙' },
      ],
      oldLabel: '第三条',
      newLabel: '第三条',
      oldText: '平台 | 接口*2甲乙\n丙',
      newText: '平台 | 接口*2，并报告乙\n丙',
    };
    const md = renderDiffMarkdown({ ...diffOf(UNTRUSTED_V1, UNTRUSTED_V2), changes: [change] });
    const row = md.split('\n').find((l) => l.startsWith('| 第三条'))!;
    expect(row).toBe('| 第三条　平台 \\| 接口\\*2~~甲~~乙<br>丙 | 第三条　平台 \\| 接口\\*2<ins>，并报告</ins>乙<br>丙 |');
  });
});

describe('renderDiffHtml', () => {
  it('is one valid, self-contained page with a side-by-side table', () => {
    const html = renderDiffHtml(diffOf(UNTRUSTED_V1, UNTRUSTED_V2));
    expect(html.startsWith('<!DOCTYPE html>\n<html lang="zh-CN">')).toBe(true);
    expect(html).toContain('<meta charset="utf-8">');
    expect(html).toContain('<meta name="viewport" content="width=device-width, initial-scale=1">');
    const tags = parseTags(html);
    expect(tags.filter((t) => t === 'table')).toHaveLength(1);
    expect(tags.filter((t) => t === 'tr')).toHaveLength(6); // header + 5 changes
    expect(tags).not.toContain('script');
    expect(tags).not.toContain('link');
    expect(tags).not.toContain('img');
    expect(html).not.toMatch(/\s(?:src|href)=|url\(|@import|https?:/i);
    expect(html).toContain('<th scope="col">修改前</th><th scope="col">修改后</th>');
    expect(html).toContain('给予一次性奖励<del>50</del>万元');
    expect(html).toContain('给予一次性奖励<ins>最高100</ins>万元');
    expect(html).toContain('<td colspan="2">第四条 → 第五条（仅序号变化）</td>');
    expect(html).toMatch(/<tr class="added"><td class="empty" data-label="修改前"><\/td><td data-label="修改后"><span class="name">第四条<\/span><span class="tag">新增<\/span>　<ins>对年营业收入/);
    expect(html).toMatch(/@media \(max-width:640px\)/);
  });

  it('renders untrusted markup as text', () => {
    const html = renderDiffHtml(diffOf(UNTRUSTED_V1, UNTRUSTED_V2));
    expect(html).not.toMatch(/<script/i);
    expect(html).toContain('网页代码&lt;script&gt;alert(1)&lt;/script&gt;应当以文本形式保存');
    const evil = diffOf(UNTRUSTED_V1, UNTRUSTED_V2);
    const html2 = renderDiffHtml({ ...evil, document: { id: 1, docNumber: '"><img src=x onerror=alert(1)>', title: '</title><script>x</script>' } });
    expect(html2).not.toMatch(/<script|<img/i);
    expect(() => parseTags(html2)).not.toThrow();
  });

  it('says so when nothing changed', () => {
    const d = { ...diffOf(UNTRUSTED_V1, UNTRUSTED_V2), changes: [] };
    expect(renderDiffHtml(d)).toContain('没有条文变化');
    expect(renderDiffHtml(d)).not.toContain('<table>');
    expect(renderDiffMarkdown(d)).toContain('没有条文变化');
  });
});

describe('diffJson and changesLine', () => {
  it('puts the compare contract first, then the document and the versions', () => {
    const d = diffOf(join(FUND, 'v1.txt'), join(FUND, 'v2-inserted.txt'));
    expect(Object.keys(diffJson(d))).toEqual(['changes', 'summary', 'document', 'from', 'to']);
  });

  it('lists the changed articles of a version in one line', () => {
    expect(changesLine(diffOf(UNTRUSTED_V1, UNTRUSTED_V2).changes)).toBe('修改 第二条、第六条 · 新增 第四条 · 删除 第五条 · 重新编号 1 条');
    expect(changesLine(diffOf(join(FUND, 'v1.txt'), join(FUND, 'v2-inserted.txt')).changes)).toBe('新增 第六条 · 重新编号 9 条');
    expect(changesLine([{ op: 'modified', old: '第二章/第十二条', new: '第二章/第十三条' }, { op: 'moved', old: '三/(一)', new: '四/(二)' }])).toBe(
      '修改 第十二条→第十三条 · 移动 三/(一)→四/(二)',
    );
    expect(changesLine([])).toBe('条文无实质变化');
  });
});
