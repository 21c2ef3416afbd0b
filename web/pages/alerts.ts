/** 告警记录 and 订阅: what was sent, what failed and why (with retry), and the reader's subscriptions. */
import type { AlertStatus } from '../../db/schema.ts';
import { CHANGE_CLASS_NAMES } from '../../pipeline/alert-message.ts';
import { ALERT_STATUSES, ALERT_TOPICS, CHANGE_CLASSES, DEFAULT_WARN_DAYS, type AlertsPage, type AlertView, type SubscriptionView } from '../alerts.ts';
import { html, queryString, type Raw } from '../html.ts';
import { csrfField, layout, type PageContext } from './layout.ts';

export const ALERT_KIND_ZH: Readonly<Record<string, string>> = {
  new_document: '新文件',
  revised_document: '文件修订',
  revised_provision: '条文修订',
  repeal: '文件废止',
  document_expiring: '文件即将到期',
  measure_expiring: '措施即将到期',
  document_expired: '文件已到期',
  measure_expired: '措施已到期',
  'source-broken': '来源故障',
  'source-recovered': '来源恢复',
};

export const ALERT_STATUS_ZH: Readonly<Record<AlertStatus, string>> = { pending: '待发送', sending: '发送中', sent: '已发送', failed: '发送失败', skipped: '已跳过' };
const STATUS_CLASS: Readonly<Record<AlertStatus, string>> = { pending: 's-pending', sending: 's-pending', sent: 's-in_force', failed: 's-repealed', skipped: 's-expired' };

const TOPIC_ZH: Readonly<Record<string, string>> = { new: '新文件', revised: '修订', repeal: '废止', expiring: '即将到期', expired: '已到期' };
const CHANNEL_ZH: Readonly<Record<string, string>> = { webhook: 'Webhook', email: '电子邮件' };

/** An instant as China time, `2026-06-01 15:04`. */
export function chinaTime(iso: string | null): string {
  if (!iso) return '—';
  return new Date(Date.parse(iso) + 8 * 3600_000).toISOString().slice(0, 16).replace('T', ' ');
}

function alertItem(ctx: PageContext, a: AlertView): Raw {
  const canRetry = ctx.user !== null && a.status === 'failed';
  return html`<li class="alert" id="alert-${a.id}" data-status="${a.status}">
<div class="alert-head"><span class="badge ${STATUS_CLASS[a.status]}">${ALERT_STATUS_ZH[a.status]}</span> <strong>${ALERT_KIND_ZH[a.kind] ?? a.kind}</strong> <span class="muted small">#${a.id} · ${chinaTime(a.createdAt)}</span></div>
<p class="summary">${a.summary || '—'}</p>
<dl class="meta small">
${a.document ? html`<dt>文件</dt><dd><a href="/documents/${a.document.id}">${a.document.title}</a> <span class="muted">${a.document.docNumber ?? ''}</span></dd>` : ''}
<dt>订阅</dt><dd>${a.subscription ? html`${a.subscription.name} <span class="muted">（${CHANNEL_ZH[a.subscription.channel] ?? a.subscription.channel}：${a.subscription.target}）</span>` : '—'}</dd>
<dt>尝试次数</dt><dd>${a.attempts}${a.sentAt ? html`，${chinaTime(a.sentAt)} 送达` : ''}${a.nextAttemptAt && a.status === 'pending' ? html`，下次尝试 ${chinaTime(a.nextAttemptAt)}` : ''}</dd>
</dl>
${
  a.lastError && a.status !== 'sent'
    ? html`<div class="failure"><div><strong>最近一次错误：</strong><span class="err">${a.lastError}</span></div>${a.response ? html`<div class="small"><strong>对方回应：</strong><code>${a.response}</code></div>` : ''}</div>`
    : ''
}
${canRetry ? html`<form method="post" action="/alerts/${a.id}/retry" class="inline">${csrfField(ctx)}<button class="primary" type="submit">重新发送</button></form>` : ''}
</li>`;
}

