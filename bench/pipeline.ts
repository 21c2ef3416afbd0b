/**
 * bench/pipeline: snapshots through the queues to Postgres, with one and with two worker
 * processes (`policy-tracker worker`, as in production), next to the rate of empty BullMQ jobs
 * on the same Redis in the same run. Prints figures; never part of `npm test`.
 *
 *   npx tsx bench/pipeline.ts [--snapshots 2000] [--concurrency 4] [--runs 1] [--workers 1,2] [--warm-browser] [--plain-node]
 *
 * Workers run with the memory settings the README recommends (--max-semi-space-size=8,
 * MALLOC_ARENA_MAX=2); --plain-node runs them with Node's defaults instead, for comparison.
 *
 * Each snapshot is a government page (tests/fixtures/extract/gov-page.html) with its own
 * document number, so every ingest records one new document. Memory per worker is sampled every
 * 100 ms from /proc/<pid>/smaps_rollup over the worker's process tree (Node and, with
 * --warm-browser, its launched and idle Chromium): the peak PSS (shared pages counted once) is the
 * figure; RSS (shared pages counted in every process) is printed beside it. CPU seconds of each
 * worker are printed with the wall time, and the load average, since the machine may be shared.
 * Needs Postgres (TEST_DATABASE_URL's server; a scratch database is created and dropped) and
 * Redis (REDIS_URL); queue keys go under a fresh prefix, deleted afterwards.
 */
import { spawn } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { Queue, Worker } from 'bullmq';
import { Redis } from 'ioredis';
import { getConfig } from '../config.ts';
import { recordSnapshot } from '../db/snapshot.repository.ts';
import { clearDatabase, createTestDatabase } from '../tests/helpers/database.ts';
import { deletePrefix } from '../tests/workers/helpers.ts';
import { jobIds, openQueues, closeQueues } from '../workers/queues.ts';

const { values } = parseArgs({ options: { snapshots: { type: 'string', default: '2000' }, concurrency: { type: 'string', default: '4' }, 'warm-browser': { type: 'boolean', default: false }, runs: { type: 'string', default: '1' }, workers: { type: 'string', default: '1,2' }, 'plain-node': { type: 'boolean', default: false } } });
const N = Number(values.snapshots);
const ROOT = join(import.meta.dirname, '..');
const page = readFileSync(join(ROOT, 'tests', 'fixtures', 'extract', 'gov-page.html'), 'utf8');
const redisUrl = getConfig().redisUrl;

/** Resident and proportional set size (KiB) of one process, from /proc/<pid>/smaps_rollup. */
function memOf(pid: number): { rss: number; pss: number } {
  try {
    const t = readFileSync(`/proc/${pid}/smaps_rollup`, 'utf8');
    return { rss: Number(/^Rss:\s+(\d+)/m.exec(t)?.[1] ?? 0), pss: Number(/^Pss:\s+(\d+)/m.exec(t)?.[1] ?? 0) };
  } catch {
    return { rss: 0, pss: 0 }; // gone
  }
}

