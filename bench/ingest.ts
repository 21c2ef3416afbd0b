/**
 * bench/ingest: how fast the record takes documents on Postgres. Prints figures; never part of
 * `npm test`.
 *
 *   npx tsx bench/ingest.ts [--versions 2000] [--concurrency 2] [--batch 200] [--runs 3] [--without-index NAME,…] [--strip measures,version-texts]
 *
 * 1. Builds N document versions from the seed documents (run through the pipeline once): each
 *    seed policy becomes many documents (own numbers), each seen in up to four versions with
 *    varied edits (an article edited, inserted, deleted; punctuation-only copies are *not*
 *    counted as versions). The versions are built as PolicyDocument values, i.e. segmented
 *    beforehand; what segmenting them would cost is timed on its own (their texts through
 *    `processText`) and printed beside the recording rate.
 * 2. Records them into a scratch database (created on the server of DATABASE_URL, else
 *    TEST_DATABASE_URL, and dropped at the end): with `recordDocuments` in batches of B, C
 *    batches at a time. The timed part is all that recording costs: identity keys, hashes, lock
 *    ids, payload building, SQL. Then, into a second scratch database, with `recordDocument` one
 *    document per call, C at a time.
 * 3. In the same run, COPYs the same provision rows into a bare table of the same columns (the
 *    COPY lines are built inside the timed part too). The first run prints what each table holds
 *    after recording (heap, TOAST, indexes) beside what the COPY's table holds: recording stores
 *    each version's full text and its measures as well as the provisions, so it writes more.
 *    Then the floor (first run): the rows recording left in its tables, dumped and COPYed as they
 *    are into an empty migrated database (keys, indexes and triggers as recording has them, C
 *    connections at once, no logic at all). Recording these rows cannot be much faster than
 *    that, so the floor's rate beside the bare COPY's bounds the ratio any recording of this data
 *    could reach.
 * 4. Re-ingests the unchanged corpus.
 * 5. Records the corpus as `ingest` and the ingest worker do (into a third scratch database):
 *    each batch with the changes of its revisions (`recordDocumentsWithChanges`), then the search
 *    indexing (`indexSearch`, migration 0019) and the citations (`linkCitations`, 0024), batch
 *    after batch. Steps 2 and 3 time the record alone; the search indexing and the citations
 *    after step 2 are printed on lines of their own.
 *
 * Steps 2 and 3 run `--runs` times, each into a fresh scratch database, and the medians are
 * printed at the end (the re-ingest and the one-by-one figures come from the first run).
 *
 * Besides wall time, each step prints the CPU seconds it cost in Node and in the Postgres
 * backends serving it (read from /proc when the server is local): on a machine shared with other
 * jobs the wall-time rates swing, the CPU costs much less. The load average is printed with each
 * run.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { join } from 'node:path';
import { performance } from 'node:perf_hooks';
import { parseArgs } from 'node:util';
import { pipeline as streamPipeline } from 'node:stream/promises';
import { Readable } from 'node:stream';
import pg from 'pg';
import { sql, type Kysely } from 'kysely';
import type { Database } from '../db/schema.ts';
import { from as copyFrom, to as copyTo } from 'pg-copy-streams';
import { getConfig } from '../config.ts';
import { openDatabase } from '../db/connection.ts';
import { countRows } from '../db/document.repository.ts';
import { indexSearch, recordDocument, recordDocuments, type RecordItem, type RecordItemResult, type RecordOutcome } from '../db/record.ts';
import { recordDocumentsWithChanges } from '../db/changes.repository.ts';
import { linkCitations } from '../db/citations.repository.ts';
import { processText } from '../pipeline/index.ts';
import type { PolicyDocument, Provision } from '../pipeline/types.ts';

const { values: args } = parseArgs({
  options: {
    versions: { type: 'string', default: '2000' },
    concurrency: { type: 'string', default: '2' },
    batch: { type: 'string', default: '200' },
    runs: { type: 'string', default: '3' },
    // Diagnostic: drop these indexes (comma-separated names) in the scratch databases before
    // recording, to show what each costs. The default measures the schema as migrated.
    'without-index': { type: 'string', default: '' },
    // Diagnostic: record the corpus without some of what recording writes (comma-separated:
    // `measures`, each version without its measures; `version-texts`, each version's full text
    // replaced by a short one), to show the share of each in the rate. The COPY is unchanged.
    strip: { type: 'string', default: '' },
  },
});
const TOTAL = Number(args.versions);
const CONCURRENCY = Number(args.concurrency);
const BATCH = Number(args.batch);
const RUNS = Math.max(1, Number(args.runs));
const WITHOUT_INDEXES = args['without-index'].split(',').map((n) => n.trim()).filter((n) => n !== '');
const STRIP = new Set(args.strip.split(',').map((n) => n.trim()).filter((n) => n !== ''));
for (const part of STRIP) if (part !== 'measures' && part !== 'version-texts') throw new Error(`--strip: unknown part ${part} (measures, version-texts)`);

// ---- corpus -------------------------------------------------------------------------------

const seedsDir = join(import.meta.dirname, '..', 'seeds');
const seeds: PolicyDocument[] = readdirSync(seedsDir)
  .filter((f) => f.endsWith('.txt'))
  .sort()
  .flatMap((f) => processText(readFileSync(join(seedsDir, f), 'utf8'), { fileName: f }).documents);
const bases = seeds.filter((d) => d.provisions.length > 0);

function withProvisions(doc: PolicyDocument, provisions: Provision[]): PolicyDocument {
  return { ...doc, provisions, text: provisions.map((p) => `${p.label} ${p.text}`).join('\n') };
}

/** Version `v` (0-based) of generated document `k`. */
function makeVersion(k: number, v: number): PolicyDocument {
  const base = bases[k % bases.length]!;
  const serial = 1000 + k;
  let provisions = base.provisions.map((p) => ({ ...p }));
  // Every document differs from its seed (its own number and a marker in the first provision).
  provisions[0] = { ...provisions[0]!, text: `${provisions[0]!.text}（样本${k}）` };
  const at = (n: number) => (k + n) % provisions.length;
  if (v >= 1) provisions[at(1)] = { ...provisions[at(1)]!, text: `${provisions[at(1)]!.text}本条第${v}次修订。` };
  if (v >= 2) provisions.splice(at(2), 0, { path: `新增${v}`, label: `新增${v}`, level: 'article', text: `新增条款${k}-${v}：加强绩效评价。`, heading: null });
  if (v >= 3 && provisions.length > 2) provisions = provisions.filter((_, i) => i !== at(3));
  return {
    ...withProvisions(base, provisions),
    title: `${base.title}（样本${k}）`,
    docNumber: `样规〔2025〕${serial}号`,
    docNumberRaw: null,
    validity: { ...base.validity, repeals: [] },
  };
}

