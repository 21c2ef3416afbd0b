/**
 * findExpiring on both backends: seed 002 through the real pipeline, plus a small stand-in for the
 * 2016 fund rules (发改财金规〔2016〕2800号) so that 1753号's repeal has a target. The fixture is a
 * shortened text written for the test, not the authentic 2016 document.
 */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { findExpiring } from '../../db/expiring.repository.ts';
import { listDocuments } from '../../db/document.repository.ts';
import { recordDocument } from '../../db/record.ts';
import { processText } from '../../pipeline/index.ts';
import type { PolicyDocument } from '../../pipeline/types.ts';
import { BACKENDS, clearDatabase, createTestDatabase, type TestDatabase } from '../helpers/database.ts';

const ROOT = join(import.meta.dirname, '../..');
const read = (p: string) => readFileSync(join(ROOT, p), 'utf8');
const SEED_002 = 'seeds/002_82c496b701662624.txt';
const RULES_2016 = 'tests/fixtures/measures/fagai-caijin-2016-2800.txt';

function docs(path: string): PolicyDocument[] {
  return processText(read(path), { fileName: path }).documents;
}

/** A revision of the Guangdong plan that moves the interest subsidy window to 2028-06-30. */
function guangdongRevised(): PolicyDocument {
  const gd = docs(SEED_002).find((d) => d.docNumber === '粤金管〔2025〕24号')!;
  const text = read(SEED_002).replace('2025年5月1日至2027年12月31日发放的', '2025年5月1日至2028年6月30日发放的');
  const revised = processText(text, { fileName: 'revised.txt' }).documents.find((d) => d.docNumber === gd.docNumber)!;
  expect(revised.measures.find((m) => m.path === '三/(二)/7')!.endsOn).toBe('2028-06-30');
  return revised;
}

describe.each(BACKENDS)('findExpiring on %s', (backend) => {
  let tdb: TestDatabase;

  beforeAll(async () => {
    tdb = await createTestDatabase(backend);
    await clearDatabase(tdb.db);
    const seen = { source: SEED_002, seenAt: '2026-01-05T08:00:00Z' };
    for (const d of docs(SEED_002)) await recordDocument(tdb.db, d, seen);
    for (const d of docs(RULES_2016)) await recordDocument(tdb.db, d, { source: RULES_2016, seenAt: '2026-01-05T09:00:00Z' });
  }, 120_000);
  afterAll(async () => {
    await tdb?.close();
  });

  it('on 2027-10-15 within 90 days: only the Guangdong interest subsidy, ending before its document', async () => {
    const { items } = await findExpiring(tdb.db, { on: '2027-10-15', until: '2028-01-13' });
    expect(items).toEqual([
      expect.objectContaining({
        kind: 'measure',
        document: expect.objectContaining({ docNumber: '粤金管〔2025〕24号' }),
        path: '三/(二)/7',
        startsOn: '2025-05-01',
        endsOn: '2027-12-31',
        daysLeft: 77,
        status: 'expiring',
        measureKind: 'support',
        amounts: ['最高2000万元', '每年2000亿元', '三年总规模6000亿元'],
      }),
    ]);
    expect(items[0]!.basis).toMatch(/^省财政对在2025年5月1日至2027年12月31日发放的.*给予财政贴息/);
    expect(typeof items[0]!.document.id).toBe('number');
  });

  it('on 2030-10-15: 1752 and 1753 end 2030-12-30, the Shanghai measures 2030-12-31, with their validity sentences', async () => {
    const { items } = await findExpiring(tdb.db, { on: '2030-10-15', until: '2031-01-13' });
    expect(items.map((i) => [i.kind, i.document.docNumber, i.endsOn, i.daysLeft, i.status])).toEqual([
      ['document', '发改财金规〔2025〕1752号', '2030-12-30', 76, 'expiring'],
      ['document', '发改财金规〔2025〕1753号', '2030-12-30', 76, 'expiring'],
      ['document', '沪府办规〔2025〕15号', '2030-12-31', 77, 'expiring'],
    ]);
    expect(items[2]!).toMatchObject({ startsOn: '2026-01-01', basis: '本措施自2026年1月1日起实施,有效期至2030年12月31日。' });
    expect(items[0]!.basis).toContain('有效期5年');
  });

  it('raises no expiry for targets (到2027年底) and lists nothing between windows', async () => {
    const { items } = await findExpiring(tdb.db, { on: '2026-06-01', until: '2027-06-01' });
    expect(items).toEqual([]);
    const year2027 = await findExpiring(tdb.db, { on: '2027-01-01', until: '2027-12-31' });
    expect(year2027.items.map((i) => i.path)).toEqual(['三/(二)/7']);
  });

  it('the 2016 rules are repealed by 1753 and never listed once the repeal is in effect', async () => {
    const { documents } = await listDocuments(tdb.db, { on: '2027-10-15' });
    const rules = documents.find((d) => d.docNumber === '发改财金规〔2016〕2800号')!;
    expect(rules).toMatchObject({ status: 'repealed', endedOn: '2025-12-31' });
    expect(rules.repealedBy?.docNumber).toBe('发改财金规〔2025〕1753号');
    for (const on of ['2026-01-01', '2027-10-15']) {
      const { items } = await findExpiring(tdb.db, { on, until: '2099-12-31' });
      expect(items.some((i) => i.document.docNumber === '发改财金规〔2016〕2800号')).toBe(false);
    }
    // Asked about a day before the repeal took effect, its end is the day before the repeal.
    const before = await findExpiring(tdb.db, { on: '2025-12-01', until: '2026-02-28' });
    expect(before.items).toEqual([
      expect.objectContaining({ kind: 'document', endsOn: '2025-12-30', status: 'expiring' }),
    ]);
    // The sentence names the repeal: its first day, the repealing document's title and number.
    expect(before.items[0]!.basis).toMatch(/^自2025-12-31起由《[^》]+》（发改财金规〔2025〕1753号）废止$/);
  });

  it('keeps to the limit, soonest first', async () => {
    const { items } = await findExpiring(tdb.db, { on: '2027-01-01', until: '2031-12-31', limit: 2 });
    expect(items.map((i) => [i.path, i.endsOn])).toEqual([
      ['三/(二)/7', '2027-12-31'],
      [null, '2030-12-30'],
    ]);
  });

  it('leaves out the measures of a superseded version: only the revision’s window is listed', async () => {
    await recordDocument(tdb.db, guangdongRevised(), { source: 'revised.txt', seenAt: '2026-03-01T08:00:00Z' });
    const { items } = await findExpiring(tdb.db, { on: '2027-10-15', until: '2028-12-31' });
    expect(items.filter((i) => i.kind === 'measure').map((i) => [i.path, i.endsOn])).toEqual([['三/(二)/7', '2028-06-30']]);
  });
});