function childrenOf(pid: number): number[] {
  try {
    return readFileSync(`/proc/${pid}/task/${pid}/children`, 'utf8').trim().split(/\s+/).filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

function descendants(pid: number): number[] {
  return childrenOf(pid).flatMap((k) => [k, ...descendants(k)]);
}

/** CPU seconds (user + system) a process has used so far. */
function cpuSeconds(pid: number): number {
  try {
    const f = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    return (Number(f[11]) + Number(f[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return 0;
  }
}

/**
 * One worker's memory now: the Node process, its browser (every descendant: Chromium and its
 * helpers) and the whole tree. PSS counts shared pages once across the tree; RSS counts them in
 * every process that maps them, so summed RSS overstates a multi-process browser.
 */
function sampleWorker(pid: number) {
  const node = memOf(pid);
  const browser = { rss: 0, pss: 0, processes: 0 };
  for (const k of descendants(pid)) {
    const m = memOf(k);
    browser.rss += m.rss;
    browser.pss += m.pss;
    browser.processes++;
  }
  return { node, browser, treePss: node.pss + browser.pss, treeRss: node.rss + browser.rss };
}

interface Peaks { nodePss: number; nodeRss: number; browserPss: number; browserRss: number; browserProcesses: number; treePss: number; treeRss: number }

function track(peaks: Peaks, pid: number): void {
  const s = sampleWorker(pid);
  peaks.nodePss = Math.max(peaks.nodePss, s.node.pss);
  peaks.nodeRss = Math.max(peaks.nodeRss, s.node.rss);
  peaks.browserPss = Math.max(peaks.browserPss, s.browser.pss);
  peaks.browserRss = Math.max(peaks.browserRss, s.browser.rss);
  peaks.browserProcesses = Math.max(peaks.browserProcesses, s.browser.processes);
  peaks.treePss = Math.max(peaks.treePss, s.treePss);
  peaks.treeRss = Math.max(peaks.treeRss, s.treeRss);
}

/** README "Workers and scaling": what the workers are run with, unless --plain-node. */
const WORKER_MEMORY_ENV = { NODE_OPTIONS: `${process.env.NODE_OPTIONS ?? ''} --max-semi-space-size=8 --max-old-space-size=192`.trim(), MALLOC_ARENA_MAX: '2' };

const mb = (kib: number) => `${(kib / 1024).toFixed(0)}`;

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
  const env = {
    ...process.env, DATABASE_URL: tdb.url!, REDIS_URL: redisUrl, POLICY_TRACKER_QUEUE_PREFIX: prefix, POLICY_TRACKER_LOG_LEVEL: 'warn',
    // The memory settings the README recommends for workers (unless --plain-node): a smaller V8
    // young generation and fewer glibc malloc arenas.
    ...(values['plain-node'] ? {} : WORKER_MEMORY_ENV),
    // The warm browser stays up, idle, for the whole run: that is the state being measured.
    ...(values['warm-browser'] ? { POLICY_TRACKER_BROWSER_IDLE_MS: '0' } : {}),
  };
  const args = [join(ROOT, 'bin', 'policy-tracker.js'), 'worker', '--concurrency', `ingest=${values.concurrency},fetch=1`, ...(values['warm-browser'] ? ['--warm-browser'] : [])];
  const workers = Array.from({ length: processes }, () => spawn(process.execPath, args, { env, stdio: ['ignore', 'ignore', 'pipe'] }));
  await Promise.all(workers.map((w) => new Promise<void>((resolve) => { let out = ''; w.stderr!.on('data', (d) => { out += d; if (/workers started/.test(out) || out.length > 0) resolve(); }); setTimeout(resolve, 60_000); })));
  // Give every process time to connect (and a warm browser time to settle) before the clock starts.
  await new Promise((r) => setTimeout(r, 3_000));
  const idle = workers.map((w) => sampleWorker(w.pid!));
  const peaks: Peaks[] = workers.map(() => ({ nodePss: 0, nodeRss: 0, browserPss: 0, browserRss: 0, browserProcesses: 0, treePss: 0, treeRss: 0 }));
  const cpu0 = workers.map((w) => cpuSeconds(w.pid!));
  const benchCpu0 = process.cpuUsage();
  const start = performance.now();
  for (let i = 0; i < ids.length; i += 500) {
    await queues.ingest.addBulk(ids.slice(i, i + 500).map((s) => ({ name: 'ingest', data: { snapshotId: s.id }, opts: { jobId: jobIds.ingest(s.sha256) } })));
  }
  // Completed jobs are trimmed to the newest 1,000 (removeOnComplete), so count what Postgres holds.
  const countDocs = async () => Number((await tdb.db.selectFrom('documents').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).n);
  for (let tick = 0; ; tick++) {
    workers.forEach((w, i) => track(peaks[i]!, w.pid!));
    if (tick % 2 === 0 && (await countDocs()) + (await queues.ingest.getFailedCount()) >= N) break;
    await new Promise((r) => setTimeout(r, 100));
  }
  const seconds = (performance.now() - start) / 1000;
  const cpu = workers.map((w, i) => cpuSeconds(w.pid!) - cpu0[i]!);
  const benchCpu = process.cpuUsage(benchCpu0);
  const docs = await countDocs();
  const hwm = workers.map((w) => Number(/VmHWM:\s+(\d+)/.exec(readFileSync(`/proc/${w.pid}/status`, 'utf8'))?.[1] ?? 0));
  for (const w of workers) w.kill('SIGTERM');
  await Promise.all(workers.map((w) => new Promise((r) => w.on('exit', r))));
  await closeQueues(queues);
  redis.disconnect();
  await deletePrefix(redisUrl, prefix);
  await tdb.close();
  return { docs, seconds, rate: docs / seconds, idle, peaks, hwm, cpu, benchCpu: (benchCpu.user + benchCpu.system) / 1e6 };
}

const runs = Number(values.runs);
console.log(
  `bench/pipeline: ${N} snapshots (one document each), ingest concurrency ${values.concurrency} per process, ${runs} run(s)` +
    `${values['warm-browser'] ? ', browser pool launched and idle in every worker' : ', browser not launched (lazy: no --render source)'}; ` +
    `workers ${values['plain-node'] ? 'with Node defaults' : `with ${Object.entries(WORKER_MEMORY_ENV).map(([k, v]) => `${k}=${v}`).join(' ')}`}; ${cpus().length} cores`,
);
const load = () => `load ${loadavg().map((l) => l.toFixed(2)).join(' ')}`;
for (let r = 1; r <= runs; r++) {
  console.log(`-- run ${r}/${runs} (${load()})`);
  const empty = await emptyJobsRate(10_000);
  console.log(`empty BullMQ jobs on this Redis: ${empty.toFixed(0)} jobs/s (10,000 jobs, concurrency 8, one process)`);
  for (const n of values.workers.split(',').map(Number)) {
    const res = await run(n);
    console.log(
      `${n} worker process${n > 1 ? 'es' : ''}: ${res.docs} documents in ${res.seconds.toFixed(1)} s = ${res.rate.toFixed(0)} documents/s; ` +
        `worker CPU ${res.cpu.map((c) => `${c.toFixed(1)} s`).join(' + ')}, bench process CPU ${res.benchCpu.toFixed(1)} s (${load()})`,
    );
    res.peaks.forEach((p, i) => {
      const idle = res.idle[i]!;
      console.log(
        `   worker ${i + 1} peak PSS ${mb(p.treePss)} MB (Node ${mb(p.nodePss)} + browser ${mb(p.browserPss)}, ${p.browserProcesses} processes); ` +
          `peak RSS Node ${mb(p.nodeRss)} MB (VmHWM ${mb(res.hwm[i]!)}) + browser ${mb(p.browserRss)} MB summed; ` +
          `idle before jobs: Node PSS ${mb(idle.node.pss)} MB, browser pool PSS ${mb(idle.browser.pss)} MB (RSS ${mb(idle.browser.rss)} summed)`,
      );
    });
  }
}
process.exit(0);
