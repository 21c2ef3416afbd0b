/** The frame of every page: head with the inline style sheet, the navigation, the signed-in user. */
import type { DocumentStatus } from '../../db/status.ts';
import { html, type Raw } from '../html.ts';

export interface PageContext {
  /** Signed-in user's name, or null (public mode). */
  readonly user: { readonly name: string; readonly role: string } | null;
  /** Which nav entry is current. */
  readonly section: 'documents' | 'expiring' | 'alerts' | 'subscriptions' | 'login' | 'none';
  /** The session's form token (`_csrf` of every POST form); empty without a session. */
  readonly csrf?: string;
}

/** The hidden field every POST form carries. */
export function csrfField(ctx: PageContext): Raw {
  return html`<input type="hidden" name="_csrf" value="${ctx.csrf ?? ''}">`;
}

const CSS = `
:root{color-scheme:light;--ink:#1f2328;--muted:#59636e;--line:#d1d9e0;--head:#f6f8fa;--accent:#0b57d0;--del-bg:#ffebe9;--del-ink:#a40e26;--ins-bg:#dafbe1;--ins-ink:#116329}
*{box-sizing:border-box}
body{margin:0;color:var(--ink);background:#fff;font:15px/1.7 "Noto Sans CJK SC","Source Han Sans SC","PingFang SC","Microsoft YaHei",sans-serif}
a{color:var(--accent);text-decoration:none}a:hover{text-decoration:underline}
header.top{display:flex;flex-wrap:wrap;align-items:center;gap:.25rem 1.25rem;padding:.6rem 1.5rem;border-bottom:1px solid var(--line);background:var(--head)}
header.top .brand{font-weight:bold;color:var(--ink);margin-right:.5rem}
header.top nav{display:flex;gap:1rem}
header.top nav a[aria-current]{color:var(--ink);font-weight:bold;border-bottom:2px solid var(--accent)}
header.top .who{margin-left:auto;color:var(--muted);font-size:.9rem;display:flex;gap:.5rem;align-items:center}
header.top .who button{font:inherit;background:none;border:0;color:var(--accent);cursor:pointer;padding:0}
main{max-width:1200px;margin:0 auto;padding:1.25rem 1.5rem 3rem}
h1{font-size:1.45rem;line-height:1.4;margin:.25rem 0 .5rem}
h2{font-size:1.1rem;margin:1.5rem 0 .5rem;padding-bottom:.2rem;border-bottom:1px solid var(--line)}
.muted{color:var(--muted)}.small{font-size:.85rem}
.badge{display:inline-block;white-space:nowrap;font-size:.8rem;line-height:1.5;padding:0 .5rem;border-radius:999px;border:1px solid}
.s-in_force{color:#116329;background:#dafbe1;border-color:#8fd6a0}
.s-pending{color:#0b57d0;background:#e8f0fe;border-color:#a8c7fa}
.s-expired{color:#59636e;background:#f2f4f6;border-color:#d1d9e0}
.s-repealed{color:#a40e26;background:#ffebe9;border-color:#ffaba8}
.s-unknown{color:#7d4e00;background:#fff8c5;border-color:#e6cf6b}
form.filters{display:flex;flex-wrap:wrap;gap:.5rem .75rem;align-items:flex-end;margin:.5rem 0 1rem;padding:.75rem;border:1px solid var(--line);border-radius:8px;background:var(--head)}
form.filters label{display:flex;flex-direction:column;font-size:.8rem;color:var(--muted);gap:.15rem}
form.filters input,form.filters select{font:inherit;font-size:.95rem;padding:.3rem .45rem;border:1px solid var(--line);border-radius:6px;background:#fff;color:var(--ink);min-width:0}
form.filters .q{flex:1 1 18rem}
form.filters .q input{width:100%}
button.primary,a.button{font:inherit;display:inline-block;padding:.3rem .9rem;border-radius:6px;border:1px solid var(--accent);background:var(--accent);color:#fff;cursor:pointer}
a.button.secondary{background:#fff;color:var(--accent)}
table.list{width:100%;border-collapse:collapse}
table.list th,table.list td{text-align:left;vertical-align:top;padding:.55rem .6rem;border-bottom:1px solid var(--line)}
table.list th{font-size:.85rem;color:var(--muted);font-weight:normal;background:var(--head)}
table.list td.t a{font-weight:bold}
table.list .num{white-space:nowrap}
.pager{display:flex;gap:1rem;align-items:center;margin:1rem 0}
dl.meta{display:grid;grid-template-columns:max-content 1fr;gap:.3rem 1rem;margin:.5rem 0}
dl.meta dt{color:var(--muted)}dl.meta dd{margin:0;min-width:0;overflow-wrap:anywhere}
blockquote{margin:.5rem 0;padding:.4rem .9rem;border-left:4px solid var(--line);background:var(--head);font-family:"Noto Serif CJK SC","Source Han Serif SC","Songti SC",serif}
ol.timeline{list-style:none;padding:0;margin:0;border-left:2px solid var(--line)}
ol.timeline li{position:relative;padding:.2rem 0 .8rem 1rem}
ol.timeline li::before{content:"";position:absolute;left:-7px;top:.6rem;width:12px;height:12px;border-radius:50%;background:#fff;border:2px solid var(--accent)}
ol.timeline li.unseen::before{background:var(--accent)}
.notice{padding:.6rem .9rem;border:1px solid #a8c7fa;background:#e8f0fe;border-radius:8px;margin:.75rem 0}
.outline{font-family:"Noto Serif CJK SC","Source Han Serif SC","Songti SC",serif}
.outline .p{margin:.3rem 0;white-space:pre-wrap;overflow-wrap:anywhere}
.outline .lv-part,.outline .lv-chapter{font-weight:bold;margin-top:1rem;font-family:"Noto Sans CJK SC","PingFang SC",sans-serif}
.outline .lv-section{font-weight:bold}
.outline .label{font-weight:bold;margin-right:.5em;font-family:"Noto Sans CJK SC","PingFang SC",sans-serif}
.toolbar{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:center;margin:.75rem 0}
.chips{display:flex;flex-wrap:wrap;gap:.4rem;padding:0;margin:.5rem 0;list-style:none;font-size:.88rem}
.chips li{border:1px solid var(--line);border-radius:999px;padding:0 .7rem;background:var(--head)}
.chips li.zero{opacity:.55}
table.diff{width:100%;border-collapse:collapse;table-layout:fixed;font-family:"Noto Serif CJK SC","Source Han Serif SC","Songti SC",serif}
table.diff th,table.diff td{border:1px solid var(--line);padding:.55rem .75rem;vertical-align:top;text-align:left;white-space:pre-wrap;overflow-wrap:anywhere}
table.diff thead th{background:var(--head);width:50%;font-family:sans-serif}
table.diff .name{font-weight:bold;font-family:"Noto Sans CJK SC","PingFang SC",sans-serif}
table.diff .tag{display:inline-block;margin-left:.4rem;font-size:.78rem;padding:0 .45rem;border-radius:4px;font-family:sans-serif;vertical-align:1px}
.tag.added{background:var(--ins-bg);color:var(--ins-ink)}.tag.deleted{background:var(--del-bg);color:var(--del-ink)}
.tag.modified{background:#fff8c5;color:#7d4e00}.tag.moved{background:#e8f0fe;color:#0b57d0}
table.diff td.empty{background:repeating-linear-gradient(135deg,#fafbfc,#fafbfc 6px,#f2f4f6 6px,#f2f4f6 12px)}
table.diff tr.renumbered td{color:var(--muted);font-size:.9rem;text-align:center;background:#fbfcfd;padding:.3rem .75rem;font-family:sans-serif}
table.diff tr.unchanged td{color:var(--muted)}
table.diff .note{display:block;margin-top:.3rem;font-size:.85rem;color:var(--muted)}
table.diff .step{float:right;font-size:.8rem;font-family:sans-serif;font-weight:normal}
del{background:var(--del-bg);color:var(--del-ink);text-decoration:line-through}
ins{background:var(--ins-bg);color:var(--ins-ink);text-decoration:none;font-weight:bold}
ul.items{list-style:none;padding:0;margin:0}
ul.items li{padding:.7rem 0;border-bottom:1px solid var(--line)}
ul.items .when{font-weight:bold;white-space:nowrap}
.login{max-width:22rem;margin:3rem auto;padding:1.5rem;border:1px solid var(--line);border-radius:10px}
.login label{display:block;margin:.6rem 0;font-size:.9rem;color:var(--muted)}
.login input{display:block;width:100%;font:inherit;padding:.4rem .5rem;border:1px solid var(--line);border-radius:6px;margin-top:.2rem}
.error{color:var(--del-ink)}
.chips li.current{border-color:var(--accent);background:#e8f0fe;font-weight:bold}
ul.items li.alert,ul.items li.subscription{display:block}
.alert-head{display:flex;flex-wrap:wrap;gap:.2rem .5rem;align-items:center}
p.summary{margin:.3rem 0}
li.alert dl.meta,li.subscription dl.meta{margin:.3rem 0}
.failure{margin:.4rem 0;padding:.45rem .7rem;border:1px solid #ffaba8;border-left:4px solid var(--del-ink);background:#fff5f5;border-radius:6px;overflow-wrap:anywhere}
.failure .err{color:var(--del-ink)}
.failure code,code.secret{font-family:ui-monospace,"SFMono-Regular",Menlo,monospace;font-size:.85rem;overflow-wrap:anywhere;word-break:break-all}
code.secret{display:inline-block;padding:.2rem .4rem;background:#fff;border:1px solid var(--line);border-radius:4px}
.target{color:var(--muted);overflow-wrap:anywhere}
form.inline{display:inline-block;margin:.2rem 0}
button.danger{font:inherit;padding:.25rem .8rem;border-radius:6px;border:1px solid #ffaba8;background:#fff;color:var(--del-ink);cursor:pointer}
form.subscribe{margin:1.5rem 0;padding:1rem;border:1px solid var(--line);border-radius:8px;background:var(--head)}
form.subscribe h2{margin-top:0}
form.subscribe .grid{display:grid;grid-template-columns:repeat(auto-fill,minmax(15rem,1fr));gap:.5rem .9rem}
form.subscribe .grid .wide{grid-column:span 2}
form.subscribe label{display:flex;flex-direction:column;font-size:.82rem;color:var(--muted);gap:.15rem}
form.subscribe input:not([type=checkbox]),form.subscribe select{font:inherit;font-size:.95rem;padding:.3rem .45rem;border:1px solid var(--line);border-radius:6px;background:#fff;color:var(--ink);min-width:0;width:100%}
form.subscribe fieldset{border:1px solid var(--line);border-radius:6px;margin:.75rem 0;padding:.4rem .75rem;background:#fff}
form.subscribe legend{font-size:.82rem;color:var(--muted);padding:0 .3rem}
form.subscribe label.check{display:inline-flex;flex-direction:row;align-items:center;gap:.3rem;margin:.15rem 1rem .15rem 0;color:var(--ink);font-size:.9rem}
@media (max-width:700px){
header.top{padding:.5rem .75rem}
header.top .who{margin-left:0;width:100%}
main{padding:.75rem .75rem 2rem}
h1{font-size:1.2rem}
form.filters{padding:.5rem}
form.filters label{flex:1 1 40%}
form.filters .q{flex:1 1 100%}
table.list thead{display:none}
table.list,table.list tbody,table.list tr,table.list td{display:block;width:100%}
table.list tr{padding:.5rem 0;border-bottom:1px solid var(--line)}
table.list td{border:0;padding:.1rem 0}
table.list td.issuers{font-size:.85rem;color:var(--muted)}
dl.meta{gap:.2rem .75rem}
table.diff thead{display:none}
table.diff,table.diff tbody,table.diff tr,table.diff td{display:block;width:100%}
table.diff tr{margin:0 0 .9rem;border:1px solid var(--line);border-radius:6px;overflow:hidden}
table.diff td{border:0;border-top:1px solid var(--line)}
table.diff tr td:first-child{border-top:0}
table.diff td::before{content:attr(data-label);display:block;font-size:.78rem;color:var(--muted);font-family:sans-serif}
table.diff td.empty{display:none}
table.diff tr.renumbered{margin-bottom:.4rem}
table.diff tr.renumbered td::before{content:none}
form.subscribe .grid{grid-template-columns:1fr}
form.subscribe .grid .wide{grid-column:auto}
header.top nav{flex-wrap:wrap;gap:.2rem .9rem}
}
`.trim();

