/** 文件列表: search and filters, one row per document with its status badge and next date. */
import type { DocumentSummary } from '../../db/document.repository.ts';
import type { DocumentStatus } from '../../db/status.ts';
import type { DocumentPage } from '../../db/web.repository.ts';
import { html, queryString, type Raw } from '../html.ts';
import { layout, statusBadge, STATUS_ZH, type PageContext } from './layout.ts';

export interface ListFilters {
  readonly q?: string;
  readonly status?: DocumentStatus;
  readonly issuer?: string;
  readonly from?: string;
  readonly to?: string;
  readonly kind?: 'policy' | 'news';
}

/** The date that matters next for a document on `on`, in words. */
export function nextDate(d: DocumentSummary): string {
  switch (d.status) {
    case 'repealed':
      return d.endedOn ? `${d.endedOn} 起废止` : '已废止';
    case 'pending':
      return d.effective ? `${d.effective} 起施行` : '尚未施行';
    case 'expired':
      return d.expires ? `${d.expires} 已到期` : '已失效';
    case 'in_force':
      return d.endedOn ? `${d.endedOn} 起废止` : d.expires ? `有效期至 ${d.expires}` : '未写明终止日期';
    default:
      return '—';
  }
}

export function documentsPage(ctx: PageContext, data: { page: DocumentPage; filters: ListFilters; issuers: readonly string[]; on: string }): string {
  const f = data.filters;
  const p = data.page;
  const pages = Math.max(1, Math.ceil(p.total / p.perPage));
  const pageText = p.totalExact ? `第 ${p.page} / ${pages} 页` : `第 ${p.page} 页`;
  const link = (page: number) => `/${queryString({ ...f, page: page > 1 ? page : undefined })}`;
  const option = (value: string, label: string, current: string | undefined) =>
    html`<option value="${value}"${current === value ? html` selected` : ''}>${label}</option>`;
  const rows: Raw[] = p.documents.map(
    (d) => html`<tr>
<td class="st">${statusBadge(d.status)}</td>
<td class="t"><a href="/documents/${d.id}">${d.title}</a>${d.kind === 'news' ? html` <span class="muted small">（资讯）</span>` : ''}</td>
<td class="num">${d.docNumber ?? '—'}</td>
<td class="issuers">${d.issuers.join('、') || '—'}</td>
<td class="num">${d.signedOn ?? '—'}</td>
<td class="num next">${nextDate(d)}</td>
</tr>`,
  );
  const body = html`<h1>文件列表</h1>
<form class="filters" method="get" action="/" role="search">
<label class="q">检索（标题、文号或其中一部分如 1752、发文机关、正文）<input type="search" name="q" value="${f.q ?? ''}" placeholder="例如：1752、政府投资基金、财政部"></label>
<label>状态<select name="status">${option('', '全部', f.status ?? '')}${(Object.keys(STATUS_ZH) as DocumentStatus[]).map((s) => option(s, STATUS_ZH[s], f.status))}</select></label>
<label>发文机关<input name="issuer" list="issuers" value="${f.issuer ?? ''}" size="12"></label>
<datalist id="issuers">${data.issuers.map((i) => html`<option value="${i}">`)}</datalist>
<label>成文日期自<input type="date" name="from" value="${f.from ?? ''}"></label>
<label>至<input type="date" name="to" value="${f.to ?? ''}"></label>
<label>类别<select name="kind">${option('', '全部', f.kind ?? '')}${option('policy', '政策文件', f.kind)}${option('news', '资讯', f.kind)}</select></label>
<button class="primary" type="submit">检索</button>
</form>
<p class="muted small">${p.totalExact ? `共 ${p.total} 件` : `超过 ${p.total} 件`}，状态按 ${data.on} 计算。</p>
${
  p.documents.length === 0
    ? html`<p>没有符合条件的文件。</p>`
    : html`<table class="list">
<thead><tr><th>状态</th><th>标题</th><th>文号</th><th>发文机关</th><th>成文日期</th><th>下一日期</th></tr></thead>
<tbody>${rows}</tbody>
</table>`
}
${p.page > 1 || p.hasNext ? html`<nav class="pager">${p.page > 1 ? html`<a href="${link(p.page - 1)}">← 上一页</a>` : ''}<span class="muted">${pageText}</span>${p.hasNext ? html`<a href="${link(p.page + 1)}">下一页 →</a>` : ''}</nav>` : ''}`;
  return layout(f.q ? `检索：${f.q}` : '文件列表', ctx, body);
}
