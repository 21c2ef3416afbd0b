/**
 * Date literals in Chinese policy texts and pure calendar arithmetic on `YYYY-MM-DD` strings.
 *
 * Reads `2025年12月31日`, `2025 年 12 月 31 日`, full-width digits, `二〇二五年十二月三十一日`,
 * `2025-12-31` / `2025.12.31` / `2025/12/31`, month precision (`2030年12月`) and year precision
 * (`2027年`). Never reads the clock: every date is computed from its arguments (Date.UTC only).
 */
import { parseChineseNumber, parseDigitSequence, toHalfWidthDigits } from './numerals.ts';
import type { IsoDate } from './types.ts';

/** One date written in the text. */
export interface DateLiteral {
  /** The date; for month / year precision the first day of that month / year. */
  readonly date: IsoDate;
  readonly precision: 'day' | 'month' | 'year';
  /** Offset of the literal in the text (UTF-16 code units, as `String.prototype.slice`). */
  readonly index: number;
  readonly length: number;
  /** The characters as found. */
  readonly raw: string;
}

/** Spaces allowed between the parts of a date (`2025 年 12 月`), never a line break. */
const SP = '[ \\t\\u00a0\\u3000]*';
/** Digits a Chinese digit-by-digit year is written with (二〇二五, 二零二五, 二○二五, 二O二五). */
const CN_YEAR_DIGITS = '〇零○ＯO一二三四五六七八九';
const YEAR = `(?:[12１２][0-9０-９]{3}|[${CN_YEAR_DIGITS}]{4})`;
const MONTH = '(?:[0-9０-９]{1,2}|十[一二]?|[一二三四五六七八九])';
const DAY = '(?:[0-9０-９]{1,2}|[二三]?十[一二三四五六七八九]?|[一二三四五六七八九])';

/**
 * Source of a regular expression that matches one written date in the 年/月/日 form, with no
 * capturing groups, for building larger patterns (validity clauses). Check matches with
 * {@link parseDate}: the pattern also accepts impossible dates such as 2月30日.
 */
export const DATE_PATTERN_SOURCE = `${YEAR}${SP}年(?:${SP}${MONTH}${SP}月(?:${SP}${DAY}${SP}日)?)?`;

/** `2025-12-31`, `2025.12.31`, `2025/12/31` (same separator twice). */
const NUMERIC_DATE_SOURCE = '[12１２][0-9０-９]{3}(?<sep>[-./－．／])[0-9０-９]{1,2}\\k<sep>[0-9０-９]{1,2}';

/**
 * Both forms, with groups: 1 year, 2 month, 3 day (年/月/日 form); `sep` the separator (numeric form).
 * A date must not continue a longer number or numeral on either side.
 */
const DATE_RE = new RegExp(
  `(?<![0-9０-９${CN_YEAR_DIGITS}十.．/／-])(?:(${YEAR})${SP}年(?:${SP}(${MONTH})${SP}月(?:${SP}(${DAY})${SP}日)?)?` +
    `|${NUMERIC_DATE_SOURCE}(?![0-9０-９]|[.．][0-9０-９]))`,
  'gu',
);
const NUMERIC_PARTS = /^([0-9]{4})[-./－．／]([0-9]{1,2})[-./－．／]([0-9]{1,2})$/u;

/** Value of a year written with Arabic, full-width or Chinese digits. */
function yearValue(s: string): number | null {
  const ascii = toHalfWidthDigits(s);
  if (/^[0-9]{4}$/.test(ascii)) return Number(ascii);
  return parseDigitSequence(s.replace(/[○ＯO]/gu, '〇'));
}

const MONTH_DAYS = [31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31] as const;

/** Days in `month` (1–12) of `year` (proleptic Gregorian). */
export function daysInMonth(year: number, month: number): number {
  if (month === 2) return (year % 4 === 0 && year % 100 !== 0) || year % 400 === 0 ? 29 : 28;
  return MONTH_DAYS[month - 1] ?? 0;
}

function isValidYmd(y: number, m: number, d: number): boolean {
  return Number.isInteger(y) && y >= 1000 && y <= 9999 && m >= 1 && m <= 12 && d >= 1 && d <= daysInMonth(y, m);
}

function formatYmd(y: number, m: number, d: number): IsoDate {
  return `${String(y).padStart(4, '0')}-${String(m).padStart(2, '0')}-${String(d).padStart(2, '0')}`;
}

/** Reads the literal found by {@link DATE_RE}; null when it is not a real date. @internal */
function literalFromMatch(m: RegExpMatchArray): DateLiteral | null {
  const raw = m[0];
  const index = m.index ?? 0;
  let y: number | null;
  let mo = 1;
  let d = 1;
  let precision: DateLiteral['precision'] = 'year';
  if (m[1] !== undefined) {
    y = yearValue(m[1]);
    if (m[2] !== undefined) {
      const mv = parseChineseNumber(m[2]);
      if (mv === null) return null;
      mo = mv;
      precision = 'month';
      if (m[3] !== undefined) {
        const dv = parseChineseNumber(m[3]);
        if (dv === null) return null;
        d = dv;
        precision = 'day';
      }
    }
  } else {
    const parts = NUMERIC_PARTS.exec(toHalfWidthDigits(raw));
    if (!parts) return null;
    y = Number(parts[1]);
    mo = Number(parts[2]);
    d = Number(parts[3]);
    precision = 'day';
  }
  if (y === null || !isValidYmd(y, mo, d)) return null;
  return { date: formatYmd(y, mo, d), precision, index, length: raw.length, raw };
}

