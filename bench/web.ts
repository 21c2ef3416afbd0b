/**
 * bench/web: latency of the review pages over a large record. Prints figures; never part of
 * `npm test`.
 *
 *   npx tsx bench/web.ts [--documents 100000] [--requests 2000] [--concurrency 4]
 *
 * 1. Creates a scratch database (on the server of DATABASE_URL, else TEST_DATABASE_URL; dropped at
 *    the end) and records N generated documents (the seed policies under their own numbers and
 *    signing dates) with the set-based `recordDocuments`, plus one 150-article document in two
 *    versions (a new article inserted near the top, one edited).
 * 2. Starts `policy-tracker serve --public --no-queues` in a child process on 127.0.0.1 (so that
 *    the load generator does not share its event loop) and sends with autocannon, after a warm-up,
 *    R requests over C connections to each URL: the document list (first, middle and last pages,
 *    a status filter), its search (part of a number, a whole number in other brackets, title
 *    words, a word of the text), the API list, and the diff page of the 150-article document.
 * 3. Prints median and p99 per URL with requests/s, the server's CPU seconds and the load
 *    average. Targets: list < 50 ms p99, diff page < 100 ms p99.
 */
import { spawn } from 'node:child_process';
import { readFileSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { sql } from 'kysely';
import pg from 'pg';
import autocannon from 'autocannon';
import { loadavg } from 'node:os';
import { getConfig } from '../config.ts';
import { openDatabase } from '../db/connection.ts';
import { recordDocument, recordDocuments } from '../db/record.ts';
import { processText } from '../pipeline/index.ts';
import type { PolicyDocument, Provision } from '../pipeline/types.ts';

const { values: args } = parseArgs({
  options: {
    documents: { type: 'string', default: '100000' },
    requests: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '4' },
    batch: { type: 'string', default: '500' },
    // Measure again on a database a previous run kept (`--keep`), without filling it anew.
    database: { type: 'string' },
    keep: { type: 'boolean', default: false },
  },
});
const DOCUMENTS = Number(args.documents);
const REQUESTS = Number(args.requests);
const CONCURRENCY = Number(args.concurrency);
const BATCH = Number(args.batch);
const ROOT = join(import.meta.dirname, '..');

const seedsDir = join(ROOT, 'seeds');
const bases = readdirSync(seedsDir)
  .filter((f) => f.endsWith('.txt'))
  .sort()
  .flatMap((f) => processText(readFileSync(join(seedsDir, f), 'utf8'), { fileName: f }).documents)
  .filter((d) => d.provisions.length > 0 && d.kind === 'policy');

const day = (k: number) => new Date(Date.UTC(2015, 0, 1) + (k % 4000) * 86_400_000).toISOString().slice(0, 10);

function generated(k: number): PolicyDocument {
  const base = bases[k % bases.length]!;
  const provisions = base.provisions.map((p, i) => (i === 0 ? { ...p, text: `${p.text}（样本${k}）` } : p));
  return {
    ...base,
    provisions,
    text: provisions.map((p) => `${p.label} ${p.text}`).join('\n'),
    title: `${base.title}（样本${k}）`,
    docNumber: `样规〔${2015 + (k % 11)}〕${10000 + k}号`,
    docNumberRaw: null,
    signedOn: day(k),
    validity: { ...base.validity, repeals: [] },
  };
}

const CN = (n: number): string => {
  const d = ['', '一', '二', '三', '四', '五', '六', '七', '八', '九'];
  const h = Math.floor(n / 100);
  const t = Math.floor((n % 100) / 10);
  const o = n % 10;
  return `${h ? `${d[h]}百` : ''}${t ? `${t === 1 && !h ? '' : d[t]}十` : h && o ? '零' : ''}${d[o]}`;
};

/** A 150-article 办法; version 2 inserts an article after 第三条 and edits one further down. */
function bigDocument(version: 1 | 2): PolicyDocument {
  const base = bases[0]!;
  const texts = Array.from({ length: 150 }, (_, i) => `第${i + 1}项规定：${base.provisions[i % base.provisions.length]!.text}`);
  if (version === 2) {
    texts.splice(3, 0, '政府投资基金应当坚持市场化、法治化、专业化原则，建立健全投资决策和风险约束机制。');
    texts[100] = texts[100]!.replace(/。/, '，并每年报告一次。');
  }
  const provisions: Provision[] = texts.map((text, i) => ({ path: `第${CN(i + 1)}条`, label: `第${CN(i + 1)}条`, level: 'article', heading: null, text }));
  return {
    ...base,
    provisions,
    text: provisions.map((p) => `${p.label} ${p.text}`).join('\n'),
    title: '关于一百五十条的基准测试办法',
    docNumber: '基准规〔2026〕150号',
    docNumberRaw: null,
    validity: { ...base.validity, repeals: [] },
  };
}

