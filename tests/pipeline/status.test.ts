import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { processText } from '../../pipeline/index.ts';
import { daysBetween, documentStatus, measureStatus } from '../../pipeline/status.ts';

const d1752 = { effective: '2025-12-31', expires: '2030-12-30' };
const shanghai = { effective: '2026-01-01', expires: '2030-12-31' };
const guangdong = { effective: null, expires: null };
const subsidy = { startsOn: '2025-05-01', endsOn: '2027-12-31' };

describe('documentStatus', () => {
  it('walks a document through pending, in force, expiring and expired', () => {
    expect(documentStatus(shanghai, '2025-12-31').status).toBe('pending');
    expect(documentStatus(shanghai, '2026-01-01').status).toBe('in_force');
    expect(documentStatus(shanghai, '2030-10-02')).toEqual({ status: 'expiring', endsOn: '2030-12-31', daysLeft: 90 });
    expect(documentStatus(shanghai, '2030-10-01').status).toBe('in_force');
    expect(documentStatus(shanghai, '2030-12-31')).toEqual({ status: 'expiring', endsOn: '2030-12-31', daysLeft: 0 });
    expect(documentStatus(shanghai, '2031-01-01').status).toBe('expired');
    expect(documentStatus(d1752, '2030-10-15')).toEqual({ status: 'expiring', endsOn: '2030-12-30', daysLeft: 76 });
  });

  it('takes the warning window as an option', () => {
    expect(documentStatus(d1752, '2030-10-15', { warningDays: 30 }).status).toBe('in_force');
    expect(documentStatus(d1752, '2030-12-01', { warningDays: 30 }).status).toBe('expiring');
    expect(documentStatus(d1752, '2030-12-30', { warningDays: 0 }).status).toBe('in_force');
  });

  it('says unknown, never forever, when no end was found, even once in effect', () => {
    expect(documentStatus(guangdong, '2027-10-15')).toEqual({ status: 'unknown', endsOn: null, daysLeft: null });
    expect(documentStatus({ effective: '2026-01-01', expires: null }, '2027-01-01').status).toBe('unknown');
    expect(documentStatus({ effective: '2026-01-01', expires: null }, '2025-06-01').status).toBe('pending');
  });

  it('is repealed from the day the repeal takes effect; before that, it ends the day before', () => {
    const rules2016 = { effective: '2016-12-30', expires: null, repealed: true, repealedOn: '2025-12-31' };
    expect(documentStatus(rules2016, '2027-10-15')).toEqual({ status: 'repealed', endsOn: '2025-12-30', daysLeft: null });
    expect(documentStatus(rules2016, '2025-12-01')).toEqual({ status: 'expiring', endsOn: '2025-12-30', daysLeft: 29 });
    expect(documentStatus({ effective: null, expires: null, repealed: true, repealedOn: null }, '2020-01-01').status).toBe('repealed');
  });

  it('is superseded once a newer version takes effect (versions), not before', () => {
    expect(documentStatus({ ...shanghai, supersededOn: '2027-01-01' }, '2027-03-01').status).toBe('superseded');
    expect(documentStatus({ ...shanghai, supersededOn: '2027-01-01' }, '2026-11-01')).toEqual({ status: 'expiring', endsOn: '2026-12-31', daysLeft: 60 });
    expect(documentStatus({ ...shanghai, supersededOn: null }, '2026-03-01').status).toBe('superseded');
  });
});

describe('measureStatus', () => {
  it('ends a dated measure before its document, which has no end', () => {
    expect(measureStatus(subsidy, guangdong, '2027-10-15')).toEqual({ status: 'expiring', endsOn: '2027-12-31', daysLeft: 77 });
    expect(measureStatus(subsidy, guangdong, '2027-06-01').status).toBe('in_force');
    expect(measureStatus(subsidy, guangdong, '2028-01-01').status).toBe('expired');
    expect(measureStatus(subsidy, guangdong, '2025-04-30').status).toBe('pending');
  });

  it('follows its document when it has no dates of its own, and is bounded by it when it has', () => {
    expect(measureStatus({ startsOn: null, endsOn: null }, shanghai, '2030-12-01').status).toBe('expiring');
    expect(measureStatus({ startsOn: null, endsOn: null }, guangdong, '2027-10-15').status).toBe('unknown');
    expect(measureStatus({ startsOn: null, endsOn: '2035-12-31' }, shanghai, '2030-12-01')).toEqual({
      status: 'expiring',
      endsOn: '2030-12-31',
      daysLeft: 30,
    });
    expect(measureStatus(subsidy, shanghai, '2025-12-01').status).toBe('pending');
  });

  it('is repealed or superseded with its document', () => {
    expect(measureStatus(subsidy, { ...guangdong, repealed: true, repealedOn: '2026-01-01' }, '2026-06-01').status).toBe('repealed');
    expect(measureStatus(subsidy, { ...guangdong, supersededOn: '2026-01-01' }, '2026-06-01').status).toBe('superseded');
  });
});