export const STATUS_ZH: Readonly<Record<DocumentStatus, string>> = {
  in_force: '现行有效',
  pending: '尚未施行',
  expired: '已失效',
  repealed: '已废止',
  unknown: '有效期未知',
};

export function statusBadge(status: DocumentStatus): Raw {
  return html`<span class="badge s-${status}">${STATUS_ZH[status]}</span>`;
}

export function layout(title: string, ctx: PageContext, body: Raw): string {
  const nav = (key: PageContext['section'], href: string, label: string) =>
    html`<a href="${href}"${ctx.section === key ? html` aria-current="page"` : ''}>${label}</a>`;
  const who = ctx.user
    ? html`<span class="who"><span>${ctx.user.name}（${ctx.user.role === 'admin' ? '管理员' : '查阅者'}）</span>${ctx.user.role === 'admin' ? html`<a href="/admin/queues/">队列</a>` : ''}<form method="post" action="/logout">${csrfField(ctx)}<button type="submit">退出</button></form></span>`
    : '';
  return `<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${html`${title}`} · 政策跟踪</title>
<style>${CSS}</style>
</head>
<body>
${html`<header class="top"><a class="brand" href="/">政策跟踪</a><nav>${nav('documents', '/', '文件列表')}${nav('expiring', '/expiring', '即将到期')}${nav('alerts', '/alerts', '告警记录')}${nav('subscriptions', '/subscriptions', '订阅')}</nav>${who}</header>`}
<main>
${body}
</main>
</body>
</html>
`;
}
