/**
 * bench/pipeline: snapshots through the queues to Postgres, with one and with two worker
 * processes (`policy-tracker worker`, as in production), next to the rate of empty BullMQ jobs
 * on the same Redis in the same run. Prints figures; never part of `npm test`.
 *
 *   npx tsx bench/pipeline.ts [--snapshots 2000] [--concurrency 4] [--warm-browser]
 *
 * Each snapshot is a government page (tests/fixtures/extract/gov-page.html) with its own
 * document number, so every ingest records one new document. Peak memory per worker is the
 * worker's VmHWM plus, with --warm-browser, the resident memory of its idle Chromium.
 * Needs Postgres (TEST_DATABASE_URL's server; a scratch database is created and dropped) and
 * Redis (REDIS_URL); queue keys go under a fresh prefix, deleted afterwards.
 */
import { execFileSync, spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { getConfig } from '../config.ts';
import { recordSnapshot } from '../db/snapshot.repository.ts';
import { clearDatabase, createTestDatabase } from '../tests/helpers/database.ts';
import { deletePrefix } from '../tests/workers/helpers.ts';
import { jobIds, openQueues, closeQueues } from '../workers/queues.ts';

const { values } = parseArgs({ options: { snapshots: { type: 'string', default: '2000' }, concurrency: { type: 'string', default: '4' }, 'warm-browser': { type: 'boolean', default: false } } });
const N = Number(values.snapshots);
const ROOT = join(import.meta.dirname, '..');
const page = readFileSync(join(ROOT, 'tests', 'fixtures', 'extract', 'gov-page.html'), 'utf8');
const redisUrl = getConfig().redisUrl;

function rssOfTree(pid: number): number {
  // Resident KiB of the process's descendants (Chromium and its helpers).
  let total = 0;
  const kids = (() => { try { return execFileSync('pgrep', ['-P', String(pid)]).toString().trim().split('\n').filter(Boolean).map(Number); } catch { return []; } })();
  for (const k of kids) {
    try { total += Number(/VmRSS:\s+(\d+)/.exec(readFileSync(`/proc/${k}/status`, 'utf8'))?.[1] ?? 0); } catch { /* gone */ }
    total += rssOfTree(k);
  }
  return total;
}

async function emptyJobsRate(count: number): Promise<number> {
  const prefix = `{pt-bench-empty-${randomUUID().slice(0, 8)}}`;
  const connection = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const q = new Queue('empty', { connection, prefix });
  for (let i = 0; i < count; i += 1000) await q.addBulk(Array.from({ length: Math.min(1000, count - i) }, (_, j) => ({ name: 'empty', data: { i: i + j }, opts: { removeOnComplete: true } })));
  let done = 0;
  const start = performance.now();
  const finished = new Promise<void>((resolve) => {
    const w = new Worker('empty', async () => undefined, { connection, prefix, concurrency: 8 });
    w.on('completed', () => { if (++done === count) void w.close().then(resolve); });
  });
  await finished;
  const rate = count / ((performance.now() - start) / 1000);
  await q.obliterate({ force: true });
  await q.close();
  await deletePrefix(redisUrl, prefix);
  connection.disconnect();
  return rate;
}

async function run(processes: number) {
  const tdb = await createTestDatabase('postgres');
  await clearDatabase(tdb.db);
  const prefix = `{pt-bench-${randomUUID().slice(0, 8)}}`;
  const redis = new Redis(redisUrl, { maxRetriesPerRequest: null });
  const queues = openQueues(redis, prefix, { attempts: 3, backoffMs: 1000 });
  const ids: Array<{ id: number; sha256: string }> = [];
  for (let i = 0; i < N; i++) {
    const html = page.replace('穗民规字〔2025〕2号', `穗民规字〔2025〕${1000 + i}号`).replace(/标准的通知/g, `标准的通知（第${i}批）`);
    ids.push(await recordSnapshot(tdb.db, { location: `https://bench.example.gov.cn/p/${i}.html`, bytes: new TextEncoder().encode(html), contentType: 'text/html; charset=utf-8', fetchedAt: new Date() }));
  }
  const env = { ...process.env, DATABASE_URL: tdb.url!, REDIS_URL: redisUrl, POLICY_TRACKER_QUEUE_PREFIX: prefix, POLICY_TRACKER_LOG_LEVEL: 'warn' };
  const args = [join(ROOT, 'bin', 'policy-tracker.js'), 'worker', '--concurrency', `ingest=${values.concurrency},fetch=1`, ...(values['warm-browser'] ? ['--warm-browser'] : [])];
  const workers = Array.from({ length: processes }, () => spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] }));
  await Promise.all(workers.map((w) => new Promise<void>((resolve) => { let out = ''; w.stderr!.on('data', (d) => { out += d; if (/workers started/.test(out) || out.length > 0) resolve(); }); setTimeout(resolve, 60_000); })));
  // Give every process time to connect before the clock starts.
  await new Promise((r) => setTimeout(r, 2_000));
  const start = performance.now();
  for (let i = 0; i < ids.length; i += 500) {
    await queues.ingest.addBulk(ids.slice(i, i + 500).map((s) => ({ name: 'ingest', data: { snapshotId: s.id }, opts: { jobId: jobIds.ingest(s.sha256) } })));
  }
  let peakBrowser = 0;
  // Completed jobs are trimmed to the newest 1,000 (removeOnComplete), so count what Postgres holds.
  const countDocs = async () => Number((await tdb.db.selectFrom('documents').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  for (let tick = 0; ; tick++) {
    if (tick % 10 === 0) for (const w of workers) peakBrowser = Math.max(peakBrowser, rssOfTree(w.pid!));
    if ((await countDocs()) + (await queues.ingest.getFailedCount()) >= N) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const seconds = (performance.now() - start) / 1000;
  const docs = await countDocs();
  const peaks = workers.map((w) => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${w.pid}/status`, 'utf8'))?.[1] ?? 0) / 1024);
  for (const w of workers) w.kill('SIGTERM');
  await Promise.all(workers.map((w) => new Promise((r) => w.on('exit', r))));
  await closeQueues(queues);
  redis.disconnect();
  await deletePrefix(redisUrl, prefix);
  await tdb.close();
  return { docs, seconds, rate: docs / seconds, peaks, browserMb: peakBrowser / 1024 };
}

console.log(`bench/pipeline: ${N} snapshots (one document each), ingest concurrency ${values.concurrency} per process${values['warm-browser'] ? ', idle browser pool' : ''}; load ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
const empty = await emptyJobsRate(10_000);
console.log(`empty BullMQ jobs on this Redis: ${empty.toFixed(0)} jobs/s (10,000 jobs, concurrency 8, one process)`);
for (const n of [1, 2]) {
  const r = await run(n);
  console.log(
    `${n} worker process${n > 1 ? 'es' : ''}: ${r.docs} documents in ${r.seconds.toFixed(1)} s = ${r.rate.toFixed(0)} documents/s; ` +
      `peak memory per worker ${r.peaks.map((p) => `${p.toFixed(0)} MB`).join(', ')}${values['warm-browser'] ? ` + idle Chromium ${r.browserMb.toFixed(0)} MB (all workers)` : ''}`,
  );
}
process.exit(0);
