/**
 * bench/expiring: the `expiring` query over 1,000,000 measures in a fresh Postgres database.
 *
 *   npx tsx bench/expiring.ts [--measures 1000000] [--runs 60]
 *
 * Fills 20,000 documents (a third with an expiry, 2% repealed), 24,000 versions (a fifth of the
 * documents revised, so their first version's measures are superseded) and N measures, 10% of
 * them with their own end date spread over 2024–2035. Prints the median and p95 latency of
 * findExpiring for a 90-day window (all items, and a first page of 50), the plan, and the time of a
 * full daily scan (every measure read with its document and its status computed). The measures
 * query findExpiring sent before migration 0011 is timed too, on the same data and load, and both
 * are checked to return the same rows. Prints the load average before and after. Uses
 * TEST_DATABASE_URL's server; the database is dropped afterwards.
 */
import { randomUUID } from 'node:crypto';
import { loadavg } from 'node:os';
import { sql } from 'kysely';
import pg from 'pg';
import { getConfig } from '../config.ts';
import { openDatabase } from '../db/connection.ts';
import { findExpiring } from '../db/expiring.repository.ts';
import { addDays } from '../pipeline/dates.ts';
import { measureStatus } from '../pipeline/status.ts';

const arg = (name: string, dflt: number) => {
  const i = process.argv.indexOf(name);
  return i > 0 ? Number(process.argv[i + 1]) : dflt;
};
const MEASURES = arg('--measures', 1_000_000);
const RUNS = arg('--runs', 60);
const DOCUMENTS = 20_000;
const ON = '2030-06-01';

const base = getConfig().testDatabaseUrl;
const name = `pt_bench_expiring_${randomUUID().replaceAll('-', '').slice(0, 10)}`;
const admin = new pg.Client({ connectionString: base });
await admin.connect();
await admin.query(`create database "${name}"`);
const url = new URL(base);
url.pathname = `/${name}`;
const db = await openDatabase({ databaseUrl: url.toString() });

const load = () => loadavg().map((x) => x.toFixed(2)).join(' ');
console.log(`load average ${load()}`);
const pct = (xs: number[], p: number) => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(p * xs.length))]!;

