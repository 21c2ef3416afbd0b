/**
 * render-diff: the changes between two versions of a document as a 新旧对照表 (side-by-side
 * table, old article | new article, changed words marked) in Markdown or as one self-contained
 * HTML page, and the `diff --json` shape. Pure: data in, string out.
 *
 * Policy pages are untrusted input: every character of their texts is escaped (HTML entities,
 * Markdown backslash escapes), and the HTML holds no script and loads nothing.
 *
 * @example
 * const html = renderDiffHtml({ document, from, to, changes, summary });
 */
import type { CompareSummary, DiffSpan, ProvisionChange } from './compare.ts';
import type { IsoDate } from './types.ts';

/** One side of the comparison. */
export interface DiffVersion {
  readonly seq: number;
  readonly signedOn: IsoDate | null;
  readonly effective: IsoDate | null;
}

/** The changes between two stored versions of one document (`diff --json`). */
export interface VersionDiff {
  readonly document: { readonly id: number; readonly docNumber: string | null; readonly title: string };
  readonly from: DiffVersion;
  readonly to: DiffVersion;
  readonly changes: readonly ProvisionChange[];
  readonly summary: CompareSummary;
}

/** `diff --json`: the `compare --json` contract first, then what was compared. */
export function diffJson(d: VersionDiff): Record<string, unknown> {
  return { changes: d.changes, summary: d.summary, document: d.document, from: d.from, to: d.to };
}

/** A run of text in one cell; `marked` runs are the deleted (old side) or inserted (new side) words. */
export interface Piece {
  readonly text: string;
  readonly marked: boolean;
}

/** One row of the 新旧对照表. */
export type TableRow =
  | {
      readonly kind: 'pair';
      readonly op: ProvisionChange['op'];
      /** Null on the side where the article does not exist (added / deleted). */
      readonly old: { readonly name: string; readonly pieces: readonly Piece[] } | null;
      readonly new: { readonly name: string; readonly pieces: readonly Piece[] } | null;
      readonly notes: readonly string[];
    }
  | { readonly kind: 'renumbered'; readonly oldName: string; readonly newName: string; readonly notes: readonly string[] };

/** What each op is called in the table. */
export const OP_ZH: Readonly<Record<ProvisionChange['op'], string>> = {
  modified: '修改',
  added: '新增',
  deleted: '删除',
  renumbered: '重新编号',
  moved: '移动',
};

/** `第十二条` for articles (numbered through the whole text), else the path (`二/(三)`): an item's own label repeats. */
export function provisionName(path: string | null, label: string | null): string {
  if (label !== null && /^第.+条$/u.test(label)) return label;
  return path ?? label ?? '';
}

/** Drops empty pieces and joins neighbours with the same marking. */
function tidy(pieces: readonly Piece[]): Piece[] {
  const out: Piece[] = [];
  for (const p of pieces) {
    if (p.text === '') continue;
    const last = out[out.length - 1];
    if (last && last.marked === p.marked) out[out.length - 1] = { text: last.text + p.text, marked: p.marked };
    else out.push(p);
  }
  return out;
}

/**
 * The old side of a change: the old text as it was, with the deleted runs marked. The diff's
 * `equal` runs carry the new version's characters (which may differ in punctuation width or
 * spacing), so the deleted runs are located in the old text instead, each at the occurrence
 * nearest to where the diff puts it. Falls back to `equal` + `delete` runs when the old text is
 * unknown or a run cannot be found.
 */
export function oldSidePieces(oldText: string | null, diff: readonly DiffSpan[]): Piece[] {
  const fromSpans = tidy(diff.filter((s) => s.op !== 'insert').map((s) => ({ text: s.text, marked: s.op === 'delete' })));
  if (oldText === null) return fromSpans;
  const out: Piece[] = [];
  let cursor = 0;
  let expected = 0;
  for (const s of diff) {
    if (s.op === 'insert') continue;
    if (s.op === 'equal') {
      expected += s.text.length;
      continue;
    }
    let best = -1;
    for (let at = oldText.indexOf(s.text, cursor); at >= 0; at = oldText.indexOf(s.text, at + 1)) {
      if (best < 0 || Math.abs(at - expected) < Math.abs(best - expected)) best = at;
      if (at > expected) break;
    }
    if (best < 0) return fromSpans;
    out.push({ text: oldText.slice(cursor, best), marked: false }, { text: s.text, marked: true });
    cursor = best + s.text.length;
    expected = cursor;
  }
  out.push({ text: oldText.slice(cursor), marked: false });
  return tidy(out);
}

