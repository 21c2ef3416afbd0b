/**
 * Worker processes (`policy-tracker worker`, as a user runs them) against real Redis and
 * Postgres, under faults: SIGKILL mid-ingest, Postgres refusing connections, Redis restarted
 * (a test-owned redis-server), and two workers sharing the same schedules.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer, Socket, type Server } from 'node:net';
import { Redis } from 'ioredis';
import pg from 'pg';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { recordSnapshot } from '../../db/snapshot.repository.ts';
import { upsertSource } from '../../db/source.repository.ts';
import { closeQueues, jobIds, openQueues, type Queues } from '../../workers/queues.ts';
import { clearDatabase, createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import {
  deletePrefix, POLICY_TEXT, REDIS_URL, spawnCli, startSite, stop, testPrefix, until, workerEnv, type CliProcess, type FixtureSite,
} from './helpers.ts';

let tdb: TestDatabase;
let site: FixtureSite;
const running: CliProcess[] = [];
const cleanups: Array<() => Promise<void>> = [];

beforeAll(async () => {
  tdb = await createTestDatabase('postgres');
  site = await startSite();
  site.route('/policy', (_q, r) => void r.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(POLICY_TEXT));
});
afterAll(async () => {
  for (const p of running) await stop(p);
  for (const c of cleanups.reverse()) await c();
  await site?.close();
  await tdb?.close();
});
beforeEach(async () => {
  await clearDatabase(tdb.db);
  site.hits.clear();
});

/** Queues of one test's namespace on `redisUrl`, removed afterwards. */
function testQueues(prefix: string, redisUrl = REDIS_URL): Queues {
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  redis.on('error', () => {});
  const queues = openQueues(redis, prefix, { attempts: 8, backoffMs: 300 });
  cleanups.push(async () => {
    await closeQueues(queues);
    redis.disconnect();
    if (redisUrl === REDIS_URL) await deletePrefix(REDIS_URL, prefix);
  });
  return queues;
}

function worker(env: Record<string, string>, args: string[] = []): CliProcess {
  const p = spawnCli(['worker', ...args], env);
  running.push(p);
  return p;
}

async function count(table: 'documents' | 'versions'): Promise<number> {
  const r = await tdb.db.selectFrom(table).select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow();
  return Number(r.n);
}

