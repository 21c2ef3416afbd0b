/**
 * Sources beyond one web page, on real Redis, Postgres and Chromium: local files and directories
 * (`sources add ./dir --every 1h`, read by a worker process), conditional fetching of rendered
 * pages against the test HTTP server (304 or unchanged raw bytes: no rendering), and the browser
 * pool launched lazily and closed after its idle timeout.
 */
import { mkdtemp, mkdir, rm, utimes, writeFile } from 'node:fs/promises';
import { readFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { UnrecoverableError } from 'bullmq';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findSource, upsertSource } from '../../db/source.repository.ts';
import { toJobError } from '../../workers/errors.ts';
import { fetchSource, type FetchOutcome } from '../../workers/fetch-source.ts';
import { BrowserPool } from '../../workers/render.ts';
import { runCli } from '../cli/run-cli.ts';
import { clearDatabase, createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import {
  BULLETIN_TEXT, conditionalPage, deletePrefix, gbk, jsBuiltPage, obliterate, POLICY_PHRASE, POLICY_TEXT, REDIS_URL, spawnCli, startSite, stop, testContext,
  testPrefix, testWorkerConfig, until, workerEnv, type FixtureSite,
} from './helpers.ts';

let tdb: TestDatabase;
let site: FixtureSite;
let ctx: ReturnType<typeof testContext>;
let dir: string;

beforeAll(async () => {
  tdb = await createTestDatabase('postgres');
  site = await startSite();
  ctx = testContext(tdb.db, testWorkerConfig(testPrefix(), { fetchMaxBytes: 200_000, fetchTimeoutMs: 5_000 }));
});
afterAll(async () => {
  await ctx?.close();
  await site?.close();
  await tdb?.close();
});
beforeEach(async () => {
  await clearDatabase(tdb.db);
  await obliterate(ctx.queues);
  site.hits.clear();
  site.headers.clear();
  dir = await mkdtemp(join(tmpdir(), 'pt-sources-'));
  return () => rm(dir, { recursive: true, force: true });
});

const fetchOnce = (sourceId: number): Promise<FetchOutcome> => fetchSource(ctx, { sourceId }, { scheduledAt: null, jobId: 'test' });

async function fileSource(path: string) {
  return (await upsertSource(tdb.db, { location: pathToFileURL(path).href, everySeconds: 3600, file: true })).source;
}

async function ingestJobs(): Promise<number> {
  return (await ctx.queues.ingest.getJobs(['waiting', 'delayed'])).length;
}

async function snapshotsOf(sourceId: number) {
  return tdb.db.selectFrom('snapshots').select(['location', 'charset', 'content_type']).where('source_id', '=', sourceId).orderBy('id').execute();
}

async function failure(p: Promise<unknown>): Promise<Error> {
  try {
    await p;
  } catch (raw) {
    return toJobError(raw);
  }
  throw new Error('expected a failure');
}

describe.sequential('file sources', () => {
  it('reads a GBK file without a declared charset; unchanged bytes end the job early; a missing file is retried, an oversized one is not', async () => {
    const path = join(dir, 'policy.txt');
    await writeFile(path, gbk(POLICY_TEXT));
    const s = await fileSource(path);
    const first = await fetchOnce(s.id);
    expect(first.kind).toBe('snapshot');
    expect(await snapshotsOf(s.id)).toEqual([{ location: path, charset: 'gb18030', content_type: 'text/plain' }]);
    expect(await ingestJobs()).toBe(1);

    await utimes(path, new Date(), new Date(Date.now() + 5_000));
    expect((await fetchOnce(s.id)).kind).toBe('unchanged');
    expect(await snapshotsOf(s.id)).toHaveLength(1);

    await rm(path);
    const gone = await failure(fetchOnce(s.id));
    expect(gone).not.toBeInstanceOf(UnrecoverableError);
    expect(gone.message).toMatch(/no such file or directory/);
    expect((await findSource(tdb.db, s.id))!.consecutiveFailures).toBe(1);

    await writeFile(path, '政'.repeat(100_000));
    const big = await failure(fetchOnce(s.id));
    expect(big).toBeInstanceOf(UnrecoverableError);
    expect(big.message).toMatch(/over the 200000-byte limit/);
  });

  it('walks a directory: new and changed files only, hidden files and README skipped', async () => {
    await writeFile(join(dir, 'a.txt'), POLICY_TEXT);
    await writeFile(join(dir, '.draft.txt'), BULLETIN_TEXT);
    await writeFile(join(dir, 'README.md'), '# index of this folder');
    await mkdir(join(dir, 'sub'));
    await writeFile(join(dir, 'sub', 'b.txt'), gbk(BULLETIN_TEXT));
    const s = await fileSource(dir);
    expect(await fetchOnce(s.id)).toEqual({ kind: 'directory', files: 2, changed: 2, failed: 0 });
    expect((await snapshotsOf(s.id)).map((x) => x.location)).toEqual([join(dir, 'a.txt'), join(dir, 'sub', 'b.txt')]);
    expect(await ingestJobs()).toBe(2);

    // Nothing changed: nothing read, nothing stored.
    expect(await fetchOnce(s.id)).toEqual({ kind: 'directory', files: 2, changed: 0, failed: 0 });
    // Touched but the same bytes; a new file; a changed file.
    await utimes(join(dir, 'a.txt'), new Date(), new Date(Date.now() + 5_000));
    await writeFile(join(dir, 'c.txt'), BULLETIN_TEXT);
    await writeFile(join(dir, 'sub', 'b.txt'), gbk(`${BULLETIN_TEXT}\n（完）`));
    expect(await fetchOnce(s.id)).toEqual({ kind: 'directory', files: 3, changed: 2, failed: 0 });
    expect((await snapshotsOf(s.id)).map((x) => x.location).slice(2).sort()).toEqual([join(dir, 'c.txt'), join(dir, 'sub', 'b.txt')]);
    expect((await findSource(tdb.db, s.id))!).toMatchObject({ lastStatus: 200, consecutiveFailures: 0, health: 'ok' });
  });

  it('`sources add ./dir` schedules a directory that a worker process reads and records; bad paths and web-only flags are refused', async () => {
    await writeFile(join(dir, 'policy.txt'), POLICY_TEXT);
    const prefix = testPrefix();
    const env = workerEnv(prefix, tdb.url!);
    const missing = await runCli(['sources', 'add', join(dir, 'nothing-here'), '--every', '1h'], env);
    expect(missing.code).toBe(1);
    expect(missing.stderr).toMatch(/nothing-here: no such file or directory/);
    const render = await runCli(['sources', 'add', dir, '--every', '1h', '--render'], env);
    expect(render.code).toBe(1);
    expect(render.stderr).toMatch(/not to files or directories/);
    expect(await tdb.db.selectFrom('sources').select('id').execute()).toEqual([]);

    const add = await runCli(['sources', 'add', pathToFileURL(dir).href, '--every', '1h'], env);
    expect(add.code).toBe(0);
    expect(add.stdout).toContain(`added #`);
    expect(add.stdout).toContain(pathToFileURL(dir).href);
    const list = JSON.parse((await runCli(['sources', 'list', '--json'], env)).stdout) as { sources: Array<{ kind: string; location: string }> };
    expect(list.sources).toMatchObject([{ kind: 'file', location: pathToFileURL(dir).href }]);

    const w = spawnCli(['worker'], env);
    try {
      await until(async () => (await tdb.db.selectFrom('documents').select('title').execute()).some((d) => d.title.includes(POLICY_PHRASE)), 30_000, 'the policy recorded');
    } finally {
      await stop(w);
    }
    const removed = await runCli(['sources', 'remove', dir], env);
    expect(removed.code).toBe(0);
    expect(removed.stdout).toMatch(/^removed #\d+ file:\/\//);
    await deletePrefix(REDIS_URL, prefix);
  });
});

describe.sequential('rendered sources fetch conditionally', () => {
  const rendered = (req: { headers: Record<string, unknown> }) => /HeadlessChromium/.test(String(req.headers['user-agent']));
  const browserLoads = (path: string) => (site.headers.get(path) ?? []).filter((h) => rendered({ headers: h })).length;

  it('a 304 to the plain conditional GET skips rendering; the browser is not even launched', async () => {
    site.route('/js-cond', conditionalPage(jsBuiltPage(POLICY_TEXT), 'text/html; charset=utf-8', '"r1"', 'Wed, 01 Jan 2025 00:00:00 GMT'));
    const { source: s } = await upsertSource(tdb.db, { location: `${site.base}/js-cond`, everySeconds: 3600, render: true, waitFor: '#app[data-ready]' });
    const first = await fetchOnce(s.id);
    expect(first.kind).toBe('snapshot');
    expect(browserLoads('/js-cond')).toBe(1);
    await ctx.browser.close();

    expect(await fetchOnce(s.id)).toEqual({ kind: 'not-modified' });
    expect(ctx.browser.launched).toBe(false);
    expect(browserLoads('/js-cond')).toBe(1);
    const plain = site.headers.get('/js-cond')!.filter((h) => !rendered({ headers: h }));
    expect(plain.at(-1)!['if-none-match']).toBe('"r1"');
    expect((await findSource(tdb.db, s.id))!.lastStatus).toBe(304);
  });

  it('raw bytes equal to those behind the last rendered snapshot skip rendering; changed bytes render again', async () => {
    let text = POLICY_TEXT;
    site.route('/js-plain', (_q, r) => void r.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(jsBuiltPage(text)));
    const { source: s } = await upsertSource(tdb.db, { location: `${site.base}/js-plain`, everySeconds: 3600, render: true, waitFor: '#app[data-ready]' });
    expect((await fetchOnce(s.id)).kind).toBe('snapshot');
    expect((await fetchOnce(s.id)).kind).toBe('unchanged');
    expect(browserLoads('/js-plain')).toBe(1);
    text = `${POLICY_TEXT}\n本意见自印发之日起施行。`;
    expect((await fetchOnce(s.id)).kind).toBe('snapshot');
    expect(browserLoads('/js-plain')).toBe(2);
    const last = await tdb.db.selectFrom('snapshots').select('bytes').where('source_id', '=', s.id).orderBy('id', 'desc').executeTakeFirstOrThrow();
    expect(new TextDecoder().decode(last.bytes)).toContain('本意见自印发之日起施行');
  });
});

/** Chromium processes that are children of this test process. */
function chromiumChildren(): number[] {
  const kids = readFileSync(`/proc/${process.pid}/task/${process.pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  return kids.filter((pid) => {
    try {
      return /chrom/.test(readFileSync(`/proc/${pid}/comm`, 'utf8'));
    } catch {
      return false;
    }
  });
}

describe.sequential('browser pool', () => {
  it('launches on the first render and closes after its idle timeout', async () => {
    site.route('/js-idle', (_q, r) => void r.writeHead(200, { 'content-type': 'text/html; charset=utf-8' }).end(jsBuiltPage(POLICY_TEXT)));
    const before = chromiumChildren().length;
    const pool = new BrowserPool(ctx.config.chromiumPath, 1, { idleMs: 500 });
    try {
      expect(pool.launched).toBe(false);
      const page = await pool.render(`${site.base}/js-idle`, { waitFor: '#app[data-ready]', timeoutMs: 10_000 });
      expect(page.html).toContain(POLICY_PHRASE);
      expect(pool.launched).toBe(true);
      expect(chromiumChildren().length).toBe(before + 1);
      await until(() => !pool.launched, 5_000, 'the idle browser to close');
      await until(() => chromiumChildren().length === before, 5_000, 'the Chromium process to exit');
      // And it comes back on demand.
      expect((await pool.render(`${site.base}/js-idle`, { waitFor: '#app[data-ready]', timeoutMs: 10_000 })).html).toContain(POLICY_PHRASE);
    } finally {
      await pool.close();
    }
  });
});
