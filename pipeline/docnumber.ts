/**
 * 发文字号 (document numbers): find them in text and bring them to one normal form,
 * `发改财金规〔2025〕1752号`, whatever brackets, spaces or breakage they arrived with.
 */
import { toHalfWidthDigits } from './numerals.ts';

export interface DocNumberMatch {
  /** Normal form: issuer code + 〔year〕 + serial + 号 (or `…令第N号`). */
  readonly normalized: string;
  /** The characters as found. */
  readonly raw: string;
  readonly index: number;
  /** True when the number had to be repaired (missing bracket or 号). */
  readonly repaired: boolean;
}

const SP = '[\\s\\u00a0\\u3000]*';
const OPEN = '[〔［\\[（(【{｛]';
const CLOSE = '[〕］\\]）)】}｝]';
const DIGIT = '[0-9０-９]';
/** Issuer code: CJK characters right before the bracket (e.g. 发改财金规, 粤金管, 国办发). */
const CODE = '([\\u4e00-\\u9fff]{1,12})';

/** Complete form: code〔2025〕1752号, with any bracket style and stray spaces. */
const FULL = new RegExp(`${CODE}${SP}${OPEN}${SP}((?:19|20)${DIGIT}{2})${SP}${CLOSE}${SP}(${DIGIT}{1,5})${SP}号`, 'gu');
/** Broken form seen on real pages: `沪府办规〔202515` (closing bracket and 号 lost). */
const BROKEN = new RegExp(`${CODE}${SP}${OPEN}((?:19|20)${DIGIT}{2})(${DIGIT}{1,4})(?![0-9０-９〕］\\]）)】号])`, 'gu');
/** Orders: 国务院令第746号, 广州市人民政府令第179号. */
const ORDER = new RegExp(`([\\u4e00-\\u9fff]{1,16}令)${SP}第${SP}(${DIGIT}{1,5})${SP}号`, 'gu');

const HAS_NUMBER_CHAR = /[〔［[（(【{｛]|令/u;

/** Words that end a sentence fragment before the issuer code and are not part of it. */
const CODE_PREFIX_NOISE = /^.*?(?:文号|字号|发文|印发|关于|根据|按照|依据|的通知|见|和|及|与|、|为)/u;

function cleanCode(code: string): string {
  // A code is short; prose before it ("根据国办发") is cut at known joiners.
  const m = CODE_PREFIX_NOISE.exec(code);
  const c = m && m[0].length < code.length ? code.slice(m[0].length) : code;
  return c;
}

/** Where a number can be: an opening bracket before a year, or 令 before 第. */
const ANCHOR = new RegExp(`${OPEN}${SP}(?:19|20)${DIGIT}{2}|令${SP}第`, 'gu');
/** Characters of context a number can take before its anchor (code, spaces) and after it. */
const BEFORE_ANCHOR = 40;
const AFTER_ANCHOR = 40;

/** All document numbers in `text`, in order of appearance. */
export function findDocNumbers(text: string): DocNumberMatch[] {
  const out: DocNumberMatch[] = [];
  // Every form has an opening bracket or 令第: skip the regexes on the many lines with neither.
  if (!HAS_NUMBER_CHAR.test(text)) return out;
  // The forms' patterns begin with a run of CJK characters, which the regex engine would try at
  // every character of the text: run them only around the places a number can be (measured on
  // the seeds: about 9 M characters/s over whole texts).
  let region: [number, number] | null = null;
  for (const m of text.matchAll(ANCHOR)) {
    const from = Math.max(0, m.index! - BEFORE_ANCHOR);
    const to = Math.min(text.length, m.index! + m[0].length + AFTER_ANCHOR);
    if (region !== null && from <= region[1]) region[1] = to;
    else {
      if (region !== null) numbersIn(text, region[0], region[1], out);
      region = [from, to];
    }
  }
  if (region !== null) numbersIn(text, region[0], region[1], out);
  return out.sort((a, b) => a.index - b.index);
}

/** The numbers in `text` between `from` and `to`, appended to `out` with their places in `text`. */
function numbersIn(whole: string, from: number, to: number, out: DocNumberMatch[]): void {
  const text = whole.slice(from, to);
  const at = (i: number) => from + i;
  const taken: Array<[number, number]> = [];
  const overlaps = (a: number, b: number) => taken.some(([x, y]) => a < y && x < b);
  for (const m of text.matchAll(FULL)) {
    const code = cleanCode(m[1]!);
    const start = m.index! + (m[1]!.length - code.length);
    const raw = text.slice(start, m.index! + m[0].length);
    out.push({ normalized: `${code}〔${toHalfWidthDigits(m[2]!)}〕${Number(toHalfWidthDigits(m[3]!))}号`, raw, index: at(start), repaired: false });
    taken.push([m.index!, m.index! + m[0].length]);
  }
  for (const m of text.matchAll(ORDER)) {
    if (overlaps(m.index!, m.index! + m[0].length)) continue;
    // `2021年7月27日中华人民共和国国务院令第746号`: the issuer starts after the date.
    const issuer = m[1]!.replace(/^.*[日年月]/u, '');
    const start = m.index! + (m[1]!.length - issuer.length);
    out.push({ normalized: `${issuer}第${Number(toHalfWidthDigits(m[2]!))}号`, raw: text.slice(start, m.index! + m[0].length), index: at(start), repaired: false });
    taken.push([m.index!, m.index! + m[0].length]);
  }
  for (const m of text.matchAll(BROKEN)) {
    if (overlaps(m.index!, m.index! + m[0].length)) continue;
    const code = cleanCode(m[1]!);
    const start = m.index! + (m[1]!.length - code.length);
    out.push({
      normalized: `${code}〔${toHalfWidthDigits(m[2]!)}〕${Number(toHalfWidthDigits(m[3]!))}号`,
      raw: text.slice(start, m.index! + m[0].length),
      index: at(start),
      repaired: true,
    });
    taken.push([m.index!, m.index! + m[0].length]);
  }
}

/**
 * Normal form of one document number (`发改财金规[2025]1752 号` → `发改财金规〔2025〕1752号`),
 * or null when the string holds none.
 */
export function normalizeDocNumber(s: string): string | null {
  const found = findDocNumbers(s.trim());
  return found.length > 0 ? found[0]!.normalized : null;
}

/**
 * A line that is nothing but a document number (the 发文字号 line under a title).
 * Returns the match or null.
 */
export function docNumberLine(line: string): DocNumberMatch | null {
  const t = line.replace(/[\s\u00a0\u3000]+/g, '');
  if (t.length > 30) return null;
  const found = findDocNumbers(t);
  if (found.length !== 1) return null;
  const f = found[0]!;
  // The whole line must be the number (allow a leading 文号: label).
  const rest = t.slice(0, f.index) + t.slice(f.index + f.raw.length);
  if (rest.replace(/^(文号|发文字号)[:：]?/u, '') !== '') return null;
  return f;
}
