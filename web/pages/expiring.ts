/** 即将到期: documents and measures ending soon, grouped by window, each with its sentence. */
import type { ExpiringItem } from '../../db/expiring.repository.ts';
import { html } from '../html.ts';
import { layout, type PageContext } from './layout.ts';

/** The windows the page groups by (days from the day asked about). */
export const WINDOWS = [30, 90, 180] as const;

const MEASURE_ZH: Record<string, string> = { support: '支持措施', requirement: '要求', prohibition: '禁止性规定', target: '目标' };

export function expiringPage(ctx: PageContext, data: { on: string; items: readonly ExpiringItem[] }): string {
  const groups = WINDOWS.map((w, i) => ({
    window: w,
    items: data.items.filter((it) => it.daysLeft <= w && (i === 0 || it.daysLeft > WINDOWS[i - 1]!)),
  }));
  const body = html`<h1>即将到期</h1>
<form class="filters" method="get" action="/expiring">
<label>以此日为准<input type="date" name="on" value="${data.on}"></label>
<button class="primary" type="submit">查看</button>
</form>
<p class="muted small">${data.on} 起 ${WINDOWS[WINDOWS.length - 1]} 天内到期的文件和措施，共 ${data.items.length} 项；已被取代的版本和已生效的废止不列出。</p>
${groups.map(
  (g, i) => html`<section id="within-${g.window}">
<h2>${i === 0 ? `${g.window} 天内` : `${WINDOWS[i - 1]! + 1}–${g.window} 天`}（${g.items.length}）</h2>
${
  g.items.length === 0
    ? html`<p class="muted">无。</p>`
    : html`<ul class="items">${g.items.map(
        (it) => html`<li data-kind="${it.kind}">
<span class="when">${it.endsOn}</span> <span class="muted small">还剩 ${it.daysLeft} 天</span>
<span class="badge ${it.kind === 'document' ? 's-pending' : 's-unknown'}">${it.kind === 'document' ? '文件有效期' : MEASURE_ZH[it.measureKind ?? ''] ?? '措施'}</span><br>
<a href="/documents/${it.document.id}">${it.document.title}</a> <span class="muted">${it.document.docNumber ?? ''}</span>${it.path ? html` <span class="muted">· ${it.path}</span>` : ''}
${it.basis ? html`<blockquote>${it.basis}</blockquote>` : ''}
${it.amounts && it.amounts.length ? html`<span class="small muted">金额：${it.amounts.join('、')}</span>` : ''}
</li>`,
      )}</ul>`
}
</section>`,
)}`;
  return layout('即将到期', ctx, body);
}