/** The new side: the new text with the inserted runs marked. */
export function newSidePieces(newText: string | null, diff: readonly DiffSpan[]): Piece[] {
  const pieces = tidy(diff.filter((s) => s.op !== 'delete').map((s) => ({ text: s.text, marked: s.op === 'insert' })));
  return pieces.length === 0 && newText ? [{ text: newText, marked: false }] : pieces;
}

function notesOf(c: ProvisionChange): string[] {
  const notes: string[] = [];
  const top = (p: string) => p || '（顶层）';
  if (c.moved) notes.push(`由 ${top(c.moved.fromParent)} 移至 ${top(c.moved.toParent)}`);
  if (c.mergedFrom) notes.push(`由 ${c.mergedFrom.join('、')} 合并而成`);
  if (c.mergedInto) notes.push(`并入 ${c.mergedInto}`);
  if (c.splitInto) notes.push(`拆分为 ${c.splitInto.join('、')}`);
  if (c.splitFrom) notes.push(`由 ${c.splitFrom} 拆出`);
  return notes;
}

/** The rows of the 新旧对照表, one per change, in the order of the changes. */
export function tableRows(changes: readonly ProvisionChange[]): TableRow[] {
  return changes.map((c): TableRow => {
    const oldName = provisionName(c.old, c.oldLabel);
    const newName = provisionName(c.new, c.newLabel);
    if (c.op === 'renumbered') return { kind: 'renumbered', oldName, newName, notes: notesOf(c) };
    const unchangedText = c.diff.every((s) => s.op === 'equal');
    return {
      kind: 'pair',
      op: c.op,
      old:
        c.op === 'added'
          ? null
          : { name: oldName, pieces: c.op === 'deleted' ? tidy([{ text: c.oldText ?? c.diff.map((s) => s.text).join(''), marked: true }]) : unchangedText ? tidy([{ text: c.oldText ?? '', marked: false }]) : oldSidePieces(c.oldText, c.diff) },
      new:
        c.op === 'deleted'
          ? null
          : { name: newName, pieces: c.op === 'added' ? tidy([{ text: c.newText ?? c.diff.map((s) => s.text).join(''), marked: true }]) : newSidePieces(c.newText, c.diff) },
      notes: notesOf(c),
    };
  });
}

/** `第1版（成文 2025-12-31，施行 2025-12-31）`. */
export function versionLabel(v: DiffVersion): string {
  const dates = [v.signedOn ? `成文 ${v.signedOn}` : null, v.effective ? `施行 ${v.effective}` : null].filter(Boolean);
  return `第${v.seq}版${dates.length ? `（${dates.join('，')}）` : ''}`;
}

/** `修改 1 · 新增 1 · 删除 0 · 重新编号 13 · 移动 0 · 未变 0`. */
export function summaryText(s: CompareSummary): string {
  return `修改 ${s.modified} · 新增 ${s.added} · 删除 ${s.deleted} · 重新编号 ${s.renumbered} · 移动 ${s.moved} · 未变 ${s.unchanged}`;
}

const RENUMBERED_NOTE = '（仅序号变化）';
const EMPTY_NOTE = '没有条文变化（两个版本的条文相同，或仅有标点、空格差异）。';

// ---------------------------------------------------------------- Markdown

/**
 * Characters escaped with a backslash in Markdown text: the ASCII punctuation that can start or
 * end inline syntax (emphasis, strikethrough, code, links and images, HTML and entities, table
 * cells, math, a heading's closing #s). `(`, `.`, `-` are only syntax after `]` or at the start
 * of a line, which {@link escapeMarkdown} covers separately.
 */
