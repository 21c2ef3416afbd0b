/**
 * bench/expiring: the `expiring` query over 1,000,000 measures in a fresh Postgres database, and
 * the daily expiry scan.
 *
 *   npx tsx bench/expiring.ts [--measures 1000000] [--runs 200] [--no-basis] [--plan] [--keep] [--reuse NAME] [--slowest]
 *
 * Fills 20,000 documents (a third with an expiry, 2% repealed), 24,000 versions (a fifth of the
 * documents revised, so their first version's measures are superseded) and N measures, 10% of
 * them with their own window spread over 2022–2035 and written in their text
 * (`省财政对在2028年6月1日至2030年6月1日发放的贷款给予财政贴息,…。另行制定实施细则。`), with
 * `basis` as recording stores it (the sentence the end date comes from; checked against
 * measureBasis on a sample). `--no-basis` leaves basis null, as in rows recorded before
 * migration 0013 (findExpiring then finds the sentence in the text).
 *
 * Prints, for the 90-day window (`expiring --within 90d`, all items) and for a first page of 50,
 * over `--runs` runs each reading a different window: median and p95 wall time of findExpiring,
 * the Node CPU and the Postgres backend CPU per query (from /proc, when the server is local),
 * and the executor time Postgres reports (EXPLAIN ANALYZE, timing off) for the same statement
 * (the text answer, expiringTextStatement; `--plan` prints its plan once).
 * The CPU figures hardly move with the machine's load; the wall times do: a fixed CPU-only task,
 * timed as often, shows the machine's own median and p95 beside them. The implementation
 * before this one (two queries, provision texts shipped, basis sentences found in JS) is timed
 * the same way on the same data and checked to return the same items.
 *
 * Then the daily scan as the alert-scan job runs it (raiseExpiryAlerts, three subscriptions:
 * everything with thresholds 90/30/7, a 文号 prefix, a keyword): the first run, which raises the
 * alerts, and a second run of the same day, which raises none.
 *
 * Uses TEST_DATABASE_URL's server; the database is dropped afterwards (`--keep` keeps it and
 * prints its name, to try statements on it with psql; `--reuse NAME` times against such a kept
 * database instead of filling a new one, migrating it first, and keeps it: a diagnostic for
 * trying changes quickly, its daily scan raises no new alerts).
 *
 * findExpiring sends its statement prepared (PREPARE once per connection, then EXECUTE), so the
 * timed runs after the first few skip parsing and planning; the executor times below are of the
 * statement sent plainly, with its planning time beside them.
 */
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { loadavg } from 'node:os';
import { sql, type Kysely } from 'kysely';
import pg from 'pg';
import { getConfig } from '../config.ts';
import { raiseExpiryAlerts } from '../db/alerts.repository.ts';
import { openDatabase } from '../db/connection.ts';
import { expiringTextStatement, findExpiring, type ExpiringItem, type ExpiringQuery } from '../db/expiring.repository.ts';
import type { Database } from '../db/schema.ts';
import { saveSubscription } from '../db/subscriptions.repository.ts';
import { addDays } from '../pipeline/dates.ts';
import { measureBasis } from '../pipeline/measures.ts';
import { documentStatus, measureStatus, type DocumentDates, type LifecycleStatus } from '../pipeline/status.ts';
import type { MeasureKind } from '../pipeline/types.ts';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const MEASURES = arg('--measures', 1_000_000);
const RUNS = arg('--runs', 200);
const WITH_BASIS = !process.argv.includes('--no-basis');
const PLAN = process.argv.includes('--plan');
/** `--slowest`: also print the ten slowest runs of each timing (run number: ms), to tell warm-up from pauses. */
const SLOWEST = process.argv.includes('--slowest');
const KEEP = process.argv.includes('--keep');
/** `--reuse NAME`: time against a database kept by an earlier `--keep` run (no fill; kept again). */
const REUSE = (() => {
  const i = process.argv.indexOf('--reuse');
  return i > 0 ? process.argv[i + 1]! : null;
})();
const DOCUMENTS = 20_000;
const ON = '2030-06-01';

const base = getConfig().testDatabaseUrl;
const name = REUSE ?? `pt_bench_expiring_${randomUUID().replaceAll('-', '').slice(0, 10)}`;
const admin = new pg.Client({ connectionString: base });
await admin.connect();
if (REUSE === null) await admin.query(`create database "${name}"`);
const url = new URL(base);
url.pathname = `/${name}`;
const db = await openDatabase({ databaseUrl: url.toString() });
// Timed queries go through one connection, so that its backend's CPU can be read.
const one = await openDatabase({ databaseUrl: url.toString(), migrate: false, poolSize: 1 });