const VERSIONS_PER_DOCUMENT = 4;
const documentsNeeded = Math.ceil(TOTAL / VERSIONS_PER_DOCUMENT);
// Round by round (all first versions, then all second versions…), as a crawler would see them.
const corpus: PolicyDocument[] = [];
for (let v = 0; v < VERSIONS_PER_DOCUMENT && corpus.length < TOTAL; v++) {
  for (let k = 0; k < documentsNeeded && corpus.length < TOTAL; k++) corpus.push(makeVersion(k, v));
}
// The COPY loads the provisions of the corpus as generated; --strip only lightens what is recorded.
const recorded: PolicyDocument[] = corpus.map((d, i) => ({
  ...d,
  ...(STRIP.has('measures') ? { measures: [] } : {}),
  ...(STRIP.has('version-texts') ? { text: `样本全文${i}` } : {}),
}));
const provisionRows = corpus.reduce((n, d) => n + d.provisions.length, 0);

// ---- scratch database ---------------------------------------------------------------------

const config = getConfig();
const serverUrl = config.databaseUrl ?? config.testDatabaseUrl;
const scratch = `pt_bench_${process.pid}`;

async function admin<T>(fn: (c: pg.Client) => Promise<T>): Promise<T> {
  const c = new pg.Client({ connectionString: serverUrl });
  await c.connect();
  try {
    return await fn(c);
  } finally {
    await c.end();
  }
}