it('counts days across leap years', () => {
  expect(daysBetween('2027-10-15', '2027-12-31')).toBe(77);
  expect(daysBetween('2028-02-28', '2028-03-01')).toBe(2);
  expect(daysBetween('2028-03-01', '2028-02-28')).toBe(-2);
});

it('counts days between any two dates as the calendar does (years before 100 too), NaN for a non-date', () => {
  const ref = (a: string, b: string) => Math.round((Date.parse(`${b}T00:00:00Z`) - Date.parse(`${a}T00:00:00Z`)) / 86_400_000);
  const day = (n: number) => new Date(Date.UTC(1999, 11, 1) + n * 86_400_000).toISOString().slice(0, 10);
  for (let n = 0; n < 15_000; n += 7) expect(daysBetween('2024-02-29', day(n))).toBe(ref('2024-02-29', day(n)));
  expect(daysBetween('0099-12-31', '0100-01-01')).toBe(1);
  expect(daysBetween('2030-06-01', '2030-6-1')).toBeNaN();
});

describe('the seeds on chosen days (statuses from the pipeline’s own dates)', () => {
  const docs = processText(readFileSync(join(import.meta.dirname, '../../seeds/002_82c496b701662624.txt'), 'utf8'), { fileName: '002.txt' }).documents;
  const byNumber = (n: string) => docs.find((d) => d.docNumber === n)!;
  const datesOf = (d: (typeof docs)[number]) => ({ effective: d.validity.effective, expires: d.validity.expires });

  it('Guangdong: the interest subsidy ends 2027-12-31 while its document has no end; the 到2027年底 target never expires', () => {
    const gd = byNumber('粤金管〔2025〕24号');
    const subsidy = gd.measures.find((m) => m.path === '三/(二)/7' && m.endsOn !== null)!;
    expect(measureStatus(subsidy, datesOf(gd), '2027-10-15')).toEqual({ status: 'expiring', endsOn: '2027-12-31', daysLeft: 77 });
    expect(measureStatus(subsidy, datesOf(gd), '2028-01-01').status).toBe('expired');
    expect(documentStatus(datesOf(gd), '2028-01-01').status).toBe('unknown');
    const target = gd.measures.find((m) => m.kind === 'target')!;
    for (const on of ['2027-10-15', '2027-12-31', '2028-01-01']) expect(measureStatus(target, datesOf(gd), on)).toMatchObject({ status: 'unknown', endsOn: null });
  });

  it('Shanghai: every measure runs 2026-01-01 to 2030-12-31, with its document', () => {
    const sh = byNumber('沪府办规〔2025〕15号');
    expect(sh.measures.length).toBeGreaterThan(10);
    for (const m of sh.measures) {
      expect(measureStatus(m, datesOf(sh), '2025-12-31').status).toBe('pending');
      expect(measureStatus(m, datesOf(sh), '2026-01-01')).toMatchObject({ status: 'in_force', endsOn: '2030-12-31' });
      expect(measureStatus(m, datesOf(sh), '2030-10-15')).toEqual({ status: 'expiring', endsOn: '2030-12-31', daysLeft: 77 });
      expect(measureStatus(m, datesOf(sh), '2031-01-01').status).toBe('expired');
    }
  });

  it('1752 ends 2030-12-30; the 2016 rules 1753 repeals stop the day 1753 takes effect', () => {
    const d1752 = byNumber('发改财金规〔2025〕1752号');
    expect(documentStatus(datesOf(d1752), '2030-10-15')).toEqual({ status: 'expiring', endsOn: '2030-12-30', daysLeft: 76 });
    expect(documentStatus(datesOf(d1752), '2030-12-31').status).toBe('expired');
    const d1753 = byNumber('发改财金规〔2025〕1753号');
    expect(d1753.validity.repeals).toContainEqual(expect.objectContaining({ docNumber: '发改财金规〔2016〕2800号' }));
    const rules2016 = { effective: '2016-12-30', expires: null, repealed: true, repealedOn: d1753.validity.effective };
    expect(documentStatus(rules2016, '2025-06-01')).toMatchObject({ status: 'in_force', endsOn: '2025-12-30' });
    expect(documentStatus(rules2016, '2025-12-30')).toEqual({ status: 'expiring', endsOn: '2025-12-30', daysLeft: 0 });
    expect(documentStatus(rules2016, d1753.validity.effective!)).toMatchObject({ status: 'repealed', endsOn: '2025-12-30' });
  });
});
