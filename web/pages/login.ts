/** 登录 and the error pages. */
import { html } from '../html.ts';
import { layout, type PageContext } from './layout.ts';

export function loginPage(data: { next: string; failed: boolean }): string {
  const ctx: PageContext = { user: null, section: 'login' };
  return layout(
    '登录',
    ctx,
    html`<form class="login" method="post" action="/login">
<h1>登录</h1>
${data.failed ? html`<p class="error" role="alert">用户名或密码不正确。</p>` : ''}
<input type="hidden" name="next" value="${data.next}">
<label>用户名<input name="name" autocomplete="username" required autofocus></label>
<label>密码<input name="password" type="password" autocomplete="current-password" required></label>
<button class="primary" type="submit">登录</button>
</form>`,
  );
}

export function errorPage(ctx: PageContext, status: number, message: string, extra?: { candidates?: ReadonlyArray<{ id: number; docNumber: string | null; title: string }> }): string {
  const title = status === 404 ? '未找到' : status === 403 ? '无权访问' : status === 400 ? '请求有误' : '出错了';
  return layout(
    title,
    ctx,
    html`<h1>${title}</h1><p>${message}</p>${
      extra?.candidates?.length
        ? html`<ul>${extra.candidates.map((c) => html`<li><a href="/documents/${c.id}">${c.title}</a> <span class="muted">${c.docNumber ?? ''}</span></li>`)}</ul>`
        : ''
    }<p><a href="/">返回文件列表</a></p>`,
  );
}