const MD_SPECIAL = /[\\`*_~[\]<>|&$#]/g;
/** A line start that would open a block: list item, quote, heading rule, numbered list. */
const MD_BLOCK_START = /^(\s*)([-+=]|\d+(?=[.)]))/;

/** Escapes Markdown in one line of text (also at the start of a line). */
export function escapeMarkdown(text: string): string {
  return text.replace(MD_SPECIAL, '\\$&').replace(MD_BLOCK_START, (_m, sp: string, mk: string) => (/\d/.test(mk) ? `${sp}${mk}\\` : `${sp}\\${mk}`));
}

/** Punctuation as CommonMark 0.29 / GFM reads it for emphasis (ASCII punctuation and Unicode P*). */
const MD_PUNCT = /[\p{P}!-/:-@[-`{-~]/u;
/** Punctuation as later CommonMark reads it (also Unicode symbols): used for a run's own ends. */
const MD_PUNCT_WIDE = /[\p{P}\p{S}]/u;
const MD_SPACE = /\s/u;

/**
 * Whether `**run**` / `~~run~~` would be read as emphasis between `before` and `after` (the
 * characters written just outside the delimiters; '' at the edge of a cell counts as space).
 * CommonMark's flanking rules fail when a run starts or ends with punctuation next to a letter,
 * which Chinese text does all the time (`第五条**，并**报告`).
 */
function delimitable(run: string, before: string, after: string): boolean {
  const first = run[0]!;
  const last = run[run.length - 1]!;
  if (MD_SPACE.test(first) || MD_SPACE.test(last)) return false;
  const edge = (c: string) => c === '' || MD_SPACE.test(c) || MD_PUNCT.test(c);
  if (MD_PUNCT_WIDE.test(first) && !edge(before)) return false;
  if (MD_PUNCT_WIDE.test(last) && !edge(after)) return false;
  return true;
}

/**
 * One cell: text escaped, line breaks as `<br>`, marked runs as `~~删除~~` / `**插入**`; a run
 * that emphasis would not delimit (see {@link delimitable}) is wrapped in `<del>` / `<ins>`
 * instead, which GFM renders alike.
 */
function markdownCell(pieces: readonly Piece[], mark: 'del' | 'ins'): string {
  // Split at line breaks so that no run spans a `<br>`.
  const parts: Array<{ text: string; marked: boolean } | 'br'> = [];
  for (const p of pieces) {
    p.text.split('\n').forEach((line, i) => {
      if (i > 0) parts.push('br');
      if (line !== '') parts.push({ text: escapeMarkdown(line), marked: p.marked });
    });
  }
  const delim = mark === 'del' ? '~~' : '**';
  let out = '';
  parts.forEach((p, i) => {
    if (p === 'br') {
      out += '<br>';
      return;
    }
    if (!p.marked) {
      out += p.text;
      return;
    }
    const next = parts[i + 1];
    // A marked neighbour starts with a delimiter or a tag, both punctuation.
    const after = next === undefined ? '' : next === 'br' ? '<' : next.marked ? '*' : next.text[0]!;
    const before = out === '' ? '' : out[out.length - 1]!;
    out += delimitable(p.text, before, after) ? `${delim}${p.text}${delim}` : `<${mark}>${p.text}</${mark}>`;
  });
  return out;
}

/** The 新旧对照表 as GitHub-flavoured Markdown. */
export function renderDiffMarkdown(d: VersionDiff): string {
  const lines: string[] = [];
  lines.push(`# ${escapeMarkdown(d.document.title)}`, '');
  if (d.document.docNumber) lines.push(`${escapeMarkdown(d.document.docNumber)}`, '');
  lines.push(`${escapeMarkdown(`${versionLabel(d.from)} → ${versionLabel(d.to)}`)}`, '');
  lines.push('## 新旧对照表', '');
  lines.push(`${summaryText(d.summary)}`, '');
  const rows = tableRows(d.changes);
  if (rows.length === 0) {
    lines.push(EMPTY_NOTE, '');
    return `${lines.join('\n')}`;
  }
  lines.push('| 修改前 | 修改后 |', '| --- | --- |');
  for (const r of rows) {
    const notes = r.notes.length ? `<br>（${escapeMarkdown(r.notes.join('；'))}）` : '';
    if (r.kind === 'renumbered') {
      lines.push(`| ${escapeMarkdown(r.oldName)} | ${escapeMarkdown(r.newName)}${RENUMBERED_NOTE}${notes} |`);
      continue;
    }
    const cell = (side: { name: string; pieces: readonly Piece[] } | null, mark: 'del' | 'ins', tag: string) => {
      if (side === null) return '';
      const body = markdownCell(side.pieces, mark);
      return `${escapeMarkdown(side.name)}${tag}　${body}`;
    };
    const oldTag = r.op === 'deleted' ? '（删除）' : '';
    const newTag = r.op === 'added' ? '（新增）' : r.op === 'moved' ? '（移动）' : '';
    lines.push(`| ${cell(r.old, 'del', oldTag)} | ${cell(r.new, 'ins', newTag)}${notes} |`);
  }
  lines.push('', `说明：~~删除线~~ 为删除的文字，**粗体** 为新增的文字；未列出的条文未作修改。`, '');
  return lines.join('\n');
}

// ---------------------------------------------------------------- HTML

/** Control characters other than tab and line feed are not allowed in HTML text. */
const HTML_CONTROL = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\uFDD0-\uFDEF\uFFFE\uFFFF]/gu;

