/**
 * findExpiring's window as one statement (migration 0014), on both backends: a measure cut short
 * by its document ending first, the stored basis sentence and the one found in the text of rows
 * recorded before it was stored, and keyset pages that add up to the whole window.
 */
import { sql } from 'kysely';
import { describe, expect, it } from 'vitest';
import { ExpiringCursorError, findExpiring } from '../../db/expiring.repository.ts';
import { recordDocument } from '../../db/record.ts';
import type { Measure, PolicyDocument } from '../../pipeline/types.ts';
import { BACKENDS, useTestDatabase } from '../helpers/database.ts';
import { articles, makeDocument } from '../helpers/documents.ts';

const seen = { source: 'window.txt', seenAt: '2026-01-05T08:00:00Z' };

/** A grant for loans made from 2025-05-01 to `endsOn` (the sentence as extraction gives it). */
function grant(path: string, endsOn: string, withBasis = true): Measure {
  const [y, m, d] = endsOn.split('-').map(Number);
  const sentence = `对在2025年5月1日至${y}年${m}月${d}日发放的贷款给予财政贴息,最高2000万元。`;
  return {
    path,
    kind: 'support',
    startsOn: '2025-05-01',
    endsOn,
    amounts: ['最高2000万元'],
    responsible: [],
    text: `发挥财政资金作用。${sentence}具体办法另行制定。`,
    ...(withBasis ? { basis: sentence } : {}),
  };
}

/** Document `k` ending on `expires`, with grants ending on the given days (paths 第二条, 第三条, …). */
function doc(k: number, expires: string | null, grantEnds: readonly string[]): PolicyDocument {
  const paths = ['第二条', '第三条', '第四条', '第五条'];
  return makeDocument({
    docNumber: `测规〔2026〕${k}号`,
    title: `测试贴息办法${k}`,
    provisions: articles(['为支持企业发展，制定本办法。', ...grantEnds.map((e, i) => `贴息第${i + 1}项，至${e}。`)]),
    measures: grantEnds.map((e, i) => grant(paths[i]!, e)),
    validity: { effective: '2026-01-01', expires, basis: expires ? `本办法有效期至${expires}。` : null },
  });
}

describe.each(BACKENDS)('the expiring window on %s', (backend) => {
  const t = useTestDatabase(backend);

  it('ends a measure on its document’s last day when the document ends first, listed after it that day', async () => {
    await recordDocument(t.db, doc(1, '2027-06-30', ['2027-12-31']), seen);
    await recordDocument(t.db, doc(2, null, ['2027-06-30', '2027-07-15']), seen);
    const { items } = await findExpiring(t.db, { on: '2027-05-01', until: '2028-01-31' });
    expect(items.map((i) => [i.kind, i.document.docNumber, i.path, i.endsOn, i.daysLeft, i.status])).toEqual([
      ['document', '测规〔2026〕1号', null, '2027-06-30', 60, 'expiring'],
      ['measure', '测规〔2026〕1号', '第二条', '2027-06-30', 60, 'expiring'],
      ['measure', '测规〔2026〕2号', '第二条', '2027-06-30', 60, 'expiring'],
      ['measure', '测规〔2026〕2号', '第三条', '2027-07-15', 75, 'expiring'],
    ]);
    expect(items[0]!.basis).toBe('本办法有效期至2027-06-30。');
    expect(items[1]!.basis).toBe('对在2025年5月1日至2027年12月31日发放的贷款给予财政贴息,最高2000万元。');
    // Its own end outside the window: the document is listed, the measure is not.
    const short = await findExpiring(t.db, { on: '2027-05-01', until: '2027-07-31' });
    expect(short.items.map((i) => [i.kind, i.document.docNumber, i.path])).toEqual([
      ['document', '测规〔2026〕1号', null],
      ['measure', '测规〔2026〕2号', '第二条'],
      ['measure', '测规〔2026〕2号', '第三条'],
    ]);
    // Once the document has ended, neither is.
    const after = await findExpiring(t.db, { on: '2027-07-01', until: '2028-01-31' });
    expect(after.items.map((i) => [i.document.docNumber, i.path])).toEqual([['测规〔2026〕2号', '第三条']]);
  });

  it('reads the stored sentence, and finds it in the text for measures recorded before basis was stored', async () => {
    await recordDocument(t.db, doc(3, null, ['2027-12-31']), seen);
    const stored = await findExpiring(t.db, { on: '2027-10-15', until: '2028-01-13' });
    expect(stored.items.map((i) => i.basis)).toEqual(['对在2025年5月1日至2027年12月31日发放的贷款给予财政贴息,最高2000万元。']);
    const { rows } = await sql<{ basis: string | null }>`select basis from measures where ends_on is not null`.execute(t.db);
    expect(rows).toEqual([{ basis: '对在2025年5月1日至2027年12月31日发放的贷款给予财政贴息,最高2000万元。' }]);
    await sql`update measures set basis = null`.execute(t.db);
    const found = await findExpiring(t.db, { on: '2027-10-15', until: '2028-01-13' });
    expect(found.items).toEqual(stored.items);
  });

  it('pages by cursor, soonest first, the pages adding up to the whole window', async () => {
    await recordDocument(t.db, doc(4, '2027-08-31', ['2027-12-31', '2027-07-01']), seen);
    await recordDocument(t.db, doc(5, '2027-07-01', []), seen);
    await recordDocument(t.db, doc(6, null, ['2027-07-01', '2027-07-01', '2027-09-30']), seen);
    const q = { on: '2027-06-01', until: '2027-12-31' };
    const whole = await findExpiring(t.db, q);
    expect(whole.next).toBeNull();
    expect(whole.items.map((i) => [i.kind, i.document.docNumber, i.path, i.endsOn])).toEqual([
      ['document', '测规〔2026〕5号', null, '2027-07-01'],
      ['measure', '测规〔2026〕4号', '第三条', '2027-07-01'],
      ['measure', '测规〔2026〕6号', '第二条', '2027-07-01'],
      ['measure', '测规〔2026〕6号', '第三条', '2027-07-01'],
      ['document', '测规〔2026〕4号', null, '2027-08-31'],
      ['measure', '测规〔2026〕4号', '第二条', '2027-08-31'],
      ['measure', '测规〔2026〕6号', '第四条', '2027-09-30'],
    ]);
    for (const size of [1, 2, 3, 7]) {
      const pages: string[][] = [];
      let after: string | undefined;
      for (let n = 0; n < 10; n++) {
        const page = await findExpiring(t.db, { ...q, limit: size, ...(after !== undefined ? { after } : {}) });
        pages.push(page.items.map((i) => `${i.document.docNumber} ${i.path}`));
        if (page.next === null) break;
        after = page.next;
      }
      expect(pages.flat()).toEqual(whole.items.map((i) => `${i.document.docNumber} ${i.path}`));
      expect(pages.every((p, n) => p.length === size || n === pages.length - 1)).toBe(true);
    }
    await expect(findExpiring(t.db, { ...q, limit: 2, after: 'page 2' })).rejects.toThrow(ExpiringCursorError);
    await expect(findExpiring(t.db, { ...q, limit: 0 })).rejects.toThrow(/positive whole number/);
  });
});
