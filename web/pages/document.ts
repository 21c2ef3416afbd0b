/** 文件详情: metadata, validity with its sentence, repeal and citation links, versions, outline. */
import type { DocumentHistory } from '../../db/document.repository.ts';
import type { DocumentLink } from '../../db/web.repository.ts';
import { changesLine } from '../../pipeline/render-diff.ts';
import { html, type Raw } from '../html.ts';
import { layout, statusBadge, type PageContext } from './layout.ts';
import { nextDate } from './documents.ts';

export interface OutlineProvision {
  readonly path: string;
  readonly label: string;
  readonly level: string;
  readonly heading: string | null;
  readonly text: string;
}

export interface DocumentPageData {
  readonly history: DocumentHistory;
  readonly basis: ReadonlyMap<number, string | null>;
  readonly links: readonly DocumentLink[];
  /** Seq of the version shown in the outline, with its provisions. */
  readonly outline: { readonly seq: number; readonly provisions: readonly OutlineProvision[] } | null;
  /** Last version the reader has seen (null in public mode, 0 for never). */
  readonly seen: number | null;
}

/** How a link reads, by kind and direction (the `show` command prints the same words). */
export const LINK_ZH: Readonly<Record<`${DocumentLink['kind']}-${DocumentLink['direction']}`, string>> = {
  'repeals-out': '废止',
  'repeals-in': '被废止于',
  'cites-out': '引用',
  'cites-in': '被引用于',
};

/** The other document of a link as it is named: 《title》 and number. */
export function linkName(l: DocumentLink): string {
  return [l.title ? `《${l.title}》` : null, l.docNumber].filter(Boolean).join(' ') || '（未写明）';
}

function linkItem(l: DocumentLink): Raw {
  const name = linkName(l);
  return html`<li><span class="muted">${LINK_ZH[`${l.kind}-${l.direction}`]}</span> ${l.documentId !== null ? html`<a href="/documents/${l.documentId}">${name}</a>` : html`${name} <span class="muted small">（尚未收录）</span>`}</li>`;
}

export function documentPage(ctx: PageContext, data: DocumentPageData): string {
  const d = data.history.document;
  const versions = data.history.versions;
  const last = versions[versions.length - 1];
  const current = versions.find((v) => v.effective === d.effective && v.expires === d.expires) ?? last;
  const basis = current ? data.basis.get(current.seq) ?? null : null;
  const unseen = data.seen !== null && last && data.seen > 0 && data.seen < last.seq ? last.seq - data.seen : 0;
  const depth = (p: string) => p.split('/').length - 1;
  const body = html`<p class="muted small"><a href="/">文件列表</a> › 文件详情</p>
<h1>${d.title}</h1>
<p>${statusBadge(d.status)} <span class="muted">${nextDate(d)}</span></p>
${unseen > 0 ? html`<p class="notice">自您上次查看（第${data.seen!}版）以来有 ${unseen} 个新版本。<a href="/documents/${d.id}/diff?from=${data.seen!}&amp;to=${last!.seq}">查看未读的变化 →</a></p>` : ''}
<dl class="meta">
<dt>文号</dt><dd>${d.docNumber ?? '—'}</dd>
<dt>发文机关</dt><dd>${d.issuers.join('、') || '—'}</dd>
<dt>成文日期</dt><dd>${d.signedOn ?? '—'}</dd>
<dt>施行日期</dt><dd>${d.effective ?? '未写明'}</dd>
<dt>有效期至</dt><dd>${d.expires ?? '未写明'}</dd>
${d.repealedBy ? html`<dt>废止</dt><dd>${d.endedOn ? `${d.endedOn} 起` : ''}由 <a href="/documents/${d.repealedBy.id}">《${d.repealedBy.title}》${d.repealedBy.docNumber ?? ''}</a> 废止</dd>` : ''}
<dt>类别</dt><dd>${d.kind === 'news' ? '资讯' : '政策文件'}</dd>
</dl>
<h2>效力依据</h2>
${basis ? html`<blockquote>${basis}</blockquote>` : html`<p class="muted">原文未写明施行或终止日期的句子；有效期按“未知”处理，不视为长期有效。</p>`}
${data.links.length ? html`<h2>关联文件</h2><ul>${data.links.map(linkItem)}</ul>` : ''}
<h2>版本（${versions.length}）</h2>
<ol class="timeline">${versions.map(
    (v) => html`<li${data.seen !== null && data.seen > 0 && v.seq > data.seen ? html` class="unseen"` : ''}><strong>第${v.seq}版</strong> <span class="muted small">成文 ${v.signedOn ?? '—'} · 首次收录 ${v.seenAt.slice(0, 10)}</span>${
      v.changedProvisions ? html`<br>${changesLine(v.changedProvisions)} · <a href="/documents/${d.id}/diff?from=${v.seq - 1}&amp;to=${v.seq}">与第${v.seq - 1}版对照</a>` : html`<br><span class="muted small">首个版本</span>`
    }${v.sources.length ? html`<br><span class="muted small">来源：${v.sources.slice(0, 3).join('；')}</span>` : ''}</li>`,
  )}</ol>
${versions.length > 1 ? html`<p><a class="button secondary" href="/documents/${d.id}/diff?from=1&amp;to=${last!.seq}">对照第1版与第${last!.seq}版</a></p>` : ''}
<h2>条文${data.outline ? html`<span class="muted small">（第${data.outline.seq}版）</span>` : ''}</h2>
${
  data.outline && data.outline.provisions.length
    ? html`<div class="outline">${data.outline.provisions.map((p) => {
        const pad = `padding-left:${Math.min(depth(p.path), 4) * 1.2}em`;
        return html`<div class="p lv-${p.level}" id="p-${p.path}" style="${pad}"><span class="label">${p.label}</span>${p.heading ?? ''}${p.heading && p.text ? '　' : ''}${p.text}</div>`;
      })}</div>`
    : html`<p class="muted">没有分条的正文。</p>`
}`;
  return layout(d.title, ctx, body);
}
