/**
 * Text normalization shared by the pure stages:
 * - {@link cleanLine}: trim every kind of blank a Chinese web page or PDF puts around a line;
 * - {@link normalizeForCompare} / {@link comparable}: the form two versions are compared in
 *   (punctuation width, quotes, brackets and spacing no longer matter), with a map back to the
 *   original characters so that a diff can be shown on the text the reader knows;
 * - {@link joinBrokenLines}: rebuild paragraphs cut by newspaper columns or PDF line breaks.
 */

// ---------------------------------------------------------------------------------------------
// Blanks
// ---------------------------------------------------------------------------------------------

/**
 * Code points treated as blank: ASCII whitespace, NEL, NBSP, Ogham space, the U+2000–U+200A
 * spaces (en/em/thin …), line/paragraph separators, narrow NBSP, math space, U+3000 (ideographic
 * space, used for indentation), and the invisible ones: zero-width space/joiners, word joiner,
 * soft hyphen and the BOM (U+FEFF), which pages leave at the start of a line.
 */
const BLANK_CODES: readonly number[] = [
  0x09, 0x0a, 0x0b, 0x0c, 0x0d, 0x20, 0x85, 0xa0, 0xad, 0x1680, 0x180e,
  0x2000, 0x2001, 0x2002, 0x2003, 0x2004, 0x2005, 0x2006, 0x2007, 0x2008, 0x2009, 0x200a,
  0x200b, 0x200c, 0x200d, 0x200e, 0x200f, 0x2028, 0x2029, 0x202f, 0x205f, 0x2060, 0x3000, 0xfeff,
];

/** Lookup table over the BMP: 1 when the code unit is blank. @internal */
const IS_BLANK = new Uint8Array(0x10000);
for (const c of BLANK_CODES) IS_BLANK[c] = 1;

/** True when `code` (a UTF-16 code unit) is one of the blanks {@link cleanLine} trims. */
export function isBlankCode(code: number): boolean {
  return IS_BLANK[code] === 1;
}

/**
 * `s` without leading and trailing blanks of any kind (ASCII space and tab, NBSP, U+3000,
 * en/em spaces, zero-width characters, BOM). Inner characters are kept as they are.
 *
 * @example cleanLine('\u3000\u3000第一条 为加强…\u00a0 ') // → '第一条 为加强…'
 */
export function cleanLine(s: string): string {
  let start = 0;
  let end = s.length;
  while (start < end && IS_BLANK[s.charCodeAt(start)] === 1) start++;
  while (end > start && IS_BLANK[s.charCodeAt(end - 1)] === 1) end--;
  return start === 0 && end === s.length ? s : s.slice(start, end);
}

// ---------------------------------------------------------------------------------------------
// Comparison form
// ---------------------------------------------------------------------------------------------

/** A normalized text and, for each of its UTF-16 code units, the index of its source in the original. */
export interface Normalized {
  /** The comparison form (see {@link normalizeForCompare}). */
  readonly text: string;
  /** `map[i]` is the index in the original string of `text[i]`; `map.length === text.length`. */
  readonly map: readonly number[];
}

/** Marker in {@link COMPARE_TABLE}: the code unit is dropped. */
const DROP = 0;

/**
 * One entry per BMP code unit: the code unit it becomes in the comparison form, or {@link DROP}.
 * Built once; a lookup per character keeps {@link normalizeForCompare} a single pass.
 *
 * Choices (each a difference the `compare --json` contract says is not a change):
 * - U+FF01–U+FF5E (full-width ASCII: `，；：（）！？０-９Ａ-Ｚ`…) → ASCII; `，`→`,` `；`→`;` `：`→`:`
 *   `（）`→`()` `！`→`!` `？`→`?`.
 * - Double quotes `“ ” „ ‟ ＂ 「 」` → `"`; single quotes `‘ ’ ‚ ‛ ＇ 『 』` → `'` (double and single
 *   stay distinct: they nest, and swapping them is a change a reader may care about).
 * - Square-ish brackets `〔〕 ［］ [] 【】 〖〗` → `〔〕` (document numbers are written with all of
 *   them: `〔2025〕`, `[2025]`, `【2025】`). Round parentheses stay round.
 * - Dashes U+2010–U+2015 and minus U+2212 → `-`; wave dash `〜` → `~`; middle dots → `·`;
 *   `⋯` → `…`; half-width `｡､` → `。、`; `￥` → `¥`.
 * - Every blank of {@link cleanLine} is dropped, also inside the text (`1 号` = `1号`).
 * - Ideographic comma `、` and full stop `。` are kept: they have no half-width twin in Chinese text.
 */
