/**
 * Rendering pages that build their text in JavaScript: one system Chromium per worker process
 * (never a downloaded browser), launched on first use and reused, with at most `maxContexts`
 * pages rendering at once (each in its own incognito context, closed after use).
 */
import type { Browser } from 'playwright-core';
import { FetchError, USER_AGENT } from './http-fetch.ts';

/** Flags for a headless system Chromium in a container (stack notes). */
const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update',
  '--disable-sync', '--no-first-run', '--disable-quic', '--disable-dev-shm-usage',
];

/** Rendering failed (browser missing, navigation error, timeout): a fetch failure like any other. */
export class RenderError extends FetchError {}

export interface RenderedPage {
  readonly status: number;
  readonly html: string;
}

export interface RenderOptions {
  /** CSS selector to wait for; without one, waits for the network to go idle. */
  readonly waitFor?: string | null;
  readonly timeoutMs: number;
}

/** A reused browser with a bounded pool of contexts. */
export class BrowserPool {
  private browser: Promise<Browser> | null = null;
  private busy = 0;
  private readonly waiting: Array<() => void> = [];

  constructor(private readonly executablePath: string, private readonly maxContexts: number) {}

  /** Launches the browser now (otherwise on first render). */
  async warm(): Promise<void> {
    await this.launch();
  }

  private launch(): Promise<Browser> {
    if (!this.browser) {
      // playwright-core loads on first use: a worker with no --render source never pays for it.
      const p = import('playwright-core').then(({ chromium }) =>
        chromium.launch({ executablePath: this.executablePath, args: CHROMIUM_ARGS, timeout: 30_000 }),
      );
      this.browser = p;
      p.then(
        (b) => b.on('disconnected', () => { if (this.browser === p) this.browser = null; }),
        () => { if (this.browser === p) this.browser = null; },
      );
    }
    return this.browser;
  }

  private async acquire(): Promise<void> {
    if (this.busy < this.maxContexts) {
      this.busy++;
      return;
    }
    await new Promise<void>((resolve) => this.waiting.push(resolve));
  }

  private release(): void {
    const next = this.waiting.shift();
    if (next) next();
    else this.busy--;
  }

  /**
   * Loads `url`, waits for the content and returns the page's HTML.
   * @throws RenderError when the browser cannot start, navigation fails, the answer is not 2xx
   *   or the wait times out.
   */
  async render(url: string, options: RenderOptions): Promise<RenderedPage> {
    await this.acquire();
    try {
      let browser: Browser;
      try {
        browser = await this.launch();
      } catch (raw) {
        throw new RenderError(url, `cannot start Chromium at ${this.executablePath}: ${(raw as Error).message.split('\n')[0]}`, null, { cause: raw });
      }
      const context = await browser.newContext({ userAgent: `${USER_AGENT} HeadlessChromium`, javaScriptEnabled: true });
      try {
        const page = await context.newPage();
        const res = await page
          .goto(url, { waitUntil: options.waitFor ? 'domcontentloaded' : 'networkidle', timeout: options.timeoutMs })
          .catch((raw: Error) => { throw new RenderError(url, raw.message.split('\n')[0] ?? 'navigation failed', null, { cause: raw }); });
        const status = res?.status() ?? 200;
        if (status < 200 || status >= 300) throw new RenderError(url, `HTTP ${status}`, status);
        if (options.waitFor) {
          await page.waitForSelector(options.waitFor, { timeout: options.timeoutMs }).catch((raw: Error) => {
            throw new RenderError(url, `"${options.waitFor}" did not appear within ${options.timeoutMs} ms`, status, { cause: raw });
          });
        }
        return { status, html: await page.content() };
      } finally {
        await context.close().catch(() => undefined);
      }
    } finally {
      this.release();
    }
  }

  /** Closes the browser (idempotent). */
  async close(): Promise<void> {
    const b = this.browser;
    this.browser = null;
    if (b) await (await b.catch(() => null))?.close().catch(() => undefined);
  }
}