/**
 * Every date literal in `text`, in order. Impossible dates (`2025年2月30日`, `2025年13月`) are
 * skipped, not shortened to a coarser precision. Dates without a year (`12月31日`) are not read.
 *
 * @example
 * findDateLiterals('自2026年1月1日起实施,有效期至2030年12月31日')
 * // → [{ date: '2026-01-01', precision: 'day', index: 1, … }, { date: '2030-12-31', … }]
 */
export function findDateLiterals(text: string): DateLiteral[] {
  const out: DateLiteral[] = [];
  for (const m of text.matchAll(DATE_RE)) {
    const lit = literalFromMatch(m);
    if (lit) out.push(lit);
  }
  return out;
}

/** The same pattern, for reading one literal without iterating. @internal */
const DATE_ONE_RE = new RegExp(DATE_RE.source, 'u');

/**
 * The first valid date literal in `text`, or null. Cheaper than {@link findDateLiterals} when one
 * is enough (validity reads the literal its own pattern has already found).
 */
export function firstDateLiteral(text: string): DateLiteral | null {
  const m = DATE_ONE_RE.exec(text);
  if (m === null) return null;
  return literalFromMatch(m) ?? findDateLiterals(text)[0] ?? null;
}

/**
 * The date of one literal (`二〇二五年十二月三十一日`, `2025-12-31`, `2030年12月` → first day of
 * that month), or null when `s` is not exactly one valid date literal.
 */
export function parseDate(s: string): IsoDate | null {
  const t = s.trim();
  const found = findDateLiterals(t);
  if (found.length !== 1) return null;
  const lit = found[0]!;
  return lit.index === 0 && lit.length === t.length ? lit.date : null;
}

const ISO_RE = /^([0-9]{4})-([0-9]{2})-([0-9]{2})$/;

/** Year, month, day of an IsoDate. Throws RangeError when `d` is not a valid `YYYY-MM-DD`. @internal */
function ymd(d: IsoDate): [number, number, number] {
  const m = ISO_RE.exec(d);
  const y = Number(m?.[1]);
  const mo = Number(m?.[2]);
  const day = Number(m?.[3]);
  if (!m || !isValidYmd(y, mo, day)) throw new RangeError(`not a YYYY-MM-DD date: ${JSON.stringify(d)}`);
  return [y, mo, day];
}

function fromUtc(ms: number): IsoDate {
  const t = new Date(ms);
  return formatYmd(t.getUTCFullYear(), t.getUTCMonth() + 1, t.getUTCDate());
}

/** True when `d` is a valid `YYYY-MM-DD` date. */
export function isIsoDate(d: string): boolean {
  const m = ISO_RE.exec(d);
  return m !== null && isValidYmd(Number(m[1]), Number(m[2]), Number(m[3]));
}

/** `d` plus `n` days (n may be negative). Throws RangeError on a malformed date. */
export function addDays(d: IsoDate, n: number): IsoDate {
  const [y, m, day] = ymd(d);
  return fromUtc(Date.UTC(y, m - 1, day + n));
}

/**
 * `d` plus `n` months; a day that does not exist in the target month is clamped to its last day
 * (2024-01-31 + 1 month → 2024-02-29). Throws RangeError on a malformed date.
 */
export function addMonths(d: IsoDate, n: number): IsoDate {
  const [y, m, day] = ymd(d);
  const total = y * 12 + (m - 1) + n;
  const ty = Math.floor(total / 12);
  const tm = total - ty * 12 + 1;
  return formatYmd(ty, tm, Math.min(day, daysInMonth(ty, tm)));
}

/** `d` plus `n` years, 29 February clamped to 28 February. Throws RangeError on a malformed date. */
export function addYears(d: IsoDate, n: number): IsoDate {
  return addMonths(d, n * 12);
}

/** Last day of the month of `d`. */
export function endOfMonth(d: IsoDate): IsoDate {
  const [y, m] = ymd(d);
  return formatYmd(y, m, daysInMonth(y, m));
}

/** 31 December of the year of `d`. */
export function endOfYear(d: IsoDate): IsoDate {
  const [y] = ymd(d);
  return formatYmd(y, 12, 31);
}

/**
 * Last day of a period of `n` months that starts on `start` (counting `start` itself): the day
 * before the corresponding day `n` months later, or the last day of that month when it has no
 * corresponding day (民法典 art. 203 reckoning). 5 years from 2026-01-01 end on 2030-12-31; from
 * 2025-12-31 on 2030-12-30; 1 month from 2024-01-31 ends on 2024-02-29.
 */
export function endOfTermMonths(start: IsoDate, n: number): IsoDate {
  const [y, m, day] = ymd(start);
  const total = y * 12 + (m - 1) + n;
  const ty = Math.floor(total / 12);
  const tm = total - ty * 12 + 1;
  if (day > daysInMonth(ty, tm)) return formatYmd(ty, tm, daysInMonth(ty, tm));
  return addDays(formatYmd(ty, tm, day), -1);
}

/** Last day of a period of `n` years that starts on `start`; see {@link endOfTermMonths}. */
export function endOfTermYears(start: IsoDate, n: number): IsoDate {
  return endOfTermMonths(start, n * 12);
}