const COMPARE_TABLE: Uint16Array = (() => {
  const t = new Uint16Array(0x10000);
  for (let c = 0; c < 0x10000; c++) t[c] = c;
  for (let c = 0xff01; c <= 0xff5e; c++) t[c] = c - 0xfee0;
  const set = (chars: string, to: string): void => {
    for (const ch of chars) t[ch.charCodeAt(0)] = to.charCodeAt(0);
  };
  set('“”„‟＂「」"', '"');
  set("‘’‚‛＇『』'", "'");
  set('〔［[【〖', '〔');
  set('〕］]】〗', '〕');
  set('‐‑‒–—―−', '-');
  set('〜', '~');
  set('·・･‧', '·');
  set('⋯', '…');
  set('｡', '。');
  set('､', '、');
  set('￥', '¥');
  for (const c of BLANK_CODES) t[c] = DROP;
  t[0] = DROP;
  return t;
})();

/**
 * The comparison form of `text`, with a map back to the original.
 *
 * Full-width ASCII becomes half-width, punctuation width variants are unified (`，`→`,` `；`→`;`
 * `：`→`:` `（）`→`()` `！`→`!` `？`→`?`), curly and corner quotes become `"` / `'`, the brackets
 * `〔〕［］[]【】〖〗` all become `〔〕`, and every blank (spaces inside numbers, U+3000, NBSP, tabs,
 * newlines, zero-width characters) is removed. Letters keep their case; `、` and `。` are kept.
 * Characters outside the BMP pass through unchanged.
 *
 * One pass over the string with a lookup table (no regular expressions): well over 10 MB/s.
 *
 * @example
 * const n = normalizeForCompare('（一）１ 号，');
 * n.text // → '(一)1号,'
 * n.map  // → [0, 1, 2, 3, 5, 6]  (index 4, the space, is gone)
 */
export function normalizeForCompare(text: string): Normalized {
  const n = text.length;
  const out = new Uint16Array(n);
  const map: number[] = [];
  let k = 0;
  for (let i = 0; i < n; i++) {
    const c = COMPARE_TABLE[text.charCodeAt(i)]!;
    if (c === DROP) continue;
    out[k++] = c;
    map.push(i);
  }
  return { text: codesToString(out, k), map };
}

/** The comparison form of `text` only: `normalizeForCompare(text).text`. */
export function comparable(text: string): string {
  const n = text.length;
  const out = new Uint16Array(n);
  let k = 0;
  for (let i = 0; i < n; i++) {
    const c = COMPARE_TABLE[text.charCodeAt(i)]!;
    if (c !== DROP) out[k++] = c;
  }
  return codesToString(out, k);
}

/**
 * The string of the first `length` UTF-16 code units of `codes`, lone surrogates kept as they are.
 * Decoded as UTF-16LE by Buffer (the typed array is in the machine's byte order, little-endian on
 * every platform Node runs on): about 20 times faster than String.fromCharCode over chunks
 * (measured on the seeds' texts, 16.7 M characters: 3–6 ms against 65–72 ms).
 */
function codesToString(codes: Uint16Array, length: number): string {
  return Buffer.from(codes.buffer, codes.byteOffset, length * 2).toString('utf16le');
}

// ---------------------------------------------------------------------------------------------
// Broken lines
// ---------------------------------------------------------------------------------------------

/**
 * Characters that close a sentence (or a clause that stands as its own line, like the addressee
 * line ending in a colon). A line ending with one of them is never joined to the next.
 */
const FINAL_PUNCT = new Set([...'。！？；：…!?;:．.']);
/**
 * Closing quotes and brackets. They end a sentence only after final punctuation (`…说。”`,
 * `（略）。`); alone they close a term in mid-sentence (`突破“碎片化”` in a newspaper column),
 * so a bare closing quote is no evidence either way.
 */
const CLOSERS = new Set([...'”’」』）)》〉】〕］]"\'']);
/** A line ending with one of these is certainly cut in mid-sentence. */
const CONTINUING_END = new Set([...'，,、“‘「『（(《〈【〔[']);
/** A line starting with one of these certainly continues the previous one. */
const CONTINUING_START = new Set([...'，,、。；;：:？?！!）)》〉”’」』']);
/** Pairs whose opening half left unclosed on a line shows the sentence goes on. */
const PAIRS: ReadonlyArray<readonly [string, string]> = [
  ['“', '”'], ['（', '）'], ['(', ')'], ['《', '》'], ['「', '」'],
];

