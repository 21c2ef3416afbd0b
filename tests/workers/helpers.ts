/**
 * Helpers of the worker tests: a real HTTP server on 127.0.0.1 serving fixture pages built from
 * the seeds, a queue namespace per test file (obliterated afterwards), a worker context on real
 * Redis and Postgres, and worker processes started as a user would (`policy-tracker worker`).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { join } from 'node:path';
import iconv from 'iconv-lite';
import type { Kysely } from 'kysely';
import { Redis } from 'ioredis';
import { loadWorkerConfig, type WorkerConfig } from '../../config.ts';
import type { Database } from '../../db/schema.ts';
import type { WorkerContext } from '../../workers/context.ts';
import { createLogger } from '../../workers/logger.ts';
import { closeQueues, openQueues, QUEUE_NAMES, type Queues } from '../../workers/queues.ts';
import { BrowserPool } from '../../workers/render.ts';

const ROOT = join(import.meta.dirname, '..', '..');
export const REDIS_URL = 'redis://127.0.0.1:6379';

/** Seed 004: the 中国政府网 page wrapping 关于金融支持新型工业化的指导意见 (one policy). */
export const POLICY_TEXT = readFileSync(join(ROOT, 'seeds', '004_817478271669fba5.txt'), 'utf8');
/** Seed 002: bulletin with four policies and four news stories. */
export const BULLETIN_TEXT = readFileSync(join(ROOT, 'seeds', '002_82c496b701662624.txt'), 'utf8');
/** A phrase of the policy's text, to look for in what was recorded or rendered. */
export const POLICY_PHRASE = '金融支持新型工业化';

/** A page whose text only exists once its script has run. */
export function jsBuiltPage(text: string): string {
  return `<!DOCTYPE html><html><head><meta charset="utf-8"><title>loading</title></head><body><div id="app"></div>
<script>setTimeout(function () { var d = document.getElementById('app'); var t = ${JSON.stringify(text)};
t.split('\\n').forEach(function (line) { var p = document.createElement('p'); p.textContent = line; d.appendChild(p); });
d.setAttribute('data-ready', '1'); }, 150);</script></body></html>`;
}

export type Handler = (req: IncomingMessage, res: ServerResponse) => void | Promise<void>;

/** A fixture site: routes by path, counts requests per path, remembers request headers. */
export interface FixtureSite {
  readonly base: string;
  readonly hits: Map<string, number[]>;
  readonly headers: Map<string, IncomingMessage['headers'][]>;
  route(path: string, handler: Handler): void;
  count(path: string): number;
  close(): Promise<void>;
}