try {
  let t0 = performance.now();
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
  // Measures spread over the versions in id order; 10% with their own end date. document_id and
  // superseded_on as the recording functions write them (migration 0011): the first day a later
  // version of the document is in force, '-infinity' when its start is unknown, else 'infinity'.
  await sql`
    with vinfo as materialized (
      select v.id, v.document_id,
             coalesce((select min(coalesce(n.effective, n.signed_on, '-infinity'::date)) from versions n
                        where n.document_id = v.document_id and n.seq > v.seq), 'infinity') as superseded_on
        from versions v
    )
    insert into measures (version_id, document_id, superseded_on, ord, path, kind, starts_on, ends_on, amounts, responsible, text)
    select vi.id, vi.document_id, vi.superseded_on, i / ${nv}, '第' || (i / ${nv} + 1) || '条',
           (array['support','requirement','prohibition','target'])[1 + i % 4],
           case when i % 10 = 0 then date '2022-01-01' + (i * 31 % 4383) end,
           case when i % 10 = 0 then date '2024-01-01' + (i * 31 % 4383) end,
           array['最高2000万元'], array['省财政厅'],
           '省财政对在2025年5月1日至2027年12月31日发放的贷款给予财政贴息,单个企业年度贴息金额最高2000万元。'
      from generate_series(0, ${MEASURES - 1}) i
      join vinfo vi on vi.id = ${first} + (i % ${nv})
     order by i`.execute(db);
  await sql`analyze`.execute(db);
  console.log(`filled ${DOCUMENTS} documents, ${nv} versions, ${MEASURES} measures in ${((performance.now() - t0) / 1000).toFixed(1)} s`);

  const until = addDays(ON, 90);
  const full = await findExpiring(db, { on: ON, until });
  const measures = full.items.filter((i) => i.kind === 'measure').length;
  console.log(`window ${ON} … ${until}: ${full.items.length} items (${full.items.length - measures} documents, ${measures} measures)`);

  const { rows: plan } = await sql<{ 'QUERY PLAN': string }>`
    explain (analyze, buffers) select d.id as document_id, d.doc_number, d.title, d.effective, d.expires, d.signed_on, d.status, d.ended_on,
                   m.path, m.kind, m.starts_on, m.ends_on, m.amounts, m.text, m.ord
      from measures m cross join lateral (select * from documents d where d.id = m.document_id offset 0) d
     where m.ends_on between ${ON} and ${until} and m.superseded_on > ${ON}
       and not (d.status = 'repealed' and (d.ended_on is null or d.ended_on <= ${ON}))
     order by m.ends_on, m.document_id, m.ord`.execute(db);
  console.log('measures part of the query:');
  for (const r of plan) console.log(`  ${r['QUERY PLAN']}`);

  // The measures part as findExpiring sent it before migration 0011 (every version joined, a
  // probe for a later version per row), with the same documents part: the "before" figure,
  // measured in the same run and under the same load as the new one.
  const previousMeasures = (on: string, end: string, limit: number | null) =>
    sql`select d.id as document_id, d.doc_number, d.title, d.effective, d.expires, d.signed_on, d.status, d.ended_on,
               m.path, m.kind, m.starts_on, m.ends_on, m.amounts, m.text, m.ord
          from measures m join versions v on v.id = m.version_id join documents d on d.id = v.document_id
         where m.ends_on between ${on} and ${end}
           and not exists (select 1 from versions n where n.document_id = v.document_id and n.seq > v.seq
                             and (coalesce(n.effective, n.signed_on) is null or coalesce(n.effective, n.signed_on) <= ${on}))
           and not (d.status = 'repealed' and (d.ended_on is null or d.ended_on <= ${on}))
         order by m.ends_on, d.id, m.ord limit ${limit}`;
  const currentMeasures = (on: string, end: string, limit: number | null) =>
    sql`select d.id as document_id, d.doc_number, d.title, d.effective, d.expires, d.signed_on, d.status, d.ended_on,
               m.path, m.kind, m.starts_on, m.ends_on, m.amounts, m.text, m.ord
          from measures m cross join lateral (select * from documents d where d.id = m.document_id offset 0) d
         where m.ends_on between ${on} and ${end} and m.superseded_on > ${on}
           and not (d.status = 'repealed' and (d.ended_on is null or d.ended_on <= ${on}))
         order by m.ends_on, m.document_id, m.ord limit ${limit}`;
  // Both give the same rows.
  for (const on of [ON, addDays(ON, 400), addDays(ON, -900)]) {
    const [a, b] = await Promise.all([previousMeasures(on, addDays(on, 90), null).execute(db), currentMeasures(on, addDays(on, 90), null).execute(db)]);
    const rows = (xs: unknown[]) => xs.map((x) => JSON.stringify(x)).sort().join('\n');
    if (rows(a.rows) !== rows(b.rows)) throw new Error(`the 0011 query differs from the previous one on ${on}`);
  }

  // The SQL alone (measures and documents parts as findExpiring sends them), without building items.
  for (const [label, query, limit] of [
    ['SQL only, all items (previous)', previousMeasures, null],
    ['SQL only, first 50 (previous)', previousMeasures, 50],
    ['SQL only, all items', currentMeasures, null],
    ['SQL only, first 50', currentMeasures, 50],
  ] as const) {
    const times: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      const on = addDays(ON, (r * 37) % 1500);
      const end = addDays(on, 90);
      const t = performance.now();
      await Promise.all([
        query(on, end, limit).execute(db),
        sql`select d.id, (select v.validity_basis from versions v where v.document_id = d.id order by v.seq desc limit 1) as basis
              from documents d left join documents r on r.id = d.repealed_by
             where d.kind = 'policy' and ((d.expires between ${on} and ${end}) or (d.ended_on > ${on} and d.ended_on <= ${addDays(end, 1)}))
               and not (d.status = 'repealed' and (d.ended_on is null or d.ended_on <= ${on}))
             order by least(d.expires, d.ended_on - 1), d.id limit ${limit}`.execute(db),
      ]);
      times.push(performance.now() - t);
    }
    console.log(`${label.padEnd(32)} median ${pct(times, 0.5).toFixed(1)} ms   p95 ${pct(times, 0.95).toFixed(1)} ms   (${RUNS} runs)`);
  }

  for (const [label, limit] of [['findExpiring, all items', undefined], ['findExpiring, first 50', 50]] as const) {
    const times: number[] = [];
    for (let r = 0; r < RUNS; r++) {
      // Move the day so that each run reads a different window (no single cached answer).
      const on = addDays(ON, (r * 37) % 1500);
      const t = performance.now();
      await findExpiring(db, limit === undefined ? { on, until: addDays(on, 90) } : { on, until: addDays(on, 90), limit });
      times.push(performance.now() - t);
    }
    console.log(`${label.padEnd(32)} median ${pct(times, 0.5).toFixed(1)} ms   p95 ${pct(times, 0.95).toFixed(1)} ms   (${RUNS} runs)`);
  }

  // A full daily scan: every measure with its document, status computed, by keyset pages.
  t0 = performance.now();
  let last = 0;
  let seen = 0;
  const counts = new Map<string, number>();
  for (;;) {
    const page = await sql<{ id: number; starts_on: string | null; ends_on: string | null; effective: string | null; expires: string | null; status: string; ended_on: string | null }>`
      select m.id, m.starts_on, m.ends_on, d.effective, d.expires, d.status, d.ended_on
        from measures m join documents d on d.id = m.document_id
       where m.id > ${last} order by m.id limit 50000`.execute(db);
    if (page.rows.length === 0) break;
    for (const r of page.rows) {
      const s = measureStatus({ startsOn: r.starts_on, endsOn: r.ends_on }, { effective: r.effective, expires: r.expires, repealed: r.status === 'repealed', repealedOn: r.ended_on }, ON);
      counts.set(s.status, (counts.get(s.status) ?? 0) + 1);
    }
    seen += page.rows.length;
    last = Number(page.rows[page.rows.length - 1]!.id);
  }
  console.log(`full daily scan: ${seen} measures read and judged in ${((performance.now() - t0) / 1000).toFixed(2)} s  ${JSON.stringify(Object.fromEntries(counts))}`);
  console.log(`load average ${load()}`);
} finally {
  await db.destroy();
  await admin.query(`drop database if exists "${name}" with (force)`);
  await admin.end();
}