/** CPU seconds used so far by each backend serving database `name` (empty when /proc cannot show them). */
async function backendCpu(name: string): Promise<Map<number, number>> {
  const pids = await admin((c) => c.query<{ pid: number }>('select pid from pg_stat_activity where datname = $1', [name]));
  const out = new Map<number, number>();
  for (const { pid } of pids.rows) {
    try {
      const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
      out.set(pid, (Number(fields[11]) + Number(fields[12])) / 100); // utime + stime, in clock ticks of 1/100 s
    } catch {
      // not a local server, or the backend has gone
    }
  }
  return out;
}

/** Backend CPU seconds between two {@link backendCpu} readings; null when none could be read. */
function cpuBetween(before: Map<number, number>, after: Map<number, number>): number | null {
  if (after.size === 0) return null;
  let s = 0;
  for (const [pid, t] of after) s += t - (before.get(pid) ?? 0);
  return s;
}

/** Runs `units` (each recording one or more documents) C at a time; returns seconds, outcomes and Node's CPU time. */
async function runUnits(dbName: string, units: readonly (() => Promise<RecordOutcome[]>)[]) {
  const outcomes: Record<RecordOutcome | 'failed', number> = { new: 0, revised: 0, unchanged: 0, failed: 0 };
  let next = 0;
  const server0 = await backendCpu(dbName);
  const cpu0 = process.cpuUsage();
  const t0 = performance.now();
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (next < units.length) {
        const unit = units[next++]!;
        for (const o of await unit()) outcomes[o]++;
      }
    }),
  );
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(cpu0);
  return { seconds, outcomes, nodeCpuSeconds: (cpu.user + cpu.system) / 1e6, serverCpuSeconds: cpuBetween(server0, await backendCpu(dbName)) };
}

const seenAt = (day: number) => `2026-01-0${day}T00:00:00Z`;

/** The corpus in batches for recordDocuments (or `record`, a function of the same shape). */
function batchedUnits(db: Kysely<Database>, day: number, record: (items: RecordItem[]) => Promise<RecordItemResult[]> = (items) => recordDocuments(db, items)) {
  const units: (() => Promise<RecordOutcome[]>)[] = [];
  for (let start = 0; start < corpus.length; start += BATCH) {
    const items = recorded.slice(start, start + BATCH).map((doc, k) => ({ doc, seen: { source: `bench/${start + k}.txt`, seenAt: seenAt(day) } }));
    units.push(async () => (await record(items)).map((r) => (r.outcome === 'failed' ? (console.error(r.error), 'failed' as never) : r.outcome)));
  }
  return units;
}

/** The corpus one document per call. */
function singleUnits(db: Kysely<Database>, day: number) {
  return recorded.map((doc, i) => async () => [(await recordDocument(db, doc, { source: `bench/${i}.txt`, seenAt: seenAt(day) })).outcome]);
}

function copyEscape(v: string | number | null): string {
  if (v === null) return '\\N';
  return String(v).replace(/\\/g, '\\\\').replace(/\t/g, '\\t').replace(/\n/g, '\\n').replace(/\r/g, '\\r');
}

const fmt = (n: number) => Math.round(n).toLocaleString('en-US');

/** The URL of database `name` on the server. */
function scratchUrl(name: string): string {
  const u = new URL(serverUrl);
  u.pathname = `/${name}`;
  return u.toString();
}

async function scratchDatabase(name: string) {
  await admin((c) => c.query(`drop database if exists "${name}" with (force)`).then(() => c.query(`create database "${name}"`)));
  const url = scratchUrl(name);
  return { url, db: await openDatabase({ databaseUrl: url, poolSize: CONCURRENCY + 1 }) };
}
const dropScratch = (name: string) => admin((c) => c.query(`drop database if exists "${name}" with (force)`));