/** The five characters with meaning in HTML text and attribute values, as entities. */
const HTML_ENTITY: Readonly<Record<string, string>> = { '&': '&amp;', '<': '&lt;', '>': '&gt;', '"': '&quot;', "'": '&#39;' };

/** Escapes text for HTML element content and (quoted) attribute values. */
export function escapeHtml(text: string): string {
  return text.replace(HTML_CONTROL, '\uFFFD').replace(/\r\n?/g, '\n').replace(/[&<>"']/g, (c) => HTML_ENTITY[c]!);
}

function htmlCell(pieces: readonly Piece[], mark: 'del' | 'ins'): string {
  return pieces.map((p) => (p.marked ? `<${mark}>${escapeHtml(p.text)}</${mark}>` : escapeHtml(p.text))).join('');
}

const CSS = `
:root{color-scheme:light;--ink:#1f2328;--muted:#59636e;--line:#d1d9e0;--head:#f6f8fa;--del-bg:#ffebe9;--del-ink:#a40e26;--ins-bg:#dafbe1;--ins-ink:#116329}
*{box-sizing:border-box}
body{margin:0;padding:24px;color:var(--ink);background:#fff;font:16px/1.75 "Noto Serif CJK SC","Source Han Serif SC","Songti SC","SimSun",serif}
main{max-width:1200px;margin:0 auto}
h1{font-size:1.5rem;line-height:1.4;margin:0 0 .5rem;font-family:"Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif}
.meta{margin:0;color:var(--muted);font-size:.95rem}
.summary{margin:.75rem 0 1rem;display:flex;flex-wrap:wrap;gap:.4rem;padding:0;list-style:none;font-size:.9rem}
.summary li{border:1px solid var(--line);border-radius:999px;padding:.1rem .7rem;background:var(--head)}
.legend{font-size:.9rem;color:var(--muted);margin:0 0 1rem}
table{width:100%;border-collapse:collapse;table-layout:fixed}
h2{font-size:1.15rem;margin:1.25rem 0 .5rem}
.v{white-space:nowrap}
.summary li.zero{opacity:.55}
th,td{border:1px solid var(--line);padding:.6rem .8rem;vertical-align:top;text-align:left;white-space:pre-wrap;overflow-wrap:anywhere}
thead th{background:var(--head);font-family:"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif;width:50%}
td .name{font-weight:bold;font-family:"Noto Sans CJK SC","PingFang SC","Microsoft YaHei",sans-serif}
td .tag{display:inline-block;margin-left:.4rem;font-size:.8rem;padding:0 .4rem;border-radius:4px;background:var(--head);color:var(--muted);font-family:sans-serif}
td .note{display:block;margin-top:.4rem;font-size:.85rem;color:var(--muted)}
td.empty{background:repeating-linear-gradient(135deg,#fafbfc,#fafbfc 6px,#f2f4f6 6px,#f2f4f6 12px)}
tr.renumbered td{color:var(--muted);font-size:.9rem;text-align:center;background:#fbfcfd;padding:.3rem .8rem}
del{background:var(--del-bg);color:var(--del-ink);text-decoration:line-through;text-decoration-thickness:1.5px}
ins{background:var(--ins-bg);color:var(--ins-ink);text-decoration:none;font-weight:bold}
footer{margin-top:1rem;font-size:.85rem;color:var(--muted)}
@media (max-width:640px){
body{padding:12px;font-size:15px}
h1{font-size:1.2rem}
thead{display:none}
table,tbody,tr,td{display:block;width:100%}
tr{margin:0 0 1rem;border:1px solid var(--line);border-radius:6px;overflow:hidden}
td{border:0;border-top:1px solid var(--line)}
tr td:first-child{border-top:0}
td::before{content:attr(data-label);display:block;font-size:.8rem;color:var(--muted);font-family:sans-serif}
td.empty{display:none}
tr.renumbered{margin-bottom:.5rem}
tr.renumbered td::before{content:none}
}
@media print{body{padding:0}td.empty{background:none}}
`.trim();

/**
 * The 新旧对照表 as one self-contained HTML page: inline CSS, no script, no external resource,
 * two columns on a laptop and one card per article on a phone.
 */
export function renderDiffHtml(d: VersionDiff): string {
  const e = escapeHtml;
  const rows = tableRows(d.changes);
  const body: string[] = [];
  for (const r of rows) {
    const notes = r.notes.map((n) => `<span class="note">${e(n)}</span>`).join('');
    if (r.kind === 'renumbered') {
      body.push(`<tr class="renumbered"><td colspan="2">${e(r.oldName)} → ${e(r.newName)}${RENUMBERED_NOTE}${notes}</td></tr>`);
      continue;
    }
    const cell = (side: { name: string; pieces: readonly Piece[] } | null, mark: 'del' | 'ins', label: string, tag: string, extra: string) =>
      side === null
        ? `<td class="empty" data-label="${label}"></td>`
        : `<td data-label="${label}"><span class="name">${e(side.name)}</span>${tag ? `<span class="tag">${tag}</span>` : ''}　${htmlCell(side.pieces, mark)}${extra}</td>`;
    const oldTag = r.op === 'deleted' ? '删除' : '';
    const newTag = r.op === 'added' ? '新增' : r.op === 'moved' ? '移动' : '';
    body.push(`<tr class="${r.op}">${cell(r.old, 'del', '修改前', oldTag, '')}${cell(r.new, 'ins', '修改后', newTag, notes)}</tr>`);
  }
  const s = d.summary;
  const counts: Array<[string, number]> = [
    ['修改', s.modified],
    ['新增', s.added],
    ['删除', s.deleted],
    ['重新编号', s.renumbered],
    ['移动', s.moved],
    ['未变', s.unchanged],
  ];
  const title = `${d.document.title} 新旧对照表`;
  return `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)}</title>
<style>
${CSS}
</style>
</head>
<body>
<main>
<h1>${e(d.document.title)}</h1>
${d.document.docNumber ? `<p class="meta">${e(d.document.docNumber)}</p>\n` : ''}<p class="meta"><span class="v">${e(versionLabel(d.from))}</span> → <span class="v">${e(versionLabel(d.to))}</span></p>
<ul class="summary">${counts.map(([k, v]) => `<li${v === 0 ? ' class="zero"' : ''}>${k} ${v}</li>`).join('')}</ul>
${
  rows.length === 0
    ? `<p>${EMPTY_NOTE}</p>`
    : `<p class="legend"><del>删除的文字</del>　<ins>新增的文字</ins>　未列出的条文未作修改。</p>
<h2>新旧对照表</h2>
<table>
<thead><tr><th scope="col">修改前</th><th scope="col">修改后</th></tr></thead>
<tbody>
${body.join('\n')}
</tbody>
</table>`
}
<footer>由 policy-tracker 生成。</footer>
</main>
</body>
</html>
`;
}

// ---------------------------------------------------------------- history line

/** Names listed per kind of change in {@link changesLine} before the rest is counted. */
const LINE_NAMES = 6;

/**
 * What changed in one version, in one line for `history`:
 * `修改 第五条 · 新增 第二条 · 重新编号 13 条`. Renumbered articles are counted, not named.
 */
export function changesLine(changes: ReadonlyArray<{ readonly op: ProvisionChange['op']; readonly old: string | null; readonly new: string | null }>): string {
  const name = (p: string | null) => provisionName(p, p === null ? null : p.slice(p.lastIndexOf('/') + 1));
  const parts: string[] = [];
  for (const op of ['modified', 'added', 'deleted', 'moved'] as const) {
    const names = changes
      .filter((c) => c.op === op)
      .map((c) => (op === 'added' ? name(c.new) : op === 'deleted' || name(c.old) === name(c.new) ? name(c.old) : `${name(c.old)}→${name(c.new)}`));
    if (names.length === 0) continue;
    const shown = names.slice(0, LINE_NAMES).join('、');
    parts.push(`${OP_ZH[op]} ${shown}${names.length > LINE_NAMES ? ` 等 ${names.length} 处` : ''}`);
  }
  const renumbered = changes.filter((c) => c.op === 'renumbered').length;
  if (renumbered > 0) parts.push(`${OP_ZH.renumbered} ${renumbered} 条`);
  return parts.length ? parts.join(' · ') : '条文无实质变化';
}