export function alertsPage(ctx: PageContext, data: { page: AlertsPage; status?: AlertStatus; notice?: string | null }): string {
  const c = data.page.counts;
  const total = ALERT_STATUSES.reduce((n, s) => n + c[s], 0);
  const tab = (status: AlertStatus | undefined, label: string, n: number) =>
    html`<li${data.status === status ? html` aria-current="page" class="current"` : ''}${n === 0 ? html` class="zero"` : ''}><a href="/alerts${queryString({ status })}">${label}（${n}）</a></li>`;
  const scope = ctx.user?.role === 'viewer' ? '你的订阅产生的告警' : '全部订阅产生的告警';
  const body = html`<h1>告警记录</h1>
<p class="muted small">${scope}，最新的在前。发送失败的告警在最后一次重试之后停止发送，可在此重新发送。</p>
${data.notice ? html`<p class="notice" role="status">${data.notice}</p>` : ''}
<ul class="chips tabs">${tab(undefined, '全部', total)}${ALERT_STATUSES.map((s) => tab(s, ALERT_STATUS_ZH[s], c[s]))}</ul>
${
  ctx.user && c.failed > 0 && (data.status === 'failed' || data.status === undefined)
    ? html`<form method="post" action="/alerts/retry" class="toolbar">${csrfField(ctx)}<button class="primary" type="submit">全部重新发送（${c.failed} 条失败）</button></form>`
    : !ctx.user && c.failed > 0
      ? html`<p class="muted small"><a href="/login?next=%2Falerts">登录</a>后可以重新发送失败的告警。</p>`
      : ''
}
${data.page.alerts.length === 0 ? html`<p>没有告警。</p>` : html`<ul class="items alerts">${data.page.alerts.map((a) => alertItem(ctx, a))}</ul>`}
${data.page.nextBefore !== null ? html`<nav class="pager"><a href="/alerts${queryString({ status: data.status, before: data.page.nextBefore })}">更早的告警 →</a></nav>` : ''}`;
  return layout('告警记录', ctx, body);
}

/** The filters of a subscription in words. */
export function describeFilters(s: SubscriptionView): Raw {
  const f = s.filters;
  const row = (label: string, v: readonly (string | number)[] | undefined, fallback: string) =>
    html`<dt>${label}</dt><dd>${v && v.length ? v.join('、') : html`<span class="muted">${fallback}</span>`}</dd>`;
  return html`<dl class="meta small">
${row('发文机关', f.issuers, '不限')}${row('地区', f.regions, '不限')}${row('关键词', f.keywords, '不限')}${row('文号前缀', f.numberPrefixes, '不限')}
${row('告警类型', (f.alertKinds ?? ALERT_TOPICS).map((k) => TOPIC_ZH[k] ?? k), '全部')}
${row('提前提醒', (f.warnDays ?? DEFAULT_WARN_DAYS).map((d) => `${d} 天`), '')}
${row('修订类型', f.changes?.map((k) => CHANGE_CLASS_NAMES[k] ?? k), '全部修订')}
</dl>`;
}

export interface SubscriptionForm {
  readonly [field: string]: string | string[] | undefined;
}

function formValue(form: SubscriptionForm | undefined, name: string): string {
  const v = form?.[name];
  return Array.isArray(v) ? v.join('，') : (v ?? '');
}

function isChecked(form: SubscriptionForm | undefined, name: string, value: string): boolean {
  const v = form?.[name];
  return Array.isArray(v) ? v.includes(value) : v === value;
}