describe.sequential('worker processes under faults', () => {
  it('a worker killed with SIGKILL mid-ingest: after restart the job completes, one document, one version', async () => {
    const prefix = testPrefix();
    const env = workerEnv(prefix, tdb.url!);
    const queues = testQueues(prefix);
    const w1 = worker(env);
    await w1.waitFor(/workers started/);
    // Hold the documents table: the ingest gets as far as recording and blocks there.
    const blocker = new pg.Client({ connectionString: tdb.url! });
    await blocker.connect();
    await blocker.query('begin');
    await blocker.query('lock table documents in access exclusive mode');
    const snap = await recordSnapshot(tdb.db, { location: `${site.base}/policy`, bytes: new TextEncoder().encode(POLICY_TEXT), contentType: 'text/plain; charset=utf-8', fetchedAt: new Date() });
    const jobId = jobIds.ingest(snap.sha256);
    await queues.ingest.add('ingest', { snapshotId: snap.id }, { jobId });
    await until(async () => (await queues.ingest.getJobState(jobId)) === 'active', 15_000, 'the ingest to start');
    // The worker's recording statement, waiting for the lock (the blocker's own session excluded).
    const waiting = async () => {
      const { rows } = await blocker.query<{ n: string }>(
        `select count(*) as n from pg_stat_activity
          where datname = current_database() and pid <> pg_backend_pid() and wait_event_type = 'Lock'`,
      );
      return Number(rows[0]!.n);
    };
    await until(async () => (await waiting()) === 1, 15_000, 'the recording to wait for the lock');
    w1.child.kill('SIGKILL');
    await w1.exited;
    // The server notices the lost client while the statement still waits, and rolls it back:
    // once the lock comes free, nothing of the killed worker's recording commits.
    await until(async () => (await waiting()) === 0, 10_000, "the killed worker's statement to be rolled back");
    await blocker.query('rollback');
    await blocker.end();
    expect(await count('documents')).toBe(0);

    const w2 = worker(env);
    await until(async () => (await queues.ingest.getJobState(jobId)) === 'completed', 30_000, 'the ingest to complete after restart');
    expect(await count('documents')).toBe(1);
    expect(await count('versions')).toBe(1);
    await stop(w2);
  });

  it('Postgres refusing connections for a while: jobs retry with backoff and succeed afterwards', async () => {
    const proxy = await startProxy(5432);
    cleanups.push(() => proxy.close());
    const prefix = testPrefix();
    const queues = testQueues(prefix);
    const dbViaProxy = new URL(tdb.url!);
    dbViaProxy.port = String(proxy.port);
    const w = worker(workerEnv(prefix, dbViaProxy.toString()));
    await w.waitFor(/workers started/);
    await proxy.refuse();
    const { source } = await upsertSource(tdb.db, { location: `${site.base}/policy`, everySeconds: 3600 });
    await queues.fetch.add('fetch', { sourceId: source.id }, { jobId: jobIds.fetch(source.id, 1) });
    await until(async () => (await queues.fetch.getJob(jobIds.fetch(source.id, 1)))!.attemptsMade >= 2, 20_000, 'two failed attempts');
    expect(site.count('/policy')).toBe(0);
    proxy.accept();
    await until(async () => (await count('documents')) === 1, 30_000, 'the document after Postgres came back');
    const job = await queues.fetch.getJob(jobIds.fetch(source.id, 1));
    expect(await job!.getState()).toBe('completed');
    expect(job!.attemptsMade).toBeGreaterThanOrEqual(2);
    await stop(w);
  });

  it('two worker processes on the same queues fetch each source once per tick', async () => {
    const prefix = testPrefix();
    testQueues(prefix);
    const env = workerEnv(prefix, tdb.url!);
    const a = worker(env, ['--concurrency', 'fetch=2,ingest=1']);
    const b = worker(env, ['--concurrency', 'fetch=2,ingest=1']);
    await Promise.all([a.waitFor(/workers started/), b.waitFor(/workers started/)]);
    site.route('/tick', (_q, r) => void r.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(POLICY_TEXT));
    // The scheduler's first tick fires as soon as the source is added: count from before that.
    const started = Date.now();
    const add = spawnCli(['sources', 'add', `${site.base}/tick`, '--every', '1s'], env);
    expect(await add.exited).toBe(0);
    await until(() => site.count('/tick') >= 5, 20_000, 'five fetches');
    const elapsedTicks = Math.ceil((Date.now() - started) / 1000) + 1;
    const hits = site.hits.get('/tick')!;
    // One request per one-second tick: never more requests than ticks. Two workers taking the same
    // tick would hit the page within milliseconds of each other; a tick delayed by load can come
    // a few hundred milliseconds before the next one, which is not a duplicate.
    expect(hits.length).toBeLessThanOrEqual(elapsedTicks);
    for (let i = 1; i < hits.length; i++) expect(hits[i]! - hits[i - 1]!).toBeGreaterThan(100);
    // However many fetches, one document with one version.
    await until(async () => (await count('documents')) === 1, 10_000, 'the document');
    expect(await count('versions')).toBe(1);
    await Promise.all([stop(a), stop(b)]);
    expect(a.output() + b.output()).toMatch(/"msg":"stopped"/);
  });

  it('SIGTERM while a fetch is in flight: the job finishes, then the worker exits 0', async () => {
    const prefix = testPrefix();
    const queues = testQueues(prefix);
    site.route('/slow-ok', (_q, r) => void setTimeout(() => r.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(POLICY_TEXT), 1_500));
    const { source } = await upsertSource(tdb.db, { location: `${site.base}/slow-ok`, everySeconds: 3600 });
    const w = worker(workerEnv(prefix, tdb.url!), ['--concurrency', 'fetch=1,ingest=1']);
    // The scheduler's first run fires at start: wait until its request is being answered.
    await until(() => site.count('/slow-ok') >= 1, 30_000, 'the fetch to start');
    w.child.kill('SIGTERM');
    expect(await w.exited).toBe(0);
    expect(w.output()).toMatch(/shutting down/);
    expect(w.output()).toMatch(/"msg":"stopped"/);
    // The in-flight fetch completed: its snapshot is stored and handed on to ingest, nothing failed.
    const snaps = await tdb.db.selectFrom('snapshots').select('sha256').where('source_id', '=', source.id).execute();
    expect(snaps).toHaveLength(1);
    expect(await queues.ingest.getJob(jobIds.ingest(snaps[0]!.sha256))).toBeTruthy();
    expect(await queues.fetch.getFailedCount()).toBe(0);
  });

  it('Redis restarted while workers run: they reconnect, schedules are restored from Postgres', async () => {
    const redisServer = await startRedis();
    cleanups.push(() => redisServer.stop());
    const prefix = testPrefix();
    const env = workerEnv(prefix, tdb.url!, redisServer.url);
    const w = worker(env);
    await w.waitFor(/workers started/);
    site.route('/r', (_q, r) => void r.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end(POLICY_TEXT));
    const add = spawnCli(['sources', 'add', `${site.base}/r`, '--every', '1s'], env);
    expect(await add.exited).toBe(0);
    await until(() => site.count('/r') >= 2, 15_000, 'fetches before the restart');

    await redisServer.restart(); // a fresh, empty Redis: queues and schedulers are gone
    const before = site.count('/r');
    await until(() => site.count('/r') >= before + 3, 30_000, 'fetches after the restart');
    const probe = new Redis(redisServer.url);
    const queues = openQueues(probe, prefix, { attempts: 1, backoffMs: 1 });
    const { id } = await tdb.db.selectFrom('sources').select('id').executeTakeFirstOrThrow();
    expect((await queues.fetch.getJobSchedulers()).map((s) => s.key)).toContain(`source-${id}`);
    await closeQueues(queues);
    await probe.quit();
    expect(w.output()).toMatch(/Redis is back/);
    await stop(w);
  });
});