const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;
const ms = (x: number) => x.toFixed(1).padStart(6);

/** CPU seconds of a local Postgres backend so far (utime + stime), or null when it is not local. */
const TICKS = (() => {
  try {
    return Number(execFileSync('getconf', ['CLK_TCK'], { encoding: 'utf8' }).trim()) || 100;
  } catch {
    return 100;
  }
})();
function backendCpu(pid: number): number | null {
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const f = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(f[11]) + Number(f[12])) / TICKS;
  } catch {
    return null;
  }
}
/** The backend of the single connection (asked each time: the pool replaces a client idle for 10 s). */
async function backendPidOf(db: Kysely<Database>): Promise<number> {
  const { rows } = await sql<{ pid: number }>`select pg_backend_pid() as pid`.execute(db);
  return rows[0]!.pid;
}
const isLocal = ['127.0.0.1', 'localhost', '::1', ''].includes(url.hostname) && backendCpu(await backendPidOf(one)) !== null;

// ---------------------------------------------------------------------------------------------
// The implementation before this one, kept here as the "before" figure (same data, same load).

type Dates = { effective: string | null; expires: string | null; status: 'active' | 'repealed'; ended_on: string | null };
const GONE: ReadonlySet<LifecycleStatus> = new Set(['expired', 'repealed', 'superseded']);
const datesOf = (r: Dates): DocumentDates => ({ effective: r.effective, expires: r.expires, repealed: r.status === 'repealed', repealedOn: r.ended_on });

async function previousFindExpiring(db: Kysely<Database>, q: ExpiringQuery): Promise<ExpiringItem[]> {
  const limit = q.limit ?? null;
  const [docs, measures] = await Promise.all([
    sql<Dates & { id: number; doc_number: string | null; title: string; basis: string | null; repealer_title: string | null; repealer_number: string | null }>`
      select d.id, d.doc_number, d.title, d.effective, d.expires, d.status, d.ended_on,
             (select v.validity_basis from versions v where v.document_id = d.id order by v.seq desc limit 1) as basis,
             r.title as repealer_title, r.doc_number as repealer_number
        from documents d left join documents r on r.id = d.repealed_by
       where d.kind = 'policy' and ((d.expires between ${q.on} and ${q.until}) or (d.ended_on > ${q.on} and d.ended_on <= ${addDays(q.until, 1)}))
         and not (d.status = 'repealed' and (d.ended_on is null or d.ended_on <= ${q.on}))
       order by least(d.expires, d.ended_on - 1), d.id limit ${limit}`.execute(db),
    sql<Dates & { document_id: number; doc_number: string | null; title: string; signed_on: string | null; path: string; kind: MeasureKind; starts_on: string | null; ends_on: string; amounts: string[]; text: string }>`
      select d.id as document_id, d.doc_number, d.title, d.effective, d.expires, d.signed_on, d.status, d.ended_on,
             m.path, m.kind, m.starts_on, m.ends_on, m.amounts, m.text, m.ord
        from measures m cross join lateral (select * from documents d where d.id = m.document_id offset 0) d
       where m.ends_on between ${q.on} and ${q.until} and m.superseded_on > ${q.on}
         and not (d.status = 'repealed' and (d.ended_on is null or d.ended_on <= ${q.on}))
       order by m.ends_on, m.document_id, m.ord limit ${limit}`.execute(db),
  ]);
  const out: ExpiringItem[] = [];
  for (const r of docs.rows) {
    const s = documentStatus(datesOf(r), q.on);
    if (s.endsOn === null || s.daysLeft === null || GONE.has(s.status)) continue;
    const byRepeal = r.ended_on !== null && (r.expires === null || addDays(r.ended_on, -1) < r.expires);
    const repealer = `${r.repealer_title ? `《${r.repealer_title}》` : ''}${r.repealer_number ? `（${r.repealer_number}）` : ''}`;
    out.push({ kind: 'document', document: { id: Number(r.id), docNumber: r.doc_number, title: r.title }, path: null, startsOn: r.effective, endsOn: s.endsOn, daysLeft: s.daysLeft, status: s.status, basis: byRepeal ? `自${r.ended_on}起由${repealer || '另一文件'}废止` : r.basis });
  }
  for (const r of measures.rows) {
    const s = measureStatus({ startsOn: r.starts_on, endsOn: r.ends_on }, datesOf(r), q.on);
    if (s.endsOn === null || s.daysLeft === null || GONE.has(s.status)) continue;
    out.push({
      kind: 'measure', document: { id: Number(r.document_id), docNumber: r.doc_number, title: r.title }, path: r.path, startsOn: r.starts_on,
      endsOn: s.endsOn, daysLeft: s.daysLeft, status: s.status,
      basis: measureBasis(r.text, r.ends_on, { effective: r.effective, expires: r.expires, signedOn: r.signed_on }), measureKind: r.kind, amounts: r.amounts,
    });
  }
  out.sort((a, b) => (a.endsOn < b.endsOn ? -1 : a.endsOn > b.endsOn ? 1 : 0) || (a.kind === b.kind ? 0 : a.kind === 'document' ? -1 : 1) || a.document.id - b.document.id);
  return q.limit !== undefined ? out.slice(0, q.limit) : out;
}

