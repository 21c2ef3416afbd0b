/**
 * Chinese numerals: 一 … 九十九 … 一百二十三 … 一千, with 〇/零 and 两, and the digit-by-digit
 * form used in years (二〇二五). Pure helpers shared by segment and validity.
 */

const DIGITS: Readonly<Record<string, number>> = {
  〇: 0, 零: 0, O: 0, Ｏ: 0, 一: 1, 二: 2, 两: 2, 三: 3, 四: 4, 五: 5, 六: 6, 七: 7, 八: 8, 九: 9,
  壹: 1, 贰: 2, 叁: 3, 肆: 4, 伍: 5, 陆: 6, 柒: 7, 捌: 8, 玖: 9,
};
const UNITS: Readonly<Record<string, number>> = { 十: 10, 拾: 10, 百: 100, 佰: 100, 千: 1000, 仟: 1000, 万: 10000 };

/** Characters that may appear in a Chinese numeral (for building regular expressions). */
export const CN_NUMERAL_CHARS = '〇零一二两三四五六七八九十百千万壹贰叁肆伍陆柒捌玖拾佰仟';

/**
 * Value of a Chinese numeral such as `十二`, `一百零三`, `二十三`; also accepts Arabic and
 * full-width digits. Returns null when the string is not a numeral.
 */
export function parseChineseNumber(input: string): number | null {
  const s = toHalfWidthDigits(input.trim());
  if (s === '') return null;
  if (/^\d+$/.test(s)) return Number(s);
  if ([...s].length > 1 && ![...s].some((ch) => ch in UNITS)) return parseDigitSequence(s);
  let total = 0;
  let section = 0;
  let digit: number | null = null;
  for (const ch of s) {
    if (ch in DIGITS) {
      digit = DIGITS[ch]!;
      continue;
    }
    const unit = UNITS[ch];
    if (unit === undefined) return null;
    if (unit === 10000) {
      section = (section + (digit ?? 0)) * unit;
      total += section;
      section = 0;
    } else {
      section += (digit ?? 1) * unit;
    }
    digit = null;
  }
  return total + section + (digit ?? 0);
}

/** Digit-by-digit year form: `二〇二五` → 2025, `二零二五` → 2025. Null if not that form. */
export function parseDigitSequence(input: string): number | null {
  let out = '';
  for (const ch of input) {
    const d = DIGITS[ch];
    if (d === undefined) return null;
    out += String(d);
  }
  return out === '' ? null : Number(out);
}

/** Chinese numeral for 1–9999 in the usual written form (12 → 十二, 103 → 一百零三). */
export function toChineseNumber(n: number): string {
  if (!Number.isInteger(n) || n < 0 || n >= 100000) throw new RangeError(`cannot write ${n} in Chinese numerals`);
  if (n === 0) return '零';
  const d = '零一二三四五六七八九';
  const units = ['', '十', '百', '千', '万'];
  const parts: string[] = [];
  const s = String(n);
  let zero = false;
  for (let i = 0; i < s.length; i++) {
    const v = Number(s[i]);
    const u = units[s.length - 1 - i]!;
    if (v === 0) {
      zero = true;
      continue;
    }
    if (zero && parts.length > 0) parts.push('零');
    zero = false;
    parts.push(d[v]! + u);
  }
  let out = parts.join('');
  if (out.startsWith('一十')) out = out.slice(1);
  return out;
}

/** Full-width digits ０-９ → ASCII. */
export function toHalfWidthDigits(s: string): string {
  return s.replace(/[０-９]/g, (c) => String.fromCharCode(c.charCodeAt(0) - 0xff10 + 0x30));
}