const cpuText = (node: number, server: number | null) => `node CPU ${node.toFixed(2)} s, server CPU ${server === null ? 'n/a' : `${server.toFixed(2)} s`}`;

// What segmenting the generated versions would cost: their texts (title, number, provisions)
// through the pipeline, timed apart from recording (the corpus above is already segmented).
const pages = corpus.map((d) => `${d.title}\n${d.docNumber ?? ''}\n${d.text}`);
const seg0 = performance.now();
for (const [i, page] of pages.entries()) processText(page, { fileName: `bench-${i}.txt` });
const segmentSeconds = (performance.now() - seg0) / 1000;

console.log(`corpus: ${corpus.length} document versions of ${documentsNeeded} documents from ${bases.length} seed documents; ${fmt(provisionRows)} provision rows`);
console.log(`postgres: ${serverUrl.replace(/\/\/[^@]*@/, '//…@')}; concurrency ${CONCURRENCY}, batches of ${BATCH}; load average ${loadavg().map((l) => l.toFixed(1)).join(' ')}`);
const line = (label: string, r: Awaited<ReturnType<typeof runUnits>>, extra = '') =>
  console.log(
    `${label.padEnd(34)} ${fmt(corpus.length / r.seconds).padStart(6)} documents/s  (${r.seconds.toFixed(2)} s, ${cpuText(r.nodeCpuSeconds, r.serverCpuSeconds)}; ${JSON.stringify(r.outcomes)}${extra})`,
  );

const median = (xs: readonly number[]) => {
  const a = [...xs].sort((x, y) => x - y);
  return a.length % 2 === 1 ? a[(a.length - 1) / 2]! : (a[a.length / 2 - 1]! + a[a.length / 2]!) / 2;
};
const load = () => loadavg().map((l) => l.toFixed(1)).join(' ');

const mb = (bytes: number) => (bytes / 1e6).toFixed(1);

/** The tables recording writes, in an order their rows can be loaded in. */
const RECORDED_TABLES = ['documents', 'document_keys', 'provision_texts', 'versions', 'measures', 'version_sources', 'relations'] as const;

/**
 * What recording left on disk, per table (heap, TOAST and indexes: pg_total_relation_size),
 * largest first; tables it did not write are left out.
 */
async function tableBytes(db: Kysely<Database>): Promise<Map<string, number>> {
  const { rows } = await sql<{ name: string; bytes: string }>`
    select relname as name, pg_total_relation_size(relid) as bytes
      from pg_stat_user_tables
     where relname = any(${[...RECORDED_TABLES]}::text[])
     order by 2 desc`.execute(db);
  return new Map(rows.map((r) => [r.name, Number(r.bytes)]));
}

/** Indexes on versions and provision storage beyond keys: each costs every recording. */
async function extraIndexes(db: Kysely<Database>): Promise<string[]> {
  const { rows } = await sql<{ name: string; def: string }>`
    select indexrelid::regclass::text as name, pg_get_indexdef(indexrelid) as def
      from pg_index where indrelid in ('versions'::regclass, 'provision_texts'::regclass, 'measures'::regclass) and not indisunique`.execute(db);
  return rows.map((r) => `${r.name} (${/using (\w+)/i.exec(r.def)?.[1] ?? '?'})`);
}

/**
 * The rows recording left in database `name` (before the search indexing marks them), as COPY
 * text per table.
 */
async function dumpRecorded(name: string): Promise<Map<string, Buffer>> {
  const dumps = new Map<string, Buffer>();
  const src = new pg.Client({ connectionString: scratchUrl(name) });
  await src.connect();
  try {
    for (const table of RECORDED_TABLES) {
      const chunks: Buffer[] = [];
      for await (const chunk of src.query(copyTo(`copy ${table} to stdout`))) chunks.push(chunk as Buffer);
      dumps.set(table, Buffer.concat(chunks));
    }
  } finally {
    await src.end();
  }
  return dumps;
}

