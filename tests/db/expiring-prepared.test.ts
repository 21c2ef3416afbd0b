/**
 * findExpiring through a prepared statement of the session (PREPARE once, then EXECUTE), on both
 * backends: the same answer as the first call, again after the session lost its statements, and
 * inside a transaction (where the plain statement is sent). Also: the lookups of documents by id
 * go through the hash index of migration 0018.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { findExpiring } from '../../db/expiring.repository.ts';
import { recordDocument } from '../../db/record.ts';
import type { Measure, PolicyDocument } from '../../pipeline/types.ts';
import { BACKENDS, useTestDatabase } from '../helpers/database.ts';
import { articles, makeDocument } from '../helpers/documents.ts';

const seen = { source: 'prepared.txt', seenAt: '2026-01-05T08:00:00Z' };

function grant(path: string, endsOn: string): Measure {
  const [y, m, d] = endsOn.split('-').map(Number);
  const sentence = `对在2025年5月1日至${y}年${m}月${d}日发放的贷款给予财政贴息,最高2000万元。`;
  return { path, kind: 'support', startsOn: '2025-05-01', endsOn, amounts: ['最高2000万元'], responsible: [], text: sentence, basis: sentence };
}

function doc(k: number, expires: string | null, grantEnds: readonly string[]): PolicyDocument {
  const paths = ['第二条', '第三条', '第四条'];
  return makeDocument({
    docNumber: `测备〔2026〕${k}号`,
    title: `测试预备办法${k}`,
    provisions: articles(['为支持企业发展，制定本办法。', ...grantEnds.map((e, i) => `贴息第${i + 1}项，至${e}。`)]),
    measures: grantEnds.map((e, i) => grant(paths[i]!, e)),
    validity: { effective: '2026-01-01', expires, basis: expires ? `本办法有效期至${expires}。` : null },
  });
}

const q = { on: '2027-06-01', until: '2027-12-31' };
/** What the window holds: document 2 ends first and cuts its 第三条 short. */
const EXPECTED = [
  ['document', '测备〔2026〕2号', null, '2027-08-31'],
  ['measure', '测备〔2026〕1号', '第二条', '2027-08-31'],
  ['measure', '测备〔2026〕2号', '第二条', '2027-08-31'],
  ['measure', '测备〔2026〕2号', '第三条', '2027-08-31'],
  ['measure', '测备〔2026〕1号', '第三条', '2027-10-31'],
];
const summary = (items: readonly { kind: string; document: { docNumber: string | null }; path: string | null; endsOn: string }[]) =>
  items.map((i) => [i.kind, i.document.docNumber, i.path, i.endsOn]);

describe.each(BACKENDS)('expiring through a prepared statement on %s', (backend) => {
  const t = useTestDatabase(backend);

  async function record(): Promise<void> {
    await recordDocument(t.db, doc(1, null, ['2027-08-31', '2027-10-31']), seen);
    await recordDocument(t.db, doc(2, '2027-08-31', ['2027-08-31', '2027-11-30']), seen);
  }

  it('gives the same answer on every call of a session, and again after the session lost its statements', async () => {
    await record();
    await t.db.connection().execute(async (conn) => {
      const first = await findExpiring(conn, q);
      expect(summary(first.items)).toEqual(EXPECTED);
      const { rows } = await sql<{ n: number }>`select count(*)::integer as n from pg_prepared_statements where name like 'pt_expiring_%'`.execute(conn);
      expect(rows[0]!.n).toBe(1);
      for (let n = 0; n < 7; n++) expect(await findExpiring(conn, q)).toEqual(first);
      const page = await findExpiring(conn, { ...q, limit: 2 });
      expect(summary(page.items)).toEqual(EXPECTED.slice(0, 2));
      const rest = await findExpiring(conn, { ...q, limit: 10, after: page.next! });
      expect(summary(rest.items)).toEqual(EXPECTED.slice(2));
      await sql`deallocate all`.execute(conn);
      expect(await findExpiring(conn, q)).toEqual(first);
      expect(await findExpiring(conn, { ...q, limit: 2 })).toEqual(page);
    });
  });

  it('answers inside a transaction with the plain statement, leaving the transaction usable', async () => {
    await record();
    const outside = await findExpiring(t.db, q);
    await t.db.transaction().execute(async (trx) => {
      await sql`deallocate all`.execute(trx);
      expect(await findExpiring(trx, q)).toEqual(outside);
      const { rows } = await sql<{ n: number }>`select count(*)::integer as n from pg_prepared_statements`.execute(trx);
      expect(rows[0]!.n).toBe(0);
    });
  });

  it('looks documents up by id through their hash index (migration 0018)', async () => {
    await record();
    const plan = await t.db.connection().execute(async (conn) => {
      await sql`set enable_seqscan = off`.execute(conn);
      const { rows } = await sql<{ 'QUERY PLAN': string }>`explain select d.title from documents d where d.id = ${1}`.execute(conn);
      await sql`reset enable_seqscan`.execute(conn);
      return rows.map((r) => r['QUERY PLAN']).join('\n');
    });
    expect(plan).toMatch(/documents_id_hash_idx/);
  });
});
