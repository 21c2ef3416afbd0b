/**
 * Operations: the worker runtime in-process with its dashboard, `jobs --failed` and
 * `jobs retry`, `sources list`, and `snapshots prune`, on real Redis and Postgres.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { recordSnapshot } from '../../db/snapshot.repository.ts';
import { createLogger } from '../../workers/logger.ts';
import { startWorkers, type WorkerRuntime } from '../../workers/runtime.ts';
import { runCli } from '../cli/run-cli.ts';
import { clearDatabase, createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { deletePrefix, POLICY_TEXT, REDIS_URL, startSite, testPrefix, testWorkerConfig, until, type FixtureSite } from './helpers.ts';

let tdb: TestDatabase;
let site: FixtureSite;
let runtime: WorkerRuntime;
const prefix = testPrefix();
let env: Record<string, string>;

beforeAll(async () => {
  tdb = await createTestDatabase('postgres');
  await clearDatabase(tdb.db);
  site = await startSite();
  runtime = await startWorkers({
    db: tdb.db, redisUrl: REDIS_URL, config: testWorkerConfig(prefix, { jobAttempts: 2 }), logger: createLogger('silent'), dashboardPort: 0,
  });
  env = { DATABASE_URL: tdb.url!, REDIS_URL, POLICY_TRACKER_QUEUE_PREFIX: prefix };
});
afterAll(async () => {
  await runtime?.close();
  await deletePrefix(REDIS_URL, prefix);
  await site?.close();
  await tdb?.close();
});

describe.sequential('operations', () => {
  it('lists a failed fetch, retries it once the page is there, and serves the dashboard on 127.0.0.1', async () => {
    const add = await runCli(['sources', 'add', `${site.base}/later`, '--every', '1h'], env);
    expect(add.code).toBe(0);
    expect(add.stdout).toMatch(/^added #\d+ +every 1h/);
    const { queues } = runtime.context;
    await until(async () => (await queues.fetch.getFailedCount()) === 1, 20_000, 'the fetch to fail');
    const failed = await runCli(['jobs', '--failed', '--json'], env);
    const list = JSON.parse(failed.stdout).failed as Array<{ queue: string; id: string; failedReason: string }>;
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ queue: 'fetch' });
    expect(list[0]!.failedReason).toMatch(/HTTP 404/);

    site.route('/later', (_q, r) => void r.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(POLICY_TEXT));
    const retry = await runCli(['jobs', 'retry', list[0]!.id], env);
    expect(retry.stdout).toMatch(/retrying fetch job/);
    await until(async () => (await tdb.db.selectFrom('documents').select('id').execute()).length === 1, 20_000, 'the document');

    const counts = JSON.parse((await runCli(['jobs', '--json'], env)).stdout).queues;
    expect(counts.fetch).toMatchObject({ failed: 0, schedulers: 1 });
    const sources = JSON.parse((await runCli(['sources', 'list', '--json'], env)).stdout).sources;
    expect(sources[0]).toMatchObject({ location: `${site.base}/later`, everySeconds: 3600, health: 'ok', lastStatus: 200 });

    expect(runtime.dashboard!.url).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/$/);
    const page = await fetch(runtime.dashboard!.url);
    expect(page.status).toBe(200);
    expect(await page.text()).toMatch(/policy-tracker|bull/i);

    const removed = await runCli(['sources', 'remove', `${site.base}/later`], env);
    expect(removed.code).toBe(0);
    expect(await queues.fetch.getJobSchedulersCount()).toBe(0);
  });

  it('prunes snapshots by count and by age, keeping the newest of each page', async () => {
    const day = 86_400_000;
    for (const [i, age] of [200, 120, 60, 10].entries()) {
      await recordSnapshot(tdb.db, { location: 'https://example.gov.cn/p', bytes: new TextEncoder().encode(`v${i}`), fetchedAt: new Date(Date.now() - age * day) });
    }
    const n = async () => (await tdb.db.selectFrom('snapshots').select('id').where('location', '=', 'https://example.gov.cn/p').execute()).length;
    expect((await runCli(['snapshots', 'prune'], env)).code).not.toBe(0);
    expect((await runCli(['snapshots', 'prune', '--older-than', '90d'], env)).stdout).toMatch(/pruned 2 snapshots/);
    expect(await n()).toBe(2);
    expect((await runCli(['snapshots', 'prune', '--keep', '1'], env)).stdout).toMatch(/pruned 1 snapshot /);
    expect(await n()).toBe(1);
  });
});
