/**
 * Rendering pages that build their text in JavaScript: one system Chromium per worker process
 * (never a downloaded browser), launched on first use and reused, with at most `maxContexts`
 * pages rendering at once (each in its own incognito context, closed after use), and closed
 * again after `idleMs` without a render.
 */
import { existsSync } from 'node:fs';
import type { Browser } from 'playwright-core';
import { FetchError, USER_AGENT } from './http-fetch.ts';

/**
 * Flags for a headless system Chromium in a container, chosen by measured PSS (bench/pipeline
 * --warm-browser, README "Workers and scaling"): no zygote and the GPU and network services in
 * the browser process leave one browser process plus one renderer while a page renders; one
 * renderer process at most, no site-per-process isolation (we load one page per context and
 * keep nothing), a capped V8 heap in the renderer. No --single-process: Chromium does not
 * support it.
 */
export const CHROMIUM_ARGS = [
  '--headless', '--no-sandbox', '--disable-gpu', '--disable-software-rasterizer', '--in-process-gpu', '--no-zygote',
  '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-quic',
  '--disable-dev-shm-usage', '--disable-extensions', '--mute-audio', '--renderer-process-limit=1',
  '--disable-features=site-per-process,IsolateOrigins,Translate,MediaRouter,OptimizationHints,AudioServiceOutOfProcess',
  '--enable-features=NetworkServiceInProcess2', '--js-flags=--max-old-space-size=128',
];

/** Debian's headless-only build of the same Chromium (package chromium-headless-shell): half the memory. */
export const HEADLESS_SHELL = '/usr/bin/chromium-headless-shell';
const DEFAULT_CHROMIUM = '/usr/bin/chromium';

/**
 * The executable to launch: the configured one, except that the default `/usr/bin/chromium`
 * gives way to `/usr/bin/chromium-headless-shell` when that is installed.
 */
export function chromiumExecutable(configured: string): string {
  return configured === DEFAULT_CHROMIUM && existsSync(HEADLESS_SHELL) ? HEADLESS_SHELL : configured;
}

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

export interface BrowserPoolOptions {
  /** Close the browser after this long without a render; 0 keeps it open. Default 5 minutes. */
  readonly idleMs?: number;
  /** Told when the browser starts and when it is closed for being idle. */
  readonly onEvent?: (event: 'launched' | 'idle-closed', detail: { executablePath: string; idleMs: number }) => void;
}

/** A reused browser with a bounded pool of contexts. */
export class BrowserPool {
  private browser: Promise<Browser> | null = null;
  private busy = 0;
  private readonly waiting: Array<() => void> = [];
  private idleTimer: NodeJS.Timeout | null = null;
  private readonly idleMs: number;
  private readonly onEvent: NonNullable<BrowserPoolOptions['onEvent']>;
  readonly executablePath: string;

  constructor(executablePath: string, private readonly maxContexts: number, options: BrowserPoolOptions = {}) {
    this.executablePath = chromiumExecutable(executablePath);
    this.idleMs = options.idleMs ?? 300_000;
    this.onEvent = options.onEvent ?? (() => undefined);
  }

  /** True while a browser is launched (or launching). */
  get launched(): boolean {
    return this.browser !== null;
  }

  /**
   * Launches the browser now (otherwise on first render) and renders a blank page, so that a
   * broken Chromium shows at start. The idle timer then runs as after any render.
   */
  async warm(): Promise<void> {
    await this.acquire();
    try {
      const browser = await this.launch();
      const context = await browser.newContext();
      try {
        await (await context.newPage()).setContent('<p>ok</p>');
      } finally {
        await context.close().catch(() => undefined);
      }
    } finally {
      this.release();
    }
  }

  private launch(): Promise<Browser> {
    if (!this.browser) {
      // playwright-core loads on first use: a worker with no --render source never pays for it.
      const p = import('playwright-core').then(({ chromium }) =>
        chromium.launch({ executablePath: this.executablePath, args: CHROMIUM_ARGS, timeout: 30_000 }),
      );
      this.browser = p;
      p.then(
        (b) => {
          this.onEvent('launched', { executablePath: this.executablePath, idleMs: this.idleMs });
          b.on('disconnected', () => { if (this.browser === p) this.browser = null; });
        },
        () => { if (this.browser === p) this.browser = null; },
      );
    }
    return this.browser;
  }

  private async acquire(): Promise<void> {
    if (this.idleTimer) {
      clearTimeout(this.idleTimer);
      this.idleTimer = null;
    }
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
    if (this.busy === 0 && this.idleMs > 0 && this.browser) {
      this.idleTimer = setTimeout(() => {
        this.idleTimer = null;
        if (this.busy === 0) {
          this.onEvent('idle-closed', { executablePath: this.executablePath, idleMs: this.idleMs });
          void this.close();
        }
      }, this.idleMs);
      this.idleTimer.unref();
    }
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

  /** Closes the browser (idempotent); the next render launches it again. */
  async close(): Promise<void> {
    if (this.idleTimer) {
      clearTimeout(this.idleTimer);
      this.idleTimer = null;
    }
    const b = this.browser;
    this.browser = null;
    if (b) await (await b.catch(() => null))?.close().catch(() => undefined);
  }
}
