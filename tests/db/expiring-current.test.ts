/**
 * findExpiring's "current measure" test after migration 0011: `measures.superseded_on`, written by
 * the recording functions (one by one and in batches) and backfilled by the migration, must leave
 * out exactly the measures the earlier query left out, on every day (a revision recorded before
 * it takes effect supersedes from its start; one with no date at all, at once).
 *
 * The reference is findExpiring's previous SQL (every version joined, "no later version in force").
 */
import { sql, type Kysely } from 'kysely';
import { describe, expect, it } from 'vitest';
import { findExpiring } from '../../db/expiring.repository.ts';
import { migrateOrThrow } from '../../db/migrator.ts';
import { recordDocument, recordDocuments } from '../../db/record.ts';
import type { Database } from '../../db/schema.ts';
import type { Measure, PolicyDocument } from '../../pipeline/types.ts';
import { BACKENDS, useTestDatabase, withDatabaseBefore } from '../helpers/database.ts';
import { articles, makeDocument } from '../helpers/documents.ts';

const seen = (source: string) => ({ source, seenAt: '2026-01-05T08:00:00Z' });

/** A measure of 第二条 ending on `endsOn`. */
const measure = (endsOn: string): Measure => ({
  path: '第二条',
  kind: 'support',
  startsOn: '2025-05-01',
  endsOn,
  amounts: ['最高2000万元'],
  responsible: [],
  text: `对在2025年5月1日至${endsOn}发放的贷款给予财政贴息。`,
});

/** Version `v` of document `k`: its own text, a measure ending `endsOn`, the given start dates. */
function version(k: number, v: number, endsOn: string, dates: { effective: string | null; signedOn: string | null }): PolicyDocument {
  return makeDocument({
    docNumber: `测规〔2025〕${k}号`,
    title: `测试办法${k}`,
    provisions: articles(['为支持企业发展，制定本办法。', `对在2025年5月1日至${endsOn}发放的贷款给予财政贴息（第${v}版）。`]),
    measures: [measure(endsOn)],
    signedOn: dates.signedOn,
    validity: { effective: dates.effective, expires: '2035-12-31' },
  });
}

/** [documentId, endsOn] of the measures listed by findExpiring. */
async function listed(db: Kysely<Database>, on: string, until: string): Promise<[number, string][]> {
  const { items } = await findExpiring(db, { on, until });
  return items.filter((i) => i.kind === 'measure').map((i) => [i.document.id, i.endsOn]);
}

/** The same, by the query findExpiring used before migration 0011. */
async function reference(db: Kysely<Database>, on: string, until: string): Promise<[number, string][]> {
  const { rows } = await sql<{ document_id: number; ends_on: string }>`
    select d.id as document_id, m.ends_on
      from measures m
      join versions v on v.id = m.version_id
      join documents d on d.id = v.document_id
     where m.ends_on between ${on} and ${until}
       and not exists (select 1 from versions n
                        where n.document_id = v.document_id and n.seq > v.seq
                          and (coalesce(n.effective, n.signed_on) is null or coalesce(n.effective, n.signed_on) <= ${on}))
       and not (d.status = 'repealed' and (d.ended_on is null or d.ended_on <= ${on}))
     order by m.ends_on, d.id, m.ord`.execute(db);
  return rows.map((r) => [Number(r.document_id), r.ends_on]);
}

/** Days on which to compare: before, between and after the versions' starts. */
const DAYS = ['2025-06-01', '2026-06-01', '2026-12-31', '2027-01-01', '2027-06-01', '2028-01-01', '2028-02-01'];

/**
 * Document 1: v2 recorded before it takes effect (2027-01-01). Document 2: v2 with no date at
 * all. Document 3: v2 from 2028-01-01, then v3 from 2027-01-01 (recorded later, in force earlier).
 */
const HISTORY: readonly (readonly PolicyDocument[])[] = [
  [version(1, 1, '2027-12-31', { effective: '2025-12-31', signedOn: '2025-12-20' }), version(2, 1, '2027-11-30', { effective: '2025-12-31', signedOn: null }), version(3, 1, '2027-10-31', { effective: '2025-12-31', signedOn: null })],
  [version(1, 2, '2028-06-30', { effective: '2027-01-01', signedOn: '2026-03-01' }), version(2, 2, '2028-05-31', { effective: null, signedOn: null }), version(3, 2, '2028-04-30', { effective: '2028-01-01', signedOn: null })],
  [version(3, 3, '2028-03-31', { effective: null, signedOn: '2027-01-01' })],
];