/** `rows` (COPY text, one row a line) cut into `parts` runs of whole lines. */
function splitLines(rows: Buffer, parts: number): Buffer[] {
  const out: Buffer[] = [];
  let start = 0;
  for (let k = 1; k <= parts; k++) {
    let end = k === parts ? rows.length : Math.floor((rows.length * k) / parts);
    if (end < rows.length) end = rows.indexOf(10, end) + 1 || rows.length; // to the end of that line
    if (end > start) out.push(rows.subarray(start, end));
    start = end;
  }
  return out;
}

/**
 * The floor: rows dumped by {@link dumpRecorded} loaded with COPY FROM into a fresh migrated
 * database: the documents and their keys first (the other tables refer to them), then each other
 * table cut into C parts loaded by C connections at once (as recording runs C batches at once),
 * the versions before the places they were seen.
 * Returns the load's seconds and CPU.
 */
async function floorCopy(dumps: Map<string, Buffer>): Promise<{ seconds: number; nodeCpu: number; serverCpu: number | null; bytes: number }> {
  const name = `${scratch}_floor`;
  const floor = await scratchDatabase(name); // migrated on opening
  await floor.db.destroy();
  const clients = Array.from({ length: CONCURRENCY }, () => new pg.Client({ connectionString: floor.url }));
  await Promise.all(clients.map((c) => c.connect()));
  const load = async (c: pg.Client, table: string, rows: Buffer) => {
    await streamPipeline(Readable.from([rows]), c.query(copyFrom(`copy ${table} from stdin`)));
  };
  // Each table's part per connection, cut before the clock starts.
  const parts = new Map([...dumps].map(([table, rows]) => [table, splitLines(rows, CONCURRENCY)]));
  try {
    const server0 = await backendCpu(name);
    const cpu0 = process.cpuUsage();
    const t0 = performance.now();
    const first = clients[0]!;
    await first.query('begin');
    for (const table of ['documents', 'document_keys']) await load(first, table, dumps.get(table)!);
    await first.query('commit');
    // Then the rest in C parts at once; the places versions were seen after their versions.
    for (const tables of [['provision_texts', 'versions', 'measures', 'relations'], ['version_sources']]) {
      await Promise.all(
        clients.map(async (c, k) => {
          await c.query('begin');
          for (const table of tables) {
            const part = parts.get(table)![k];
            if (part) await load(c, table, part);
          }
          await c.query('commit');
        }),
      );
    }
    const seconds = (performance.now() - t0) / 1000;
    const cpu = process.cpuUsage(cpu0);
    const serverCpu = cpuBetween(server0, await backendCpu(name));
    return { seconds, nodeCpu: (cpu.user + cpu.system) / 1e6, serverCpu, bytes: [...dumps.values()].reduce((n, b) => n + b.length, 0) };
  } finally {
    await Promise.all(clients.map((c) => c.end()));
    await dropScratch(name);
  }
}

