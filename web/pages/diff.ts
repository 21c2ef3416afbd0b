/**
 * 新旧对照: the side-by-side table of two versions (rows from pipeline/render-diff.ts), with the
 * version picker, steps to the previous and next change, the unchanged-articles toggle (a query
 * parameter, no script) and export links.
 */
import type { Provision } from '../../pipeline/types.ts';
import { tableRows, versionLabel, type Piece, type TableRow, type VersionDiff } from '../../pipeline/render-diff.ts';
import { html, queryString, type Raw } from '../html.ts';
import { layout, type PageContext } from './layout.ts';

export interface DiffPageData {
  readonly diff: VersionDiff;
  /** Every version number of the document, ascending. */
  readonly seqs: readonly number[];
  /** With the toggle on: the provisions of both versions (the unchanged ones are shown too). */
  readonly all: { readonly from: readonly Provision[]; readonly to: readonly Provision[] } | null;
}

type Row = { readonly row: TableRow } | { readonly unchanged: Provision };

/** The compared units: articles where the text has them, else the leaves of the outline. */
function units(ps: readonly Provision[]): Provision[] {
  if (ps.some((p) => p.level === 'article')) return ps.filter((p) => p.level === 'article');
  return ps.filter((p, i) => !ps.some((q, j) => j !== i && q.path.startsWith(`${p.path}/`)) && p.level !== 'preamble' && p.level !== 'closing');
}

/** The changed rows in new-text order, with the unchanged units between them. */
function allRows(d: VersionDiff, from: readonly Provision[], to: readonly Provision[]): Row[] {
  const rows = tableRows(d.changes);
  const byNew = new Map<string, number>();
  const byOld = new Map<string, number>();
  d.changes.forEach((c, i) => {
    if (c.new !== null) byNew.set(c.new, i);
    if (c.old !== null) byOld.set(c.old, i);
  });
  const out: Row[] = [];
  const used = new Set<number>();
  const oldUnits = units(from);
  for (const p of units(to)) {
    const i = byNew.get(p.path);
    if (i !== undefined) {
      out.push({ row: rows[i]! });
      used.add(i);
      // Deleted units that followed this one's old counterpart come right after it.
      const oldPath = d.changes[i]!.old ?? null;
      let k = oldPath === null ? -1 : oldUnits.findIndex((o) => o.path === oldPath);
      while (k >= 0 && k + 1 < oldUnits.length) {
        const j = byOld.get(oldUnits[k + 1]!.path);
        if (j === undefined || d.changes[j]!.op !== 'deleted' || used.has(j)) break;
        out.push({ row: rows[j]! });
        used.add(j);
        k++;
      }
    } else out.push({ unchanged: p });
  }
  rows.forEach((r, i) => {
    if (!used.has(i)) out.push({ row: r });
  });
  return out;
}

function cellText(pieces: readonly Piece[], mark: 'del' | 'ins'): Raw {
  return html`${pieces.map((p) => (p.marked ? (mark === 'del' ? html`<del>${p.text}</del>` : html`<ins>${p.text}</ins>`) : p.text))}`;
}

const TAG: Record<string, string> = { added: '新增', deleted: '删除', modified: '修改', moved: '移动' };