/** A TCP proxy in front of Postgres that can refuse connections (closed) and accept again. */
async function startProxy(targetPort: number) {
  const sockets = new Set<Socket>();
  let server: Server | null = null;
  let port = 0;
  const listen = () =>
    new Promise<void>((resolve) => {
      server = createServer((client) => {
        const upstream = new Socket();
        upstream.connect(targetPort, '127.0.0.1');
        for (const s of [client, upstream]) {
          sockets.add(s);
          s.on('close', () => sockets.delete(s));
          s.on('error', () => s.destroy());
        }
        client.pipe(upstream).pipe(client);
        client.on('close', () => upstream.destroy());
        upstream.on('close', () => client.destroy());
      });
      server.listen(port, '127.0.0.1', () => {
        port = (server!.address() as { port: number }).port;
        resolve();
      });
    });
  await listen();
  return {
    get port() {
      return port;
    },
    /** Stops listening and cuts every open connection: Postgres "refuses connections". */
    async refuse() {
      const s = server;
      server = null;
      for (const sock of sockets) sock.destroy();
      await new Promise<void>((r) => (s ? s.close(() => r()) : r()));
    },
    accept: () => void listen(),
    async close() {
      await this.refuse();
    },
  };
}

/** A redis-server owned by the test, on a free port, without persistence. */
async function startRedis() {
  const port = 20_000 + Math.floor(Math.random() * 20_000);
  let proc: ChildProcess | null = null;
  const start = async () => {
    proc = spawn('/usr/bin/redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
    const probe = new Redis({ port, host: '127.0.0.1', lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    probe.on('error', () => {});
    await until(async () => probe.connect().then(() => true, () => false), 10_000, 'redis-server to start');
    probe.disconnect();
  };
  const kill = async () => {
    const p = proc;
    if (!p || p.exitCode !== null) return;
    const gone = new Promise((r) => p.on('exit', r));
    p.kill('SIGKILL');
    await gone;
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    async restart() {
      await kill();
      await new Promise((r) => setTimeout(r, 1_000));
      await start();
    },
    stop: kill,
  };
}