const recordRates: number[] = [];
const indexedRates: number[] = [];
const copyRates: number[] = [];
const ratios: number[] = [];
for (let run = 1; run <= RUNS; run++) {
  console.log(`-- run ${run} of ${RUNS}; load average ${load()}`);
  const name = `${scratch}_${run}`;
  const main = await scratchDatabase(name);
  try {
    for (const index of WITHOUT_INDEXES) await sql`drop index ${sql.id(index)}`.execute(main.db);
    if (run === 1) {
      console.log(
        `indexes besides keys: ${(await extraIndexes(main.db)).join(', ') || 'none'}` +
          (WITHOUT_INDEXES.length > 0 ? ` (dropped for this run: ${WITHOUT_INDEXES.join(', ')})` : ''),
      );
    }
    const first = await runUnits(name, batchedUnits(main.db, 1));
    const counts = await countRows(main.db);
    line('ingest, recordDocuments:', first, `; ${fmt(counts.provisions / first.seconds)} provision rows/s`);
    const written = run === 1 ? await tableBytes(main.db) : null;
    const dumps = run === 1 ? await dumpRecorded(name) : null;

    // The text search's share, done after recording (migration 0019): what `ingest` and the
    // ingest worker run once the documents are recorded.
    const indexed = await runUnits(name, [async () => (await indexSearch(main.db), [])]);
    console.log(
      `${'search indexing, after recording:'.padEnd(34)} ${fmt(corpus.length / indexed.seconds).padStart(6)} documents/s  (${indexed.seconds.toFixed(2)} s, ${cpuText(indexed.nodeCpuSeconds, indexed.serverCpuSeconds)})`,
    );
    console.log(
      `${'recording + search indexing:'.padEnd(34)} ${fmt(corpus.length / (first.seconds + indexed.seconds)).padStart(6)} documents/s  (one after the other)`,
    );
    indexedRates.push(corpus.length / (first.seconds + indexed.seconds));
    // What the texts cite, linked after recording (migration 0024), as `ingest` does next.
    const linked = await runUnits(name, [async () => (await linkCitations(main.db), [])]);
    const citations = Number((await sql<{ n: number }>`select count(*) as n from relations where kind = 'cites'`.execute(main.db)).rows[0]!.n);
    console.log(
      `${'citations, after recording:'.padEnd(34)} ${fmt(corpus.length / linked.seconds).padStart(6)} documents/s  (${linked.seconds.toFixed(2)} s, ${cpuText(linked.nodeCpuSeconds, linked.serverCpuSeconds)}; ${fmt(citations)} relations)`,
    );

    // Bare COPY of the same provision rows into a table of the same columns, no keys or indexes.
    const copyClient = new pg.Client({ connectionString: main.url });
    await copyClient.connect();
    let copySeconds: number;
    let copyCpu: number | null;
    try {
      await copyClient.query('create table bare_provisions (version_id bigint, ord integer, path text, label text, level text, heading text, text text)');
      const server0 = await backendCpu(name);
      const cpu0 = process.cpuUsage();
      const t0 = performance.now();
      const lines = function* () {
        let vid = 0;
        for (const d of corpus) {
          vid++;
          let chunk = '';
          d.provisions.forEach((p, ord) => {
            chunk += [vid, ord, p.path, p.label, p.level, p.heading, p.text].map(copyEscape).join('\t') + '\n';
          });
          yield chunk;
        }
      };
      await streamPipeline(Readable.from(lines()), copyClient.query(copyFrom('copy bare_provisions from stdin')));
      copySeconds = (performance.now() - t0) / 1000;
      const cpu = process.cpuUsage(cpu0);
      const nodeCpu = (cpu.user + cpu.system) / 1e6;
      const serverCpu = cpuBetween(server0, await backendCpu(name));
      copyCpu = serverCpu === null ? null : nodeCpu + serverCpu;
      const copied = Number((await copyClient.query('select count(*) as n from bare_provisions')).rows[0].n);
      if (written) {
        const copyBytes = Number((await copyClient.query(`select pg_total_relation_size('bare_provisions') as n`)).rows[0].n);
        const total = [...written.values()].reduce((a, b) => a + b, 0);
        const parts = [...written].map(([table, n]) => `${table} ${mb(n)}`).join(', ');
        console.log(`${'bytes written:'.padEnd(34)} recording ${mb(total)} MB (${parts}), bare COPY ${mb(copyBytes)} MB: ${(total / copyBytes).toFixed(1)}×`);
      }
      if (copied !== provisionRows) throw new Error(`COPY loaded ${copied} rows, expected ${provisionRows}`);
      console.log(
        `${'bare COPY of the provision rows:'.padEnd(34)} ${fmt(corpus.length / copySeconds).padStart(6)} documents/s  (${copySeconds.toFixed(2)} s, ${cpuText(nodeCpu, serverCpu)}; ${fmt(copied / copySeconds)} rows/s)`,
      );
    } finally {
      await copyClient.end();
    }
    const firstCpu = first.serverCpuSeconds === null ? null : first.nodeCpuSeconds + first.serverCpuSeconds;
    console.log(
      `${'ratio:'.padEnd(34)} ${((copySeconds / first.seconds) * 100).toFixed(0)}% of the bare COPY rate (target ≥ 50%)` +
        (firstCpu !== null && copyCpu !== null ? `; CPU per document: ${((copyCpu / firstCpu) * 100).toFixed(0)}% of the COPY's` : ''),
    );
    if (dumps) {
      const f = await floorCopy(dumps);
      console.log(
        `${'floor: those rows COPYed as is:'.padEnd(34)} ${fmt(corpus.length / f.seconds).padStart(6)} documents/s  (${f.seconds.toFixed(2)} s, ${cpuText(f.nodeCpu, f.serverCpu)}; ` +
          `${mb(f.bytes)} MB of COPY text into an empty migrated database, ${CONCURRENCY} at once, no logic: ${((copySeconds / f.seconds) * 100).toFixed(0)}% of the bare COPY rate, ` +
          `recording ${((f.seconds / first.seconds) * 100).toFixed(0)}% of the floor's)`,
      );
    }
    recordRates.push(corpus.length / first.seconds);
    copyRates.push(corpus.length / copySeconds);
    ratios.push(copySeconds / first.seconds);

    if (run === 1) {
      console.log(
        `${'segmentation (done beforehand):'.padEnd(34)} ${fmt(corpus.length / segmentSeconds).padStart(6)} documents/s  (${segmentSeconds.toFixed(2)} s; not in the rates above)`,
      );
      console.log(
        `${'segmentation + recording:'.padEnd(34)} ${fmt(corpus.length / (segmentSeconds + first.seconds)).padStart(6)} documents/s  (one after the other; ${((copySeconds / (segmentSeconds + first.seconds)) * 100).toFixed(0)}% of the bare COPY rate)`,
      );
      const again = await runUnits(name, batchedUnits(main.db, 2));
      line('re-ingest unchanged, batches:', again, '; target ≥ 2,000/s');
      const againSingle = await runUnits(name, singleUnits(main.db, 3));
      line('re-ingest unchanged, one by one:', againSingle);
      const after = await countRows(main.db);
      if (after.versions !== counts.versions) throw new Error(`re-ingest added versions: ${counts.versions} → ${after.versions}`);
    }
  } finally {
    await main.db.destroy();
    await dropScratch(name);
  }
}
console.log(
  `-- median of ${RUNS}: ingest ${fmt(median(recordRates))} documents/s, bare COPY ${fmt(median(copyRates))} documents/s, ` +
    `ratio ${(median(ratios) * 100).toFixed(0)}% (target ≥ 50%); with search indexing after it ${fmt(median(indexedRates))} documents/s, ` +
    `${((median(indexedRates) / median(copyRates)) * 100).toFixed(0)}%; load average ${load()}`,
);