function percentile(sorted: readonly number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))]!;
}

/** utime + stime of a process in seconds (Linux /proc), to quote the server's CPU beside wall time. */
function cpuSeconds(pid: number): number {
  const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) / 100;
}

interface Figures {
  readonly median: number;
  readonly p99: number;
  readonly rps: number;
  readonly bytes: number;
  readonly serverCpu: number;
  readonly wall: number;
}

/**
 * autocannon against one URL: 50 warm-up requests, then REQUESTS over CONCURRENCY connections.
 * Latencies are taken from each response (autocannon's hrtime durations, sub-millisecond), not
 * from its millisecond histogram.
 */
async function measure(base: string, path: string, serverPid: number): Promise<Figures> {
  await autocannon({ url: `${base}${path}`, connections: 1, amount: 50 });
  const times: number[] = [];
  let bytes = 0;
  let errors = 0;
  const cpu0 = cpuSeconds(serverPid);
  const t0 = performance.now();
  // autocannon settles on its next one-second tick; the run ends with its last answer.
  let last = t0;
  const run = autocannon({ url: `${base}${path}`, connections: CONCURRENCY, amount: REQUESTS });
  // The returned promise is also the run's event emitter.
  const instance = run as unknown as Promise<autocannon.Result> & { on(event: 'response', fn: (client: unknown, status: number, resBytes: number, ms: number) => void): void };
  instance.on('response', (_client: unknown, status: number, resBytes: number, ms: number) => {
    if (status !== 200) errors++;
    last = performance.now();
    times.push(ms);
    bytes = resBytes;
  });
  const result = await instance;
  const wall = (last - t0) / 1000;
  if (errors > 0 || result.non2xx > 0) throw new Error(`${path}: ${errors || result.non2xx} answers were not 200`);
  times.sort((a, b) => a - b);
  return { median: percentile(times, 50), p99: percentile(times, 99), rps: times.length / wall, bytes, serverCpu: cpuSeconds(serverPid) - cpu0, wall };
}

const serverUrl = getConfig().databaseUrl ?? getConfig().testDatabaseUrl;
const scratch = `pt_bench_web_${process.pid}`;
const admin = async (q: string) => {
  const c = new pg.Client({ connectionString: serverUrl });
  await c.connect();
  try {
    await c.query(q);
  } finally {
    await c.end();
  }
};
const name = args.database ?? scratch;
const url = new URL(serverUrl);
url.pathname = `/${name}`;

/** The trigram indexes of 0016: dropped while filling (a bulk load), built once at the end. */
const TRGM_INDEXES = [
  'create index documents_title_trgm on documents using gin (title gin_trgm_ops)',
  'create index documents_number_trgm on documents using gin (doc_number gin_trgm_ops)',
  'create index documents_issuers_trgm on documents using gin (pt_issuers_text(issuers) gin_trgm_ops)',
  "create index provision_texts_text_trgm on provision_texts using gin ((coalesce(heading, '') || ' ' || text) gin_trgm_ops)",
  "create index versions_unsegmented_text_trgm on versions using gin (text gin_trgm_ops) where provision_ids = '{}'::bigint[]",
];

if (!args.database) await admin(`create database "${scratch}"`);
let child: ReturnType<typeof spawn> | undefined;
try {
  if (!args.database) await fill();
  else console.log(`measuring on the kept database ${name}`);
  await serveAndMeasure();
} finally {
  child?.kill('SIGTERM');
  await new Promise((r) => setTimeout(r, 500));
  if (args.keep || args.database) console.log(`kept database ${name} (measure again: --database ${name}; drop it with: drop database "${name}")`);
  else await admin(`drop database if exists "${name}" with (force)`);
}