export async function startSite(): Promise<FixtureSite> {
  const routes = new Map<string, Handler>();
  const hits = new Map<string, number[]>();
  const headers = new Map<string, IncomingMessage['headers'][]>();
  const server: Server = createServer((req, res) => {
    const path = new URL(req.url ?? '/', 'http://x').pathname;
    hits.set(path, [...(hits.get(path) ?? []), Date.now()]);
    headers.set(path, [...(headers.get(path) ?? []), req.headers]);
    const h = routes.get(path);
    if (!h) {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found');
      return;
    }
    Promise.resolve(h(req, res)).catch(() => res.destroy());
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as { port: number }).port;
  return {
    base: `http://127.0.0.1:${port}`,
    hits,
    headers,
    route: (p, h) => void routes.set(p, h),
    count: (p) => hits.get(p)?.length ?? 0,
    close: () =>
      new Promise((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

/** Serves `body` with the given content type, ETag and Last-Modified, answering 304 when they match. */
export function conditionalPage(body: Uint8Array | string, contentType: string, etag: string, lastModified: string): Handler {
  return (req, res) => {
    if (req.headers['if-none-match'] === etag || req.headers['if-modified-since'] === lastModified) {
      res.writeHead(304, { etag, 'last-modified': lastModified }).end();
      return;
    }
    res.writeHead(200, { 'content-type': contentType, etag, 'last-modified': lastModified }).end(body);
  };
}

export function gbk(text: string): Uint8Array {
  return new Uint8Array(iconv.encode(text, 'gbk'));
}

/** A queue prefix of its own for one test file (hash-tagged like the real one). */
export function testPrefix(): string {
  return `{pt-test-${randomUUID().slice(0, 8)}}`;
}

/** Worker settings for tests: fast retries, no politeness delay, short locks. */
export function testWorkerConfig(prefix: string, overrides: Partial<WorkerConfig> = {}): WorkerConfig {
  return {
    ...loadWorkerConfig({}),
    queuePrefix: prefix,
    hostIntervalMs: 0,
    fetchTimeoutMs: 2_000,
    jobAttempts: 4,
    jobBackoffMs: 200,
    brokenAfter: 3,
    lockMs: 2_000,
    scheduleSyncMs: 1_000,
    logLevel: 'warn',
    ...overrides,
  };
}

/** The environment that gives a worker process the same settings as {@link testWorkerConfig}. */
export function workerEnv(prefix: string, databaseUrl: string, redisUrl = REDIS_URL, extra: Record<string, string> = {}): Record<string, string> {
  return {
    DATABASE_URL: databaseUrl,
    REDIS_URL: redisUrl,
    POLICY_TRACKER_QUEUE_PREFIX: prefix,
    POLICY_TRACKER_HOST_INTERVAL_MS: '0',
    POLICY_TRACKER_FETCH_TIMEOUT_MS: '2000',
    POLICY_TRACKER_JOB_ATTEMPTS: '8',
    POLICY_TRACKER_JOB_BACKOFF_MS: '300',
    POLICY_TRACKER_LOCK_MS: '2000',
    POLICY_TRACKER_SCHEDULE_SYNC_MS: '1000',
    POLICY_TRACKER_LOG_LEVEL: 'info',
    ...extra,
  };
}

/** A worker context on real Redis and Postgres (no worker running: tests call processors). */
export function testContext(db: Kysely<Database>, config: WorkerConfig): WorkerContext & { close(): Promise<void> } {
  const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
  const queues = openQueues(redis, config.queuePrefix, { attempts: config.jobAttempts, backoffMs: config.jobBackoffMs });
  const browser = new BrowserPool(config.chromiumPath, config.renderContexts, { idleMs: config.browserIdleMs });
  return {
    db,
    queues,
    redis,
    browser,
    config,
    logger: createLogger('silent'),
    async close() {
      await browser.close();
      await obliterate(queues);
      await closeQueues(queues);
      await redis.quit();
    },
  };
}

/** Removes every key of the test's queues. */
export async function obliterate(queues: Queues): Promise<void> {
  for (const n of QUEUE_NAMES) await queues[n].obliterate({ force: true });
}

/** Deletes every key under a prefix (politeness keys, schedulers, everything). */
export async function deletePrefix(redisUrl: string, prefix: string): Promise<void> {
  const r = new Redis(redisUrl, { maxRetriesPerRequest: 1 });
  try {
    let cursor = '0';
    do {
      const [next, keys] = await r.scan(cursor, 'MATCH', `${prefix}:*`, 'COUNT', 1000);
      cursor = next;
      if (keys.length > 0) await r.del(...keys);
    } while (cursor !== '0');
  } finally {
    await r.quit();
  }
}

/** A `policy-tracker` child process. */
export interface CliProcess {
  readonly child: ChildProcess;
  output(): string;
  /** Resolves with the exit code (or signal) once the process has ended. */
  readonly exited: Promise<number | string>;
  waitFor(re: RegExp, timeoutMs?: number): Promise<void>;
}

export function spawnCli(args: readonly string[], env: Record<string, string>): CliProcess {
  const base = { ...process.env };
  delete base.DATABASE_URL;
  const child = spawn(process.execPath, [join(ROOT, 'bin', 'policy-tracker.js'), ...args], { env: { ...base, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
  let out = '';
  child.stdout!.on('data', (d) => (out += d));
  child.stderr!.on('data', (d) => (out += d));
  const exited = new Promise<number | string>((resolve) => child.on('exit', (code, signal) => resolve(code ?? signal ?? -1)));
  return {
    child,
    output: () => out,
    exited,
    waitFor: (re, timeoutMs = 30_000) => until(() => re.test(out), timeoutMs, `output matching ${re}`).catch((e) => {
      throw new Error(`${(e as Error).message}; output so far:\n${out.slice(-2000)}`);
    }),
  };
}

/** Polls `check` until it holds. */
export async function until(check: () => boolean | Promise<boolean>, timeoutMs = 20_000, what = 'condition'): Promise<void> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

/** Stops a worker process with SIGTERM (SIGKILL after 15 s) and waits for it. */
export async function stop(p: CliProcess): Promise<void> {
  if (p.child.exitCode !== null || p.child.signalCode !== null) return;
  p.child.kill('SIGTERM');
  const t = setTimeout(() => p.child.kill('SIGKILL'), 15_000);
  await p.exited;
  clearTimeout(t);
}