// What `ingest` and the ingest worker run to record: the batches with the changes of each
// revision (db/changes.repository.ts), then the search indexing and the citations, batch after batch.
const pathName = `${scratch}_path`;
const path = await scratchDatabase(pathName);
try {
  for (const index of WITHOUT_INDEXES) await sql`drop index ${sql.id(index)}`.execute(path.db);
  const units = batchedUnits(path.db, 1, async (items) => {
    const results = await recordDocumentsWithChanges(path.db, items);
    await indexSearch(path.db);
    await linkCitations(path.db);
    return results;
  });
  const r = await runUnits(pathName, units);
  const comparisons = Number((await sql<{ n: number }>`select count(*) as n from version_comparisons`.execute(path.db)).rows[0]!.n);
  line('ingest path (+ changes, search, citations):', r, `; ${fmt(comparisons)} comparisons recorded`);
} finally {
  await path.db.destroy();
  await dropScratch(pathName);
}

const singleName = `${scratch}_single`;
const single = await scratchDatabase(singleName);
try {
  for (const index of WITHOUT_INDEXES) await sql`drop index ${sql.id(index)}`.execute(single.db);
  line('ingest, recordDocument one by one:', await runUnits(singleName, singleUnits(single.db, 1)));
} finally {
  await single.db.destroy();
  await dropScratch(singleName);
}