const CN_NUM = '〇零一二两三四五六七八九十百千';
/**
 * Starts of numbered provisions and structural lines: 第一编/章/节/条/款, 一、, （一）, (一), 1. 1．
 * 1、, （1）, ①, 附件, a full date (`2025年12月31日`, `二〇二五年十二月三十一日`), and bullets.
 * A line starting like this always begins a new paragraph.
 */
const STRUCTURAL_START = new RegExp(
  [
    `^第[${CN_NUM}\\d０-９]+[编章节条款部](?:之[${CN_NUM}]+)?`,
    `^[${CN_NUM}]{1,3}[、．.]`,
    `^[（(][${CN_NUM}]{1,3}[）)]`,
    `^[（(][0-9０-９]{1,3}[）)]`,
    `^[0-9０-９]{1,3}(?:[、．]|\\.(?![0-9０-９]))`,
    '^[\\u2460-\\u2473\\u2474-\\u2487\\u2776-\\u277f]',
    `^(?:[0-9０-９]{4}|[${CN_NUM}]{4})年[0-9０-９${CN_NUM}]{1,3}月[0-9０-９${CN_NUM}]{1,3}日`,
    '^附件[0-9０-９]*[:：]?',
    '^[•●■◆▪·]',
  ].join('|'),
  'u',
);
/** A whole line that is a date (a signature date): `2025年12月31日`, `二〇二五年十二月三十一日`. */
const DATE_LINE = new RegExp(
  `^(?:[0-9０-９]{4}|[${CN_NUM}]{4})\\s*年\\s*[0-9０-９${CN_NUM}]{1,3}\\s*月\\s*[0-9０-９${CN_NUM}]{1,3}\\s*日$`,
  'u',
);
/** A line ending in a date (`来源:中国经营报 石健 2026-01-10`, `…2025年7月29日`): an attribution or a signature. */
const ENDS_WITH_DATE = new RegExp(
  `(?:\\d{4}[-/.]\\d{1,2}[-/.]\\d{1,2}|(?:[0-9０-９]{4}|[${CN_NUM}]{4})年[0-9０-９${CN_NUM}]{1,3}月[0-9０-９${CN_NUM}]{1,3}日)$`,
  'u',
);
/** A line that is a document number (`发改财金规〔2025〕1752号`). */
const DOC_NUMBER_LINE = /^[\u4e00-\u9fff]{1,12}\s*[〔［[（(【]\s*(?:19|20)\d{2}\s*[〕］\]）)】]?\s*\d{1,5}\s*号?$/u;
/**
 * Clause punctuation inside a line: evidence that the line is running prose, not a heading.
 * Colons are left out: chrome and form lines (`主办单位：… 版权所有：…`) are full of them.
 */
const INNER_PUNCT = /[，,。；;、]/u;

/** Display width of a line: CJK and full-width characters count 2, ASCII 1. @internal */
export function displayWidth(s: string): number {
  let w = 0;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 0xdc00 && c <= 0xdfff) continue; // low surrogate: counted with its high half
    if (c === 0x20 || c === 0xa0) {
      // A space between two CJK characters is justification (`色 化 发 展`) and takes no cell of
      // its own; next to digits or Latin letters (`今年 5 月`) it is a real half-width space.
      const p = i > 0 ? s.charCodeAt(i - 1) : 0;
      const n = i + 1 < s.length ? s.charCodeAt(i + 1) : 0;
      if ((p >= 0x1100 || p === 0x20 || p === 0xa0) && (n >= 0x1100 || n === 0x20 || n === 0xa0)) continue;
      w += 1;
      continue;
    }
    // Quotes, dashes, ellipsis and shapes take a full cell in Chinese typesetting.
    if (c >= 0x1100 || (c >= 0x2010 && c <= 0x2027) || (c >= 0x25a0 && c <= 0x25ff) || (c >= 0x2460 && c <= 0x24ff)) w += 2;
    else w += 1;
  }
  return w;
}

