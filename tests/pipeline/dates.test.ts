import { describe, expect, it } from 'vitest';
import {
  addDays,
  addMonths,
  addYears,
  endOfMonth,
  endOfTermMonths,
  endOfTermYears,
  endOfYear,
  findDateLiterals,
  isIsoDate,
  parseDate,
} from '../../pipeline/dates.ts';

const read = (text: string) => findDateLiterals(text).map((d) => [d.date, d.precision, d.raw]);

describe('findDateLiterals', () => {
  it('reads Arabic 年月日 dates with their position', () => {
    const text = '本措施自2026年1月1日起实施,有效期至2030年12月31日。';
    const found = findDateLiterals(text);
    expect(found).toEqual([
      { date: '2026-01-01', precision: 'day', index: 4, length: 9, raw: '2026年1月1日' },
      { date: '2030-12-31', precision: 'day', index: 21, length: 11, raw: '2030年12月31日' },
    ]);
    expect(text.slice(found[1]!.index, found[1]!.index + found[1]!.length)).toBe('2030年12月31日');
  });

  it('reads dates with spaces between the parts and full-width digits', () => {
    expect(read('2025 年 12 月 31 日')).toEqual([['2025-12-31', 'day', '2025 年 12 月 31 日']]);
    expect(read('于２０２５年１２月３１日印发')).toEqual([['2025-12-31', 'day', '２０２５年１２月３１日']]);
    expect(read('2025\u3000年\u300012\u3000月\u30001\u3000日')).toEqual([['2025-12-01', 'day', '2025\u3000年\u300012\u3000月\u30001\u3000日']]);
  });

  it('reads Chinese-numeral dates with digit-by-digit years', () => {
    expect(read('二〇二五年十二月三十一日')).toEqual([['2025-12-31', 'day', '二〇二五年十二月三十一日']]);
    expect(read('二〇二五年一月一日')).toEqual([['2025-01-01', 'day', '二〇二五年一月一日']]);
    expect(read('二零二五年十月二十日')).toEqual([['2025-10-20', 'day', '二零二五年十月二十日']]);
    expect(read('一九九二年四月三日通过')).toEqual([['1992-04-03', 'day', '一九九二年四月三日']]);
    expect(read('二○二四年十一月十一日')).toEqual([['2024-11-11', 'day', '二○二四年十一月十一日']]);
    expect(read('二零二五年')).toEqual([['2025-01-01', 'year', '二零二五年']]);
  });

  it('reads numeric dates with - . / separators', () => {
    expect(read('2025-12-31 16:28 来源')).toEqual([['2025-12-31', 'day', '2025-12-31']]);
    expect(read('2025.12.31')).toEqual([['2025-12-31', 'day', '2025.12.31']]);
    expect(read('2025/1/5')).toEqual([['2025-01-05', 'day', '2025/1/5']]);
  });

  it('does not read mixed separators or numbers that continue a longer number', () => {
    expect(read('2025-12/31')).toEqual([]);
    expect(read('v1.2025.12.31.4')).toEqual([]);
    expect(read('12025年')).toEqual([]);
  });

  it('reads month and year precision as the first day of the period', () => {
    expect(read('有效期至2030年12月')).toEqual([['2030-12-01', 'month', '2030年12月']]);
    expect(read('到2027年底')).toEqual([['2027-01-01', 'year', '2027年']]);
    expect(read('二〇三〇年十二月')).toEqual([['2030-12-01', 'month', '二〇三〇年十二月']]);
  });

  it('skips impossible dates instead of shortening them', () => {
    expect(read('2025年2月30日')).toEqual([]);
    expect(read('2025年13月')).toEqual([]);
    expect(read('2025-02-29')).toEqual([]);
    expect(read('2024年2月29日')).toEqual([['2024-02-29', 'day', '2024年2月29日']]);
    expect(read('二〇二五年二月三十日')).toEqual([]);
  });

  it('does not read durations, counts or dates without a year', () => {
    expect(read('有效期5年，连续三年，12月31日前')).toEqual([]);
  });

  it('finds every date of a measure window in order', () => {
    expect(read('对在2025年5月1日至2027年12月31日发放的').map((d) => d[0])).toEqual(['2025-05-01', '2027-12-31']);
  });
});

describe('parseDate', () => {
  it('parses exactly one literal', () => {
    expect(parseDate('二〇二五年十二月三十一日')).toBe('2025-12-31');
    expect(parseDate(' 2025年1月1日 ')).toBe('2025-01-01');
    expect(parseDate('2030年12月')).toBe('2030-12-01');
    expect(parseDate('2025-12-31')).toBe('2025-12-31');
  });

  it('returns null for anything else', () => {
    expect(parseDate('2025年2月30日')).toBeNull();
    expect(parseDate('自2025年1月1日起')).toBeNull();
    expect(parseDate('2025年1月1日至2025年2月1日')).toBeNull();
    expect(parseDate('')).toBeNull();
  });
});

describe('calendar arithmetic', () => {
  it('adds days across months, years and leap days', () => {
    expect(addDays('2025-12-31', 1)).toBe('2026-01-01');
    expect(addDays('2024-02-28', 1)).toBe('2024-02-29');
    expect(addDays('2025-03-01', -1)).toBe('2025-02-28');
    expect(addDays('2025-03-10', 30)).toBe('2025-04-09');
  });

  it('adds months and years, clamping to the end of shorter months', () => {
    expect(addMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(addMonths('2025-01-31', 1)).toBe('2025-02-28');
    expect(addMonths('2025-11-15', 3)).toBe('2026-02-15');
    expect(addMonths('2025-01-15', -2)).toBe('2024-11-15');
    expect(addYears('2024-02-29', 1)).toBe('2025-02-28');
    expect(addYears('2026-01-01', 5)).toBe('2031-01-01');
  });

  it('finds the end of a month and of a year', () => {
    expect(endOfMonth('2024-02-10')).toBe('2024-02-29');
    expect(endOfMonth('2025-02-10')).toBe('2025-02-28');
    expect(endOfMonth('2030-12-01')).toBe('2030-12-31');
    expect(endOfYear('2027-01-01')).toBe('2027-12-31');
  });

  it('computes the last day of a term counted from its first day', () => {
    expect(endOfTermYears('2026-01-01', 5)).toBe('2030-12-31');
    expect(endOfTermYears('2025-12-31', 5)).toBe('2030-12-30');
    expect(endOfTermYears('2019-02-01', 5)).toBe('2024-01-31');
    expect(endOfTermYears('2024-02-29', 1)).toBe('2025-02-28');
    expect(endOfTermMonths('2024-01-31', 1)).toBe('2024-02-29');
    expect(endOfTermMonths('2024-03-01', 1)).toBe('2024-03-31');
  });

  it('rejects malformed dates', () => {
    expect(() => addDays('2025-02-30', 1)).toThrow(RangeError);
    expect(() => addMonths('2025/01/01', 1)).toThrow(RangeError);
    expect(isIsoDate('2024-02-29')).toBe(true);
    expect(isIsoDate('2025-02-29')).toBe(false);
  });
});