async function fill(): Promise<void> {
  const db = await openDatabase({ databaseUrl: url.toString() });
  const t0 = performance.now();
  const trgm = (await sql<{ n: string }>`select count(*) as n from pg_indexes where indexname like '%_trgm'`.execute(db)).rows[0]?.n;
  if (Number(trgm) === TRGM_INDEXES.length) for (const i of TRGM_INDEXES) await sql`drop index ${sql.id(i.split(' ')[2]!)}`.execute(db);
  for (let start = 0; start < DOCUMENTS; start += BATCH * 2) {
    await Promise.all(
      [start, start + BATCH].filter((s) => s < DOCUMENTS).map((s) =>
        recordDocuments(
          db,
          Array.from({ length: Math.min(BATCH, DOCUMENTS - s) }, (_, i) => ({ doc: generated(s + i), seen: { source: `bench/${s + i}.txt`, seenAt: '2026-01-01T00:00:00Z' } })),
        ),
      ),
    );
  }
  await recordDocument(db, bigDocument(1), { source: 'bench/big-v1.txt', seenAt: '2026-01-01T00:00:00Z' });
  await recordDocument(db, bigDocument(2), { source: 'bench/big-v2.txt', seenAt: '2026-01-02T00:00:00Z' });
  await db.destroy();
  const filled = performance.now();
  const c = new pg.Client({ connectionString: url.toString() });
  await c.connect();
  if (Number(trgm) === TRGM_INDEXES.length) for (const i of TRGM_INDEXES) await c.query(i);
  await c.query('vacuum analyze');
  const { rows } = await c.query<{ n: string }>('select count(*) as n from documents');
  await c.end();
  console.log(`recorded ${rows[0]!.n} documents in ${((filled - t0) / 1000).toFixed(1)} s, trigram indexes and vacuum analyze ${((performance.now() - filled) / 1000).toFixed(1)} s`);
}

async function serveAndMeasure(): Promise<void> {

  const port = 18_000 + (process.pid % 1000);
  child = spawn(process.execPath, [join(ROOT, 'bin', 'policy-tracker.js'), 'serve', '--public', '--no-queues', '--port', String(port)], {
    env: { ...process.env, DATABASE_URL: url.toString(), POLICY_TRACKER_LOG_LEVEL: 'warn' },
    stdio: ['ignore', 'ignore', 'pipe'],
  });
  await new Promise<void>((resolve, reject) => {
    child!.stderr!.on('data', (b: Buffer) => b.toString().includes('serving http') && resolve());
    child!.once('exit', (code) => reject(new Error(`serve exited with ${code}`)));
  });
  // The request log is not part of what is measured.
  child.stderr!.removeAllListeners('data').resume();
  const base = `http://127.0.0.1:${port}`;
  const big = encodeURIComponent('基准规〔2026〕150号');
  console.log(`autocannon: ${REQUESTS} requests per URL over ${CONCURRENCY} connections, after 50 warm-up requests; load average before: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
  for (const [name, path, target] of [
    ['list, first page', '/', 50],
    ['list, page 200', '/?page=200', 50],
    ['list, page 500 (the last)', '/?page=500', 50],
    ['list, status filter', '/?status=in_force', 50],
    ['search, number part', `/?q=${encodeURIComponent('10500')}`, 50],
    ['search, full number', `/?q=${encodeURIComponent('样规[2015]10500号')}`, 50],
    ['search, title words', `/?q=${encodeURIComponent('政府投资基金 样本4242')}`, 50],
    ['search, text word', `/?q=${encodeURIComponent('市场化')}`, 50],
    ['API list', '/api/documents', 50],
    ['diff page, 150 articles', `/documents/${big}/diff?from=1&to=2`, 100],
    ['diff page, with unchanged', `/documents/${big}/diff?from=1&to=2&all=1`, 100],
  ] as const) {
    const r = await measure(base, path, child.pid!);
    console.log(
      `${name.padEnd(26)} median ${r.median.toFixed(1).padStart(6)} ms  p99 ${r.p99.toFixed(1).padStart(6)} ms  ${r.rps.toFixed(0).padStart(5)} req/s  server CPU ${r.serverCpu.toFixed(1)} s / ${r.wall.toFixed(1)} s wall  ${(r.bytes / 1024).toFixed(0).padStart(4)} KB  (p99 < ${target} ms: ${r.p99 < target ? 'met' : 'MISSED'})`,
    );
  }
  console.log(`load average after: ${loadavg().map((x) => x.toFixed(2)).join(' ')}`);
}