function endsFinal(line: string): boolean {
  const last = line[line.length - 1];
  if (last === undefined) return true;
  if (FINAL_PUNCT.has(last)) return true;
  if (CLOSERS.has(last)) {
    // `…说。”` ends a sentence; `突破“碎片化”` does not. Look through stacked closers.
    let i = line.length - 1;
    while (i >= 0 && CLOSERS.has(line[i]!)) i--;
    if (i >= 0 && FINAL_PUNCT.has(line[i]!)) return true;
    // A bracket group that follows a finished sentence ends the paragraph too: the responsible
    // bodies after a measure, `…识别模式。(省科技厅…按职责分工负责)`.
    if (last === '）' || last === ')') {
      const open = line.lastIndexOf(last === '）' ? '（' : '(');
      if (open > 0 && (FINAL_PUNCT.has(line[open - 1]!) || /负责$/u.test(line.slice(0, -1)))) return true;
    }
  }
  return false;
}

function hasUnclosedPair(line: string): boolean {
  for (const [open, close] of PAIRS) {
    const o = line.lastIndexOf(open);
    if (o >= 0 && line.indexOf(close, o) < 0) return true;
  }
  return false;
}

/** A line that must stay on its own: a date, a document number. */
function isStandalone(line: string): boolean {
  return DATE_LINE.test(line) || DOC_NUMBER_LINE.test(line) || ENDS_WITH_DATE.test(line);
}

/** Minimum number of lines at the column width before a page counts as cut into columns. */
const MIN_COLUMN_LINES = 6;
/** Share of the page's lines that must sit at the column width. */
const MIN_COLUMN_SHARE = 0.4;
/** Narrowest column taken seriously (in half-width cells): 8 CJK characters. */
const MIN_COLUMN_WIDTH = 16;
/**
 * Cells a column line may differ from the column width: a paragraph's first line is indented by
 * two characters (4 cells), and digits or half-width punctuation make some lines a little wider.
 */
const COLUMN_SLACK = 4;
/** A line of a prose paragraph this wide (cells) and holding clause punctuation is prose, not a heading. */
const LONG_PROSE_WIDTH = 48;

/**
 * The column width of a page cut into narrow columns, or null when the page shows no such cut.
 * Evidence: many lines without final punctuation share one width (±2 cells), and they make up a
 * large share of the page. Headings and signatures never reach that share.
 */
function columnWidth(lines: readonly string[]): number | null {
  const counts = new Map<number, number>();
  let candidates = 0;
  for (const l of lines) {
    if (endsFinal(l) || STRUCTURAL_START.test(l)) continue;
    const w = displayWidth(l);
    if (w < MIN_COLUMN_WIDTH) continue;
    counts.set(w, (counts.get(w) ?? 0) + 1);
    candidates++;
  }
  if (candidates === 0) return null;
  let best = 0;
  let bestScore = 0;
  for (const w of counts.keys()) {
    let score = 0;
    for (let d = -2; d <= 2; d++) score += counts.get(w + d) ?? 0;
    if (score > bestScore || (score === bestScore && w > best)) {
      best = w;
      bestScore = score;
    }
  }
  // The column width is the most frequent width inside the best window.
  let top = best;
  for (let d = -2; d <= 2; d++) {
    if ((counts.get(best + d) ?? 0) > (counts.get(top) ?? 0)) top = best + d;
  }
  if (bestScore < MIN_COLUMN_LINES || bestScore < MIN_COLUMN_SHARE * lines.length) return null;
  return top;
}

/**
 * Joins lines that were broken inside sentences and removes blank lines; returns one paragraph
 * per line, each trimmed with {@link cleanLine}. A paragraph (10 characters or more) that exactly
 * repeats the paragraph just before it is dropped (newspaper pages print some paragraphs twice).
 *
 * Heuristic: line A is joined to the next non-blank line B when
 * 1. A does not end a sentence (`。！？；：…`, a closing quote after one of them, or a bracket
 *    group after one of them such as `。（省科技厅按职责分工负责）`), A is not a
 *    date, signature-date or document-number line, and B does not start a new unit (第一条, 第一章,
 *    第一节, 一、, （一）, (一), 1. 1． 1、, （1）, ①, 附件, a full date, a bullet); and
 * 2. the text shows the break is inside a sentence, by one of:
 *    a. A ends with a comma, 、, or an opening quote or bracket; or B starts with
 *       punctuation that cannot open a sentence (`，。）》”`…);
 *    b. A leaves a quote or bracket open (`“中部地区…构筑一个广阔` + `的交流合作平台…”`) and B
 *       reads as prose (ends a sentence, holds clause punctuation, or is long);
 *    c. the page is cut into columns (see `columnWidth`: ≥ 6 lines and ≥ 40 % of all lines
 *       without final punctuation share one display width ±2 cells), B fits in the column, and
 *       A is at the column width (4 cells less allowed: a paragraph's first line is indented), or
 *       A is up to 6 cells short and B is a full column line (a paragraph's first line after
 *       a jump such as `▲▲上接1版`). A heading is shorter than a column line and is followed by
 *       an indented first line, so `建设未来产业先导区` stays on its own in seed 000;
 *    d. A is a long line of prose (≥ 48 cells, i.e. 24 CJK characters) with clause punctuation
 *       inside (not counting its number and bracketed groups), like a paragraph cut by a PDF or
 *       a copy from a page (seed 003), and B reads as prose; headings are short and rarely hold commas.
 * Blank lines are ignored when deciding: newspaper pages put one between every column line.
 * A short line with no punctuation at all (`协同创新网络各成员单位`) looks exactly like a heading
 * and is left alone.
 *
 * @example joinBrokenLines(['济南高新区前瞻布局未来', '', '产业，启动未来产业先导区创建，', '业集群。'])
 *   // → ['济南高新区前瞻布局未来产业，启动未来产业先导区创建，业集群。'] (when the page shows the evidence)
 */