function subscriptionForm(ctx: PageContext, form: SubscriptionForm | undefined, error: string | null): Raw {
  const text = (name: string, label: string, hint: string) =>
    html`<label>${label}<input name="${name}" value="${formValue(form, name)}" placeholder="${hint}"></label>`;
  const box = (name: string, value: string, label: string) =>
    html`<label class="check"><input type="checkbox" name="${name}" value="${value}"${isChecked(form, name, value) ? html` checked` : ''}> ${label}</label>`;
  const channel = formValue(form, 'channel') || 'webhook';
  return html`<form class="subscribe" method="post" action="/subscriptions">
${csrfField(ctx)}
<h2>添加订阅</h2>
${error ? html`<p class="error" role="alert">${error}</p>` : ''}
<div class="grid">
<label>接收方式<select name="channel"><option value="webhook"${channel === 'webhook' ? html` selected` : ''}>Webhook（签名的 JSON）</option><option value="email"${channel === 'email' ? html` selected` : ''}>电子邮件</option></select></label>
<label class="wide">地址（Webhook URL 或电子邮箱）<input name="target" required value="${formValue(form, 'target')}" placeholder="https://example.com/hooks/policy 或 team@example.com"></label>
${text('name', '名称', '例如：广东金融')}
${text('issuers', '发文机关', '多个用逗号分隔，例如：财政部')}
${text('regions', '地区', '例如：广东')}
${text('keywords', '关键词', '标题或正文中的词')}
${text('numberPrefixes', '文号前缀', '例如：粤金管、发改财金规')}
${text('warnDays', '提前提醒天数', DEFAULT_WARN_DAYS.join(','))}
</div>
<fieldset><legend>告警类型（不选即全部）</legend>${ALERT_TOPICS.map((k) => box('kinds', k, TOPIC_ZH[k] ?? k))}</fieldset>
<fieldset><legend>只关注这些修订（不选即全部）</legend>${CHANGE_CLASSES.map((k) => box('changes', k, CHANGE_CLASS_NAMES[k] ?? k))}</fieldset>
<button class="primary" type="submit">添加订阅</button>
</form>`;
}

export function subscriptionsPage(
  ctx: PageContext,
  data: { subscriptions: readonly SubscriptionView[]; created?: { subscription: SubscriptionView; secret: string | null; created: boolean } | null; form?: SubscriptionForm; error?: string | null; notice?: string | null },
): string {
  const admin = ctx.user?.role === 'admin';
  const item = (s: SubscriptionView) => html`<li class="subscription" id="subscription-${s.id}">
<div class="alert-head"><strong>${s.name}</strong> <span class="badge s-pending">${CHANNEL_ZH[s.channel] ?? s.channel}</span> <span class="muted small">#${s.id} · ${chinaTime(s.createdAt)} 创建${admin ? html` · ${s.owner ? `属于 ${s.owner}` : '命令行创建'}` : ''}</span></div>
<div class="small target">${s.target}</div>
${describeFilters(s)}
<p class="small"><a href="/alerts${queryString({ subscription: s.id })}">查看此订阅的告警</a></p>
${ctx.user && (admin || s.userId !== null) ? html`<form method="post" action="/subscriptions/${s.id}/delete" class="inline">${csrfField(ctx)}<button class="danger" type="submit">停止订阅</button></form>` : ''}
</li>`;
  const c = data.created;
  const body = html`<h1>${admin ? '全部订阅' : '我的订阅'}</h1>
<p class="muted small">符合条件的文件新发布、修订、废止或即将到期时发出告警；Webhook 请求带 X-Policy-Signature 签名。${admin ? '管理员可以看到所有用户和命令行创建的订阅。' : ''}</p>
${data.notice ? html`<p class="notice" role="status">${data.notice}</p>` : ''}
${
  c
    ? html`<div class="notice" role="status"><p>${c.created ? '已添加' : '已更新'}订阅「${c.subscription.name}」（#${c.subscription.id}）。</p>${
        c.secret
          ? html`<p>签名密钥（只显示这一次，请立即保存，用于验证 X-Policy-Signature）：</p><p><code class="secret">${c.secret}</code></p>`
          : ''
      }</div>`
    : ''
}
${data.subscriptions.length === 0 ? html`<p>还没有订阅。</p>` : html`<ul class="items subscriptions">${data.subscriptions.map(item)}</ul>`}
${ctx.user ? subscriptionForm(ctx, data.form, data.error ?? null) : html`<p class="muted"><a href="/login?next=%2Fsubscriptions">登录</a>后可以添加自己的订阅。</p>`}`;
  return layout('订阅', ctx, body);
}
