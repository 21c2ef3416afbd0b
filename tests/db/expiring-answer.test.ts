/**
 * What findExpiring reads and how the rows come back (migration 0020, the text answer), on both
 * backends: a measure whose line is too long to be stored in the index is listed all the same,
 * in order among the others, and values holding the answer's separator characters (or an empty
 * amount) come back exactly as recorded.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { findExpiring } from '../../db/expiring.repository.ts';
import { recordDocument } from '../../db/record.ts';
import type { Measure, PolicyDocument } from '../../pipeline/types.ts';
import { BACKENDS, useTestDatabase } from '../helpers/database.ts';
import { articles, makeDocument } from '../helpers/documents.ts';

const seen = { source: 'answer.txt', seenAt: '2026-01-05T08:00:00Z' };

function grant(path: string, endsOn: string, sentence: string, amounts: string[] = ['最高2000万元']): Measure {
  return { path, kind: 'support', startsOn: '2025-05-01', endsOn, amounts, responsible: [], text: `${sentence}具体办法另行制定。`, basis: sentence };
}

function doc(k: number, title: string, measures: Measure[]): PolicyDocument {
  return makeDocument({
    docNumber: `测答〔2026〕${k}号`,
    title,
    provisions: articles(['为支持企业发展，制定本办法。', ...measures.map((_, i) => `贴息第${i + 1}项。`)]),
    measures,
    validity: { effective: '2026-01-01', expires: null, basis: null },
  });
}

describe.each(BACKENDS)('the expiring answer on %s', (backend) => {
  const t = useTestDatabase(backend);

  it('lists a measure whose line is too long for the index, in its place', async () => {
    const first = '对在2025年5月1日至2027年8月1日发放的贷款给予财政贴息。';
    const last = '对在2025年5月1日至2027年9月30日发放的贷款给予财政贴息。';
    const long = `对在2025年5月1日至2027年8月31日发放的贷款给予财政贴息,${'支持范围包括各类中小微企业和个体工商户。'.repeat(120)}`;
    await recordDocument(t.db, doc(1, '测试长句办法', [
      grant('第二条', '2027-08-01', first),
      grant('第三条', '2027-08-31', long),
      grant('第四条', '2027-09-30', last),
    ]), seen);
    const { rows } = await sql<{ stored: boolean }>`select pt_expiring_stored(expiring_keys, expiring_line) as stored from measures order by ord`.execute(t.db);
    expect(rows.map((r) => r.stored)).toEqual([true, false, true]);
    const { items } = await findExpiring(t.db, { on: '2027-07-01', until: '2027-12-31' });
    expect(items.map((i) => [i.path, i.endsOn, i.basis])).toEqual([
      ['第二条', '2027-08-01', first],
      ['第三条', '2027-08-31', long],
      ['第四条', '2027-09-30', last],
    ]);
    const pages = [await findExpiring(t.db, { on: '2027-07-01', until: '2027-12-31', limit: 2 })];
    pages.push(await findExpiring(t.db, { on: '2027-07-01', until: '2027-12-31', limit: 2, after: pages[0]!.next! }));
    expect(pages.flatMap((p) => p.items)).toEqual(items);
  });

  it('gives back titles, sentences and amounts holding control characters, and empty amounts, as recorded', async () => {
    const odd = '对在2025年5月1日至2027年8月1日发放的贷款\x1f给予\x1e财政贴息。';
    await recordDocument(t.db, doc(2, '测试\x1c标题=', [
      grant('第二条', '2027-08-01', odd, ['最高\x1c2000万元', '']),
      grant('第三条', '2027-08-02', '对在2025年5月1日至2027年8月2日发放的贷款给予财政贴息。', []),
    ]), seen);
    const { items } = await findExpiring(t.db, { on: '2027-07-01', until: '2027-12-31' });
    expect(items.map((i) => [i.document.title, i.path, i.basis, i.amounts])).toEqual([
      ['测试\x1c标题=', '第二条', odd, ['最高\x1c2000万元', '']],
      ['测试\x1c标题=', '第三条', '对在2025年5月1日至2027年8月2日发放的贷款给予财政贴息。', []],
    ]);
  });
  it('follows its document: a new title, an earlier end and a repeal show at once, whoever writes them (migration 0020)', async () => {
    const sentence = '对在2025年5月1日至2027年8月1日发放的贷款给予财政贴息。';
    await recordDocument(t.db, doc(3, '测试原标题', [grant('第二条', '2027-08-01', sentence)]), seen);
    const window = { on: '2027-07-01', until: '2027-12-31' };
    const before = await findExpiring(t.db, window);
    expect(before.items.map((i) => [i.document.title, i.path, i.endsOn])).toEqual([['测试原标题', '第二条', '2027-08-01']]);

    await sql`update documents set title = '测试新标题', doc_number = '测答〔2026〕33号' where doc_number = '测答〔2026〕3号'`.execute(t.db);
    const renamed = await findExpiring(t.db, window);
    expect(renamed.items.map((i) => [i.document.title, i.document.docNumber, i.endsOn])).toEqual([['测试新标题', '测答〔2026〕33号', '2027-08-01']]);

    // The document now ends first: the measure ends with it, listed after it that day.
    await sql`update documents set expires = '2027-07-20' where doc_number = '测答〔2026〕33号'`.execute(t.db);
    const cut = await findExpiring(t.db, window);
    expect(cut.items.map((i) => [i.kind, i.path, i.endsOn])).toEqual([['document', null, '2027-07-20'], ['measure', '第二条', '2027-07-20']]);

    // Repealed from 2027-07-10: listed until the day before, then no longer.
    await sql`update documents set expires = null, status = 'repealed', ended_on = '2027-07-10' where doc_number = '测答〔2026〕33号'`.execute(t.db);
    const repealed = await findExpiring(t.db, window);
    expect(repealed.items.map((i) => [i.kind, i.path, i.endsOn])).toEqual([['document', null, '2027-07-09'], ['measure', '第二条', '2027-07-09']]);
    expect((await findExpiring(t.db, { on: '2027-07-10', until: '2027-12-31' })).items).toEqual([]);
    const { rows } = await sql<{ n: number }>`select count(*)::integer as n from measures where expiring_line like '%测试原标题%'`.execute(t.db);
    expect(rows[0]!.n).toBe(0);
  });
});