export function joinBrokenLines(lines: readonly string[]): string[] {
  const clean: string[] = [];
  for (const raw of lines) {
    const l = cleanLine(raw);
    if (l !== '') clean.push(l);
  }
  const column = columnWidth(clean);
  const out: string[] = [];
  let current: string | null = null;
  let currentLast = ''; // the last physical line of `current` (widths are per physical line)
  for (const line of clean) {
    if (current !== null && shouldJoin(currentLast, line, column)) {
      current = joinPair(current, line);
    } else {
      if (current !== null) pushParagraph(out, current);
      current = line;
    }
    currentLast = line;
  }
  if (current !== null) pushParagraph(out, current);
  return out;
}

/**
 * Shortest paragraph whose immediate repeat is dropped. Newspaper repeats are whole paragraphs;
 * short lines repeat for good reasons (table cells flattened to lines: `/`, `是`, `800元/月`).
 */
const MIN_REPEAT_LENGTH = 10;

function pushParagraph(out: string[], p: string): void {
  if (p.length >= MIN_REPEAT_LENGTH && out.length > 0 && out[out.length - 1] === p) return; // repeated paragraph
  out.push(p);
}

function joinPair(a: string, b: string): string {
  // Latin words cut at a line end need their space back; CJK text and numbers have none.
  const x = a.charCodeAt(a.length - 1);
  const y = b.charCodeAt(0);
  const letter = (c: number) => (c >= 0x41 && c <= 0x5a) || (c >= 0x61 && c <= 0x7a);
  return letter(x) && letter(y) ? `${a} ${b}` : a + b;
}

/**
 * The part of a line that tells prose from a heading: without its number (`三十七、`) and without
 * bracketed groups (`（非化学治疗、放射治疗期间）`, `《…》`), whose commas say nothing about the line.
 */
function proseCore(line: string): string {
  return line.replace(STRUCTURAL_START, '').replace(/（[^（）]*）|\([^()]*\)|《[^《》]*》/gu, '');
}

function shouldJoin(a: string, b: string, column: number | null): boolean {
  if (endsFinal(a) || isStandalone(a)) return false;
  if (STRUCTURAL_START.test(b) || DATE_LINE.test(b) || DOC_NUMBER_LINE.test(b)) return false;
  if (CONTINUING_END.has(a[a.length - 1]!) || CONTINUING_START.has(b[0]!)) return true;
  const w = displayWidth(a);
  // Rules b and d need B to read as prose too: a short line without punctuation after a long
  // one is a heading (seed 001 `多地因地制宜布局未来产业` after a truncated paragraph).
  const bProse = endsFinal(b) || INNER_PUNCT.test(b) || displayWidth(b) >= LONG_PROSE_WIDTH;
  if (hasUnclosedPair(a) && bProse) return true;
  if (column !== null && w <= column + COLUMN_SLACK) {
    const wb = displayWidth(b);
    // B must fit in the column too: a headline wider than the column is not the next column line.
    if (wb <= column + COLUMN_SLACK) {
      if (w >= column - COLUMN_SLACK) return true;
      // A shorter line (an indented first line after a jump) goes on when B is a full column line.
      if (w >= column - 2 * COLUMN_SLACK + 2 && wb >= column - 2) return true;
    }
  }
  if (w >= LONG_PROSE_WIDTH && bProse && INNER_PUNCT.test(proseCore(a))) return true;
  return false;
}