// ---------------------------------------------------------------------------------------------

/** Times `fn` over RUNS windows (each run a different day): wall, Node CPU and backend CPU per run. */
async function timeRuns(label: string, fn: (q: ExpiringQuery) => Promise<unknown>, limit?: number): Promise<void> {
  const wall: number[] = [];
  const backendPid = await backendPidOf(one);
  const cpu0 = process.cpuUsage();
  const back0 = isLocal ? backendCpu(backendPid) : null;
  for (let r = 0; r < RUNS; r++) {
    const on = addDays(ON, (r * 37) % 1500);
    const t = performance.now();
    await fn(limit === undefined ? { on, until: addDays(on, 90) } : { on, until: addDays(on, 90), limit });
    wall.push(performance.now() - t);
  }
  const cpu = process.cpuUsage(cpu0);
  const back1 = isLocal ? backendCpu(backendPid) : null;
  const node = (cpu.user + cpu.system) / 1000 / RUNS;
  const server = back0 !== null && back1 !== null ? `${ms(((back1 - back0) * 1000) / RUNS)} ms` : '   n/a';
  console.log(`${label.padEnd(34)} median ${ms(pct(wall, 0.5))} ms  p95 ${ms(pct(wall, 0.95))} ms   CPU/query: node ${ms(node)} ms, postgres ${server}`);
  if (SLOWEST) {
    const slowest = wall.map((w, r) => [r, w] as const).sort((a, b) => b[1] - a[1]).slice(0, 10);
    console.log(`  slowest runs: ${slowest.map(([r, w]) => `#${r}: ${w.toFixed(1)}`).join(', ')}`);
  }
}

/**
 * The machine's own spread: a fixed CPU-only task (no I/O, no allocation to speak of, about as
 * long as the whole-window query) timed as many times as the queries. On a shared VM its p95 can be
 * twice its median; read the queries' p95 against it.
 */
function machineSpread(): number {
  const wall: number[] = [];
  let sink = 0;
  for (let r = 0; r < RUNS; r++) {
    const t = performance.now();
    for (let i = 0; i < 2_000_000; i++) sink += Math.sqrt(i) * (i & 7);
    wall.push(performance.now() - t);
  }
  console.log(`${'machine: a fixed CPU-only task'.padEnd(34)} median ${ms(pct(wall, 0.5))} ms  p95 ${ms(pct(wall, 0.95))} ms   (p95/median ${(pct(wall, 0.95) / pct(wall, 0.5)).toFixed(2)})`);
  return sink;
}

/** Executor time Postgres reports for the statement findExpiring sends (no parse, plan or transfer). */
async function executorTimes(label: string, limit?: number): Promise<void> {
  const times: number[] = [];
  const planning: number[] = [];
  for (let r = 0; r < Math.min(RUNS, 100); r++) {
    const on = addDays(ON, (r * 37) % 1500);
    const st = expiringTextStatement(limit === undefined ? { on, until: addDays(on, 90) } : { on, until: addDays(on, 90), limit }).compile(one);
    const { rows } = await one.executeQuery<{ 'QUERY PLAN': [{ 'Execution Time': number; 'Planning Time': number }] }>({
      ...st,
      sql: `explain (analyze, timing off, summary on, format json) ${st.sql}`,
    });
    times.push(rows[0]!['QUERY PLAN'][0]['Execution Time']);
    planning.push(rows[0]!['QUERY PLAN'][0]['Planning Time']);
  }
  console.log(`${label.padEnd(34)} median ${ms(pct(times, 0.5))} ms  p95 ${ms(pct(times, 0.95))} ms   (planning: median ${pct(planning, 0.5).toFixed(2)} ms)`);
}

/** Documents, versions and measures as described in the header; vacuumed and analyzed. */
async function fill(): Promise<void> {
  const t0 = performance.now();
  await sql`
    insert into documents (identity_key, title_key, doc_number, title, kind, effective, expires, status, ended_on)
    select 'bench:' || i, 'bench' || i, '测试〔2025〕' || i || '号', '基准文件' || i, 'policy',
           date '2024-01-01' + (i % 700),
           case when i % 3 = 0 then date '2026-01-01' + (i * 7919 % 3650) end,
           case when i % 50 = 0 then 'repealed' else 'active' end,
           case when i % 50 = 0 then date '2025-01-01' + (i % 3000) end
      from generate_series(1, ${DOCUMENTS}) i`.execute(db);
  await sql`
    insert into versions (document_id, seq, text_sha256, title, effective, expires, text, seen_at)
    select d.id, s.seq, md5(d.id || ':' || s.seq), d.title, d.effective, d.expires, '…', now()
      from documents d cross join lateral (select 1 as seq union all select 2 where d.id % 5 = 0) s`.execute(db);
  const { rows: vr } = await sql<{ n: number; first: number }>`select count(*)::int as n, min(id)::int as first from versions`.execute(db);
  const { n: nv, first } = vr[0]!;
  // Measures spread over the versions in id order; 10% with their own window, written in the
  // text as a grant's loan period, the sentence stored as basis as recording does. document_id
  // and superseded_on as the recording functions write them (0011, 0013): the first day a later
  // version of the document is in force ('-infinity' when its start is unknown), for dated
  // measures; 'infinity' otherwise.
  const zh = (d: string) => sql`to_char(${sql.raw(d)}, 'YYYY"年"FMMM"月"FMDD"日"')`;
  await sql`
    with vinfo as materialized (
      select v.id, v.document_id,
             coalesce((select min(coalesce(n.effective, n.signed_on, '-infinity'::date)) from versions n
                        where n.document_id = v.document_id and n.seq > v.seq), 'infinity') as superseded_on
        from versions v
    ), m as (
      select i, vi.id as version_id, vi.document_id, vi.superseded_on,
             case when i % 10 = 0 then date '2022-01-01' + (i * 31 % 4383) end as starts_on,
             case when i % 10 = 0 then date '2024-01-01' + (i * 31 % 4383) end as ends_on
        from generate_series(0, ${MEASURES - 1}) i
        join vinfo vi on vi.id = ${first} + (i % ${nv})
    ), t as (
      select m.*, case when ends_on is null then '企业应当按照规定报送年度经营情况,单个企业年度补助金额最高2000万元。'
                       else '省财政对在' || ${zh('starts_on')} || '至' || ${zh('ends_on')} || '发放的贷款给予财政贴息,单个企业年度贴息金额最高2000万元。' end as sentence
        from m
    )
    insert into measures (version_id, document_id, superseded_on, ord, path, kind, starts_on, ends_on, amounts, responsible, text, basis)
    select version_id, document_id, case when ends_on is null then 'infinity' else superseded_on end, i / ${nv}, '第' || (i / ${nv} + 1) || '条',
           (array['support','requirement','prohibition','support'])[1 + i % 4], starts_on, ends_on,
           array['最高2000万元'], array['省财政厅'], sentence || '另行制定实施细则。',
           case when ${WITH_BASIS} and ends_on is not null then sentence end
      from t order by i`.execute(db);
  await sql`vacuum analyze`.execute(db);
  console.log(`filled ${DOCUMENTS} documents, ${nv} versions, ${MEASURES} measures${WITH_BASIS ? '' : ' (basis null: records from before 0013)'} in ${((performance.now() - t0) / 1000).toFixed(1)} s`);
}

console.log(`load average ${load()}`);
try {
  let t0 = performance.now();
  if (REUSE === null) await fill();
  else console.log(`reusing database ${name} (filled by an earlier run)`);

  // The stored sentence is the one the pipeline gives (measureBasis reads the same sentence back).
  const sample = await sql<{ text: string; ends_on: string; basis: string | null }>`
    select text, ends_on, basis from measures where ends_on is not null order by id limit 200`.execute(db);
  for (const r of sample.rows) {
    const found = measureBasis(r.text, r.ends_on);
    if (WITH_BASIS ? found !== r.basis : found === null) throw new Error(`bench fill: basis ${r.basis} is not the sentence of ${r.ends_on} in ${r.text}`);
  }

  const until = addDays(ON, 90);
  const full = await findExpiring(one, { on: ON, until });
  const measures = full.items.filter((i) => i.kind === 'measure').length;
  console.log(`window ${ON} … ${until}: ${full.items.length} items (${full.items.length - measures} documents, ${measures} measures)`);

  // Same items as before, on windows of several lengths and days; pages walked by cursor add up to the whole.
  for (const [on, days] of [[ON, 90], [addDays(ON, 400), 90], [addDays(ON, -900), 30], [addDays(ON, 700), 365]] as const) {
    const q = { on, until: addDays(on, days) };
    const [now, before] = [await findExpiring(one, q), await previousFindExpiring(one, q)];
    if (JSON.stringify(now.items) !== JSON.stringify(before)) throw new Error(`findExpiring differs from the previous implementation on ${on} +${days}d`);
    const paged: ExpiringItem[] = [];
    let after: string | undefined;
    for (;;) {
      const page = await findExpiring(one, { ...q, limit: 50, ...(after !== undefined ? { after } : {}) });
      paged.push(...page.items);
      if (page.next === null) break;
      after = page.next;
    }
    if (JSON.stringify(paged) !== JSON.stringify(now.items)) throw new Error(`pages of 50 differ from the whole window on ${on} +${days}d`);
  }
  console.log('checked: same items as the previous implementation, and pages of 50 add up to the whole window');

  if (PLAN) {
    const st = expiringTextStatement({ on: ON, until }).compile(one);
    const { rows } = await one.executeQuery<{ 'QUERY PLAN': string }>({ ...st, sql: `explain (analyze, buffers, costs off) ${st.sql}` });
    for (const r of rows) console.log(`  ${r['QUERY PLAN']}`);
  }

  console.log(`\nexpiring --within 90d, ${RUNS} runs, each on a different day (wall; CPU per query)`);
  machineSpread();
  await timeRuns('findExpiring, whole window', (q) => findExpiring(one, q));
  await timeRuns('findExpiring, first page of 50', (q) => findExpiring(one, q), 50);
  await timeRuns('previous, whole window', (q) => previousFindExpiring(one, q));
  await timeRuns('previous, first 50', (q) => previousFindExpiring(one, q), 50);
  console.log('Postgres executor time of the statement (EXPLAIN ANALYZE, timing off)');
  await executorTimes('  whole window');
  await executorTimes('  first page of 50', 50);

  // The daily scan, as the alert-scan job runs it.
  for (const [target, filters] of [
    ['all@bench.example', { warnDays: [90, 30, 7] }],
    ['prefix@bench.example', { numberPrefixes: ['测试〔2025〕1'], warnDays: [90, 30, 7] }],
    ['keyword@bench.example', { keywords: ['基准文件7'], warnDays: [30] }],
  ] as const) {
    await saveSubscription(db, { channel: 'email', target, name: target, filters, secret: null });
  }
  console.log(`\ndaily scan (raiseExpiryAlerts on ${ON}: 3 subscriptions, lookahead 90 days and the last 7 days)`);
  for (const label of ['first run (raises the alerts)', 'second run, same day (raises none)']) {
    const backendPid = await backendPidOf(one);
    const cpu0 = process.cpuUsage();
    const back0 = isLocal ? backendCpu(backendPid) : null;
    t0 = performance.now();
    const r = await raiseExpiryAlerts(one, { on: ON });
    const wall = performance.now() - t0;
    const cpu = process.cpuUsage(cpu0);
    const back1 = isLocal ? backendCpu(backendPid) : null;
    const server = back0 !== null && back1 !== null ? `${((back1 - back0) * 1000).toFixed(0)} ms` : 'n/a';
    console.log(
      `  ${label.padEnd(36)} ${wall.toFixed(0).padStart(5)} ms  (CPU: node ${((cpu.user + cpu.system) / 1000).toFixed(0)} ms, postgres ${server})  ${r.expiring} ending, ${r.expired} ended, ${r.created.length} alerts created`,
    );
  }
  console.log(`load average ${load()}`);
} finally {
  await one.destroy();
  await db.destroy();
  if (KEEP || REUSE !== null) console.log(`kept database ${name}`);
  else await admin.query(`drop database if exists "${name}" with (force)`);
  await admin.end();
}
