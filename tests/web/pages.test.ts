/**
 * The review pages in the system Chromium (playwright-core, never a downloaded browser) against
 * the running server: search by part of a number, the 新旧对照 of an inserted article, the
 * expiring page, an untrusted text rendered as text, and signing in. Screenshots at laptop and
 * phone sizes land in a temporary folder (printed), or in tests/web/screenshots/ with
 * UPDATE_SCREENSHOTS=1 so the committed ones can be refreshed on purpose.
 */
import { mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { chromium, type Browser, type Page } from 'playwright-core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { alertsDb } from '../../db/alerts.repository.ts';
import { saveSubscription } from '../../db/subscriptions.repository.ts';
import { addUser, type User } from '../../db/users.repository.ts';
import { INSERTED_ARTICLE } from '../fixtures/diff/revisions.ts';
import type { TestDatabase } from '../helpers/database.ts';
import { documentId, filledDatabase, insertFailedAlert, NUMBER_1752, startServer, UNTRUSTED_NUMBER } from './server-fixture.ts';

const SHOTS = process.env.UPDATE_SCREENSHOTS ? join(import.meta.dirname, 'screenshots') : join(tmpdir(), 'policy-tracker-screenshots');
const CHROMIUM = process.env.PLAYWRIGHT_CHROMIUM ?? '/usr/bin/chromium';
const SIZES = { laptop: { width: 1280, height: 800 }, phone: { width: 390, height: 844 } } as const;

describe('review pages in Chromium', () => {
  let t: TestDatabase;
  let browser: Browser;
  let open: { app: FastifyInstance; base: string };
  let closed: { app: FastifyInstance; base: string };
  let analyst: User;

  beforeAll(async () => {
    [t, browser] = await Promise.all([
      filledDatabase(),
      chromium.launch({
        executablePath: CHROMIUM,
        args: ['--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic'],
      }),
    ]);
    open = await startServer(t, { public: true });
    closed = await startServer(t, { public: false });
    analyst = await addUser(t.db, { name: 'analyst', role: 'viewer', password: 'correct horse battery' });
    await addUser(t.db, { name: 'chief', role: 'admin', password: 'chief password 1' });
    mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    await open?.app.close();
    await closed?.app.close();
    await t?.close();
  });

  /** A page at each size; `fn` runs on both, screenshots named `<name>-laptop.png` / `-phone.png`. */
  async function atBothSizes(name: string, url: string, fn: (page: Page) => Promise<void>): Promise<void> {
    for (const [size, viewport] of Object.entries(SIZES)) {
      const context = await browser.newContext({ viewport, deviceScaleFactor: 1, locale: 'zh-CN' });
      const page = await context.newPage();
      let dialogs = 0;
      page.on('dialog', (d) => {
        dialogs++;
        void d.dismiss();
      });
      await page.goto(url);
      await fn(page);
      await page.screenshot({ path: join(SHOTS, `${name}-${size}.png`) });
      expect(dialogs).toBe(0);
      await context.close();
    }
  }

  it('search finds the 1752号 办法 by part of its number', async () => {
    await atBothSizes('list-search-1752', `${open.base}/`, async (page) => {
      await page.getByRole('searchbox').fill('1752');
      await page.getByRole('button', { name: '检索' }).click();
      await page.waitForURL(/q=1752/);
      const rows = page.locator('table.list tbody tr');
      await expect.poll(() => rows.count()).toBe(1);
      await expect.poll(() => rows.first().textContent()).toContain(NUMBER_1752);
      expect(await rows.first().locator('.badge').textContent()).toBe('现行有效');
      expect(await rows.first().locator('.next').textContent()).toBe('有效期至 2030-12-30');
    });
  });

  it('the 新旧对照 shows the inserted 第二条 as added and the following articles as renumbered, not modified', async () => {
    const id = await documentId(t, NUMBER_1752);
    await atBothSizes('diff-1752', `${open.base}/documents/${id}/diff?from=1&to=2`, async (page) => {
      const added = page.locator('tr[data-op="added"]');
      expect(await added.count()).toBe(1);
      expect(await added.locator('ins').textContent()).toBe(INSERTED_ARTICLE);
      expect(await added.textContent()).toContain('第二条');
      expect(await added.locator('.tag').textContent()).toBe('新增');
      const renumbered = page.locator('tr[data-op="renumbered"]');
      expect(await renumbered.count()).toBe(13);
      expect(await renumbered.first().textContent()).toContain('第二条 → 第三条（仅序号变化');
      expect(await renumbered.last().textContent()).toContain('第十四条 → 第十五条');
      expect(await page.locator('tr[data-op="modified"]').count()).toBe(0);
      expect(await page.locator('a', { hasText: 'Markdown' }).getAttribute('href')).toBe(`/documents/${id}/diff.md?from=1&to=2`);
    });
    // The toggle shows the unchanged 第一条 too, without script.
    const context = await browser.newContext({ viewport: SIZES.laptop, deviceScaleFactor: 1 });
    const page = await context.newPage();
    await page.goto(`${open.base}/documents/${id}/diff?from=1&to=2`);
    await page.getByRole('link', { name: '显示未变的条文' }).click();
    await page.waitForURL(/all=1/);
    expect(await page.locator('tr.unchanged').count()).toBe(1);
    expect(await page.locator('table.diff tbody tr').first().getAttribute('class')).toBe('unchanged');
    await page.screenshot({ path: join(SHOTS, 'diff-1752-all-laptop.png') });
    await context.close();
  });

  it('the document page shows its validity sentence, versions and outline', async () => {
    const id = await documentId(t, NUMBER_1752);
    await atBothSizes('document-1752', `${open.base}/documents/${id}`, async (page) => {
      expect(await page.locator('blockquote').first().textContent()).toContain('有效期5年');
      expect(await page.locator('ol.timeline li').count()).toBe(2);
      expect(await page.locator('.outline .lv-article').count()).toBe(15);
    });
  });

  it('the document page lists the texts citing it, linked: the news story (seed 000) on the 指导意见 (seed 004) opens from it', async () => {
    const guidance = await t.db.selectFrom('documents').select('id').where('title', '=', '关于金融支持新型工业化的指导意见').executeTakeFirstOrThrow();
    await atBothSizes('document-cited', `${open.base}/documents/${guidance.id}`, async (page) => {
      const item = page.locator('li', { hasText: '被引用于' }).filter({ hasText: '七部门颁文：金融支持新型工业化' });
      expect(await item.count()).toBe(1);
      await item.locator('a').first().click();
      await page.waitForURL(/\/documents\/\d+$/);
      expect(await page.locator('h1').textContent()).toContain('七部门颁文：金融支持新型工业化');
      expect(await page.locator('li', { hasText: '引用' }).filter({ hasText: '关于金融支持新型工业化的指导意见' }).count()).toBe(1);
    });
  });

  it('the expiring page on 2027-10-15 lists the Guangdong subsidy window with its sentence', async () => {
    await atBothSizes('expiring-2027-10-15', `${open.base}/expiring?on=2027-10-15`, async (page) => {
      const item = page.locator('#within-90 li', { hasText: '粤金管〔2025〕24号' });
      expect(await item.count()).toBeGreaterThanOrEqual(1);
      const text = (await item.first().textContent())!;
      expect(text).toContain('2027-12-31');
      expect(text).toContain('还剩 77 天');
      expect(await item.first().locator('blockquote').textContent()).toContain('2027年12月31日');
    });
  });

  it('a policy text holding <script> renders as text: no dialog, the text is visible', async () => {
    const id = await documentId(t, UNTRUSTED_NUMBER);
    for (const url of [`${open.base}/documents/${id}`, `${open.base}/documents/${id}/diff`]) {
      await atBothSizes(url.endsWith('diff') ? 'untrusted-diff' : 'untrusted-document', url, async (page) => {
        await expect.poll(() => page.getByText('<script>alert(1)</script>').count()).toBeGreaterThanOrEqual(1);
        expect(await page.getByText('<script>alert(1)</script>').first().isVisible()).toBe(true);
        expect(await page.locator('main script').count()).toBe(0);
      });
    }
  });

  it('without --public the pages ask to sign in, and show the list once signed in', async () => {
    const context = await browser.newContext({ viewport: SIZES.phone, deviceScaleFactor: 1 });
    const page = await context.newPage();
    await page.goto(`${closed.base}/expiring?on=2027-10-15`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await page.screenshot({ path: join(SHOTS, 'login-phone.png') });
    await page.getByLabel('用户名').fill('analyst');
    await page.getByLabel('密码').fill('wrong password!');
    await page.getByRole('button', { name: '登录' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('用户名或密码不正确');
    await page.getByLabel('用户名').fill('analyst');
    await page.getByLabel('密码').fill('correct horse battery');
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(/\/expiring\?on=2027-10-15$/);
    expect(await page.locator('header .who').textContent()).toContain('analyst');
    const cookie = (await context.cookies()).find((c) => c.name === 'pt_session')!;
    expect(cookie).toMatchObject({ httpOnly: true, sameSite: 'Lax' });
    expect(await page.content()).not.toContain(cookie.value);
    await page.getByRole('button', { name: '退出' }).click();
    await page.waitForURL(/\/login/);
    await page.goto(`${closed.base}/`);
    expect(new URL(page.url()).pathname).toBe('/login');
    await context.close();
  });

  /** A context signed in as `name` on the sign-in-required server. */
  async function signedIn(name: string, password: string, viewport: { width: number; height: number }) {
    const context = await browser.newContext({ viewport, deviceScaleFactor: 1, locale: 'zh-CN' });
    const page = await context.newPage();
    await page.goto(`${closed.base}/login`);
    await page.getByLabel('用户名').fill(name);
    await page.getByLabel('密码').fill(password);
    await page.getByRole('button', { name: '登录' }).click();
    await page.waitForURL(`${closed.base}/`);
    return { context, page };
  }

  it('the alerts page shows a failed alert with its error, and 重新发送 sends it back to the queue', async () => {
    const { subscription } = await saveSubscription(t.db, {
      channel: 'webhook',
      target: 'https://hooks.example.com/services/T0001/B0002/abcdefghijklmnopqrstuvwx',
      name: '基金团队',
      filters: { numberPrefixes: ['发改财金规'], alertKinds: ['new', 'revised'] },
      secret: 'f'.repeat(64),
      userId: analyst.id,
    });
    const id = await insertFailedAlert(t, subscription.id, await documentId(t, NUMBER_1752), 'HTTP 500 Internal Server Error from the receiver');
    for (const [size, viewport] of Object.entries(SIZES)) {
      const { context, page } = await signedIn('analyst', 'correct horse battery', viewport);
      await page.getByRole('link', { name: '告警记录' }).click();
      await page.waitForURL(/\/alerts$/);
      const item = page.locator(`#alert-${id}`);
      expect(await item.locator('.badge').textContent()).toBe(size === 'laptop' ? '发送失败' : '待发送');
      if (size === 'laptop') {
        expect(await item.locator('.failure').textContent()).toContain('HTTP 500 Internal Server Error from the receiver');
        expect(await item.locator('.failure').textContent()).toContain('receiver down for maintenance');
        expect(await item.textContent()).toContain('尝试次数5');
        expect(await item.textContent()).toContain(NUMBER_1752);
        expect(await item.textContent()).toContain('hooks.example.com/services/T0001/B0002/abcd…');
        expect(await page.content()).not.toContain('abcdefghijklmnop');
        await page.screenshot({ path: join(SHOTS, `alerts-failed-${size}.png`), fullPage: true });
        await item.getByRole('button', { name: '重新发送' }).click();
        await expect.poll(() => page.getByRole('status').textContent()).toContain(`已将 1 条告警改为待发送（#${id}）`);
        expect(await page.locator(`#alert-${id} .badge`).textContent()).toBe('待发送');
        const row = await alertsDb(t.db).selectFrom('alerts').select('status').where('id', '=', id).executeTakeFirstOrThrow();
        expect(row.status).toBe('pending');
      }
      await page.screenshot({ path: join(SHOTS, `alerts-${size}.png`), fullPage: true });
      await context.close();
    }
  });

  it('a viewer adds a webhook subscription with filters, sees its secret once, and stops it', async () => {
    for (const [size, viewport] of Object.entries(SIZES)) {
      const { context, page } = await signedIn('analyst', 'correct horse battery', viewport);
      await page.goto(`${closed.base}/subscriptions`);
      await page.getByLabel('地址（Webhook URL 或电子邮箱）').fill(`https://example.com/hooks/${size}`);
      await page.getByLabel('名称').fill(`广东金融（${size}）`);
      await page.getByLabel('地区').fill('广东');
      await page.getByLabel('文号前缀').fill('粤金管');
      await page.getByLabel('提前提醒天数').fill('90,30');
      await page.getByLabel('即将到期').check();
      await page.getByLabel('金额或上限调整').check();
      await page.getByRole('button', { name: '添加订阅' }).click();
      const notice = page.getByRole('status');
      await expect.poll(() => notice.textContent()).toContain(`已添加订阅「广东金融（${size}）」`);
      const secret = (await notice.locator('code.secret').textContent())!;
      expect(secret).toMatch(/^[0-9a-f]{64}$/);
      const item = page.locator('li.subscription', { hasText: `广东金融（${size}）` });
      expect(await item.textContent()).toContain('粤金管');
      expect(await item.textContent()).toContain('即将到期');
      expect(await item.textContent()).toContain('90 天、30 天');
      await page.screenshot({ path: join(SHOTS, `subscriptions-created-${size}.png`), fullPage: true });
      // Shown once: the list does not carry it afterwards.
      await page.goto(`${closed.base}/subscriptions`);
      expect(await page.content()).not.toContain(secret);
      await page.screenshot({ path: join(SHOTS, `subscriptions-${size}.png`), fullPage: true });
      await page.locator('li.subscription', { hasText: `广东金融（${size}）` }).getByRole('button', { name: '停止订阅' }).click();
      await expect.poll(() => page.getByRole('status').textContent()).toContain('已停止订阅');
      expect(await page.locator('li.subscription', { hasText: `广东金融（${size}）` }).count()).toBe(0);
      await context.close();
    }
  });

  it('a bad subscription form is refused with the reason, keeping what was typed', async () => {
    const { context, page } = await signedIn('analyst', 'correct horse battery', SIZES.phone);
    await page.goto(`${closed.base}/subscriptions`);
    await page.getByLabel('地址（Webhook URL 或电子邮箱）').fill('not-a-url');
    await page.getByLabel('地区').fill('上海');
    await page.getByRole('button', { name: '添加订阅' }).click();
    await expect.poll(() => page.getByRole('alert').textContent()).toContain('没有保存');
    expect(await page.getByLabel('地区').inputValue()).toBe('上海');
    await page.screenshot({ path: join(SHOTS, 'subscriptions-error-phone.png'), fullPage: true });
    await context.close();
  });

  it('a viewer cannot open /admin/queues; an admin sees the dashboard link', async () => {
    const viewer = await signedIn('analyst', 'correct horse battery', SIZES.laptop);
    expect(await viewer.page.locator('header a', { hasText: '队列' }).count()).toBe(0);
    const r = await viewer.page.goto(`${closed.base}/admin/queues`);
    expect(r?.status()).toBe(403);
    expect(await viewer.page.locator('main').textContent()).toContain('队列面板只对管理员开放');
    await viewer.page.screenshot({ path: join(SHOTS, 'queues-viewer-403-laptop.png') });
    await viewer.context.close();
    const admin = await signedIn('chief', 'chief password 1', SIZES.laptop);
    expect(await admin.page.locator('header a', { hasText: '队列' }).getAttribute('href')).toBe('/admin/queues/');
    await admin.context.close();
  });
});