export function diffPage(ctx: PageContext, data: DiffPageData): string {
  const d = data.diff;
  const id = d.document.id;
  const { seq: from } = d.from;
  const { seq: to } = d.to;
  const showAll = data.all !== null;
  const here = (q: Record<string, string | number | undefined>) => `/documents/${id}/diff${queryString(q)}`;
  const rows: Row[] = showAll ? allRows(d, data.all!.from, data.all!.to) : tableRows(d.changes).map((row) => ({ row }));
  const changedCount = rows.filter((r) => 'row' in r).length;
  let n = 0;
  const body = rows.map((r): Raw => {
    if ('unchanged' in r) {
      const p = r.unchanged;
      const text = html`<span class="name">${p.label}</span>　${p.text}`;
      return html`<tr class="unchanged"><td data-label="修改前">${text}</td><td data-label="修改后">${text}</td></tr>`;
    }
    n++;
    const anchor = `c${n}`;
    const step = html`<span class="step">${n > 1 ? html`<a href="#c${n - 1}" title="上一处变化">↑</a> ` : ''}${n}/${changedCount}${n < changedCount ? html` <a href="#c${n + 1}" title="下一处变化">↓</a>` : ''}</span>`;
    const row = r.row;
    if (row.kind === 'renumbered') {
      return html`<tr class="renumbered" id="${anchor}" data-op="renumbered"><td colspan="2">${step}${row.oldName} → ${row.newName}（仅序号变化，条文未改）${row.notes.map((x) => html`<span class="note">${x}</span>`)}</td></tr>`;
    }
    const cell = (side: { name: string; pieces: readonly Piece[] } | null, mark: 'del' | 'ins', label: string, tag: string | null, extra: Raw | string) =>
      side === null
        ? html`<td class="empty" data-label="${label}"></td>`
        : html`<td data-label="${label}"><span class="name">${side.name}</span>${tag ? html`<span class="tag ${row.op}">${tag}</span>` : ''}　${cellText(side.pieces, mark)}${extra}</td>`;
    const notes = html`${row.notes.map((x) => html`<span class="note">${x}</span>`)}`;
    return html`<tr class="${row.op}" id="${anchor}" data-op="${row.op}">${cell(row.old, 'del', '修改前', row.op === 'deleted' ? TAG.deleted! : null, step)}${cell(row.new, 'ins', '修改后', row.op === 'deleted' ? null : TAG[row.op] ?? null, row.old === null ? html`${step}${notes}` : notes)}</tr>`;
  });
  const s = d.summary;
  const counts: Array<[string, number]> = [
    ['修改', s.modified],
    ['新增', s.added],
    ['删除', s.deleted],
    ['重新编号', s.renumbered],
    ['移动', s.moved],
    ['未变', s.unchanged],
  ];
  const picker = (name: string, current: number) =>
    html`<select name="${name}">${data.seqs.map((q) => html`<option value="${q}"${q === current ? html` selected` : ''}>第${q}版</option>`)}</select>`;
  const first = data.seqs[0]!;
  const last = data.seqs[data.seqs.length - 1]!;
  const prev = data.seqs.filter((q) => q < from).pop();
  const next = data.seqs.find((q) => q > to);
  const all = showAll ? '1' : undefined;
  const page = html`<p class="muted small"><a href="/">文件列表</a> › <a href="/documents/${id}">文件详情</a> › 新旧对照</p>
<h1>${d.document.title}</h1>
${d.document.docNumber ? html`<p class="muted">${d.document.docNumber}</p>` : ''}
<form class="filters" method="get" action="/documents/${id}/diff">
<label>修改前${picker('from', from)}</label><label>修改后${picker('to', to)}</label>
${showAll ? html`<input type="hidden" name="all" value="1">` : ''}
<button class="primary" type="submit">对照</button>
</form>
<p class="muted"><span>${versionLabel(d.from)}</span> → <span>${versionLabel(d.to)}</span></p>
<div class="toolbar">
${prev !== undefined ? html`<a href="${here({ from: prev, to: from, all })}">← 上一次修改（第${prev}版→第${from}版）</a>` : html`<span class="muted small">${from === first ? '已是最早版本' : ''}</span>`}
${next !== undefined ? html`<a href="${here({ from: to, to: next, all })}">下一次修改（第${to}版→第${next}版）→</a>` : html`<span class="muted small">${to === last ? '已是最新版本' : ''}</span>`}
</div>
<ul class="chips">${counts.map(([k, v]) => html`<li${v === 0 ? html` class="zero"` : ''}>${k} ${v}</li>`)}</ul>
<div class="toolbar">
${showAll ? html`<a href="${here({ from, to })}">只看变化的条文</a>` : html`<a href="${here({ from, to, all: '1' })}">显示未变的条文</a>`}
<span class="muted">导出：</span><a href="/documents/${id}/diff.html${queryString({ from, to })}">HTML</a><a href="/documents/${id}/diff.md${queryString({ from, to })}">Markdown</a>
</div>
${
  rows.length === 0
    ? html`<p>没有条文变化（两个版本的条文相同，或仅有标点、空格差异）。</p>`
    : html`<p class="muted small"><del>删除的文字</del>　<ins>新增的文字</ins>${showAll ? '' : '　未列出的条文未作修改。'}</p>
<table class="diff">
<thead><tr><th scope="col">修改前（第${from}版）</th><th scope="col">修改后（第${to}版）</th></tr></thead>
<tbody>${body}</tbody>
</table>`
}`;
  return layout(`${d.document.title} 新旧对照`, ctx, page);
}