/**
 * findExpiring lists what the reference lists, on every day of {@link DAYS}. With `byDocument`,
 * only which documents' measures (a repeal moves a measure's end to the day before it, so the
 * dates differ from the stored ones).
 */
async function expectSameAsReference(db: Kysely<Database>, options: { byDocument?: boolean } = {}): Promise<void> {
  const ids = (xs: [number, string][]) => xs.map(([id]) => id).sort((a, b) => a - b);
  for (const on of DAYS) {
    const expected = await reference(db, on, '2029-12-31');
    const actual = await listed(db, on, '2029-12-31');
    if (options.byDocument) expect(ids(actual), `on ${on}`).toEqual(ids(expected));
    else expect(actual, `on ${on}`).toEqual(expected);
  }
}

describe.each(BACKENDS)('current measures on %s', (backend) => {
  const t = useTestDatabase(backend);

  it('recorded one by one: a revision supersedes from the day it takes effect, one without dates at once', async () => {
    for (const round of HISTORY) for (const d of round) await recordDocument(t.db, d, seen('a'));
    await expectSameAsReference(t.db);
    const ids = (await listed(t.db, '2025-06-01', '2029-12-31')).map(([id]) => id);
    const [d1, d2, d3] = [...new Set(ids)].sort((a, b) => a - b);
    // Document 1: its first window until the revision takes effect on 2027-01-01.
    expect(await listed(t.db, '2026-12-31', '2029-12-31')).toEqual(
      expect.arrayContaining([[d1, '2027-12-31'], [d1, '2028-06-30']]),
    );
    expect(await listed(t.db, '2027-01-01', '2029-12-31')).not.toContainEqual([d1, '2027-12-31']);
    // Document 2: the undated revision supersedes its first window on every day.
    expect(await listed(t.db, '2025-06-01', '2029-12-31')).not.toContainEqual([d2, '2027-11-30']);
    // Document 3: v3 (from 2027-01-01) supersedes v1 and v2 before v2's own start.
    expect((await listed(t.db, '2027-06-01', '2029-12-31')).filter(([id]) => id === d3)).toEqual([[d3, '2028-03-31']]);
  });

  it('recorded in batches: the same as one by one', async () => {
    for (const round of HISTORY) {
      const results = await recordDocuments(t.db, round.map((doc) => ({ doc, seen: seen('b') })));
      expect(results.every((r) => r.outcome !== 'failed')).toBe(true);
    }
    await expectSameAsReference(t.db);
    expect((await listed(t.db, '2025-06-01', '2029-12-31')).length).toBeGreaterThan(0);
  });

  it('leaves out the measures of a document whose repeal is in effect', async () => {
    for (const round of HISTORY) for (const d of round) await recordDocument(t.db, d, seen('a'));
    const repealer = makeDocument({
      docNumber: '测规〔2026〕1号',
      title: '废止办法',
      provisions: articles(['本办法自2027年3月1日起施行，《测试办法1》（测规〔2025〕1号）同时废止。']),
      signedOn: '2027-02-01',
      validity: { effective: '2027-03-01', expires: null, repeals: [{ docNumber: '测规〔2025〕1号', title: '测试办法1' }] },
    });
    await recordDocument(t.db, repealer, seen('a'));
    await expectSameAsReference(t.db, { byDocument: true });
    const d1 = (await sql<{ id: number }>`select id from documents where doc_number = '测规〔2025〕1号'`.execute(t.db)).rows[0]!.id;
    expect((await listed(t.db, '2027-02-01', '2029-12-31')).filter(([id]) => Number(id) === Number(d1))).toEqual([[Number(d1), '2027-02-28']]);
    expect((await listed(t.db, '2027-03-01', '2029-12-31')).some(([id]) => Number(id) === Number(d1))).toBe(false);
  });
});

describe('migration 0011 on Postgres', () => {
  it('backfills document_id and superseded_on from the versions already recorded', async () => {
    await withDatabaseBefore('0011', async (db) => {
      for (const round of HISTORY) for (const d of round) await recordDocument(db, d, seen('a'));
      const expected = await Promise.all(DAYS.map((on) => reference(db, on, '2029-12-31')));
      await migrateOrThrow(db);
      expect(await Promise.all(DAYS.map((on) => listed(db, on, '2029-12-31')))).toEqual(expected);
      const { rows } = await sql<{ n: number }>`select count(*)::int as n from measures where document_id is null`.execute(db);
      expect(rows[0]!.n).toBe(0);
    });
  }, 120_000);
});
