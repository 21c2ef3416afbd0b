/**
 * Validity of one document: when it takes effect, when it ends, the sentence that says so, and
 * the documents it repeals. Pure: the signing / publishing dates are arguments, never the clock.
 *
 * The text is scanned with a few precompiled patterns; each hit is judged by the sentence it sits
 * in. Only sentences that speak of the text itself (本办法…, 本通知…) decide its dates, so a
 * licence's validity (`《司法鉴定许可证》…有效期5年`), a measure's window
 * (`对在2025年5月1日至2027年12月31日发放的…贷款`) and targets (`到2027年底`) are not read as the
 * document's expiry. Unknown stays null.
 */
import { DATE_PATTERN_SOURCE, addDays, addMonths, endOfMonth, endOfTermMonths, endOfYear, firstDateLiteral } from './dates.ts';
import type { DateLiteral } from './dates.ts';
import { parseChineseNumber } from './numerals.ts';
import { REPEAL_VERB_RE, refsInSegment, repealsIn } from './repeals.ts';
import {
  CLAUSE_PREFIX_OK_RE,
  MAX_PREFIX,
  MAX_SENTENCE,
  type Scan,
  type Sentence,
  clauseAround,
  clausePrefix,
  scan,
  segmentStart,
  sentenceAt,
} from './sentences.ts';
import type { IsoDate, Provision, RepealedRef, Validity } from './types.ts';

export { findRepeals } from './repeals.ts';

/** Input of {@link analyseValidity}. */
export interface ValidityInput {
  /** Whole body of the issued document (not the wrapping notice), lines joined with `\n`. */
  readonly text: string;
  /** Signing / issuing date (from the notice when there is one). */
  readonly signedOn: IsoDate | null;
  /** Web publish date, used for 自发布之日起 when there is no signing date. */
  readonly publishedOn?: IsoDate | null;
  /** The document's provisions, if segmented; used to name the provision holding the basis. */
  readonly provisions?: readonly Provision[];
}

/** How the effective date was found. */
export type EffectiveSource =
  /** `自2026年1月1日起施行` */
  | { readonly kind: 'date'; readonly phrase: string; readonly index: number }
  /** `自发布之日起施行`, `自公布之日起30日后施行`: anchored on the signing or publish date. */
  | {
      readonly kind: 'relative';
      readonly phrase: string;
      readonly index: number;
      readonly event: string;
      readonly anchor: 'signedOn' | 'publishedOn' | null;
      readonly offset: { readonly n: number; readonly unit: 'day' | 'month' | 'year' } | null;
    }
  /** A header line such as `2019年12月30日 施行` or `施行日期：2019年12月30日`. */
  | { readonly kind: 'metadata'; readonly phrase: string; readonly index: number };

/** How the expiry was found. */
export type ExpirySource =
  /** `有效期至2030年12月31日`, `执行至2027年底`, `至2027年12月31日止` */
  | { readonly kind: 'date'; readonly phrase: string; readonly index: number }
  /** `有效期5年`, `试行期两年`: a length counted from the effective date. */
  | { readonly kind: 'term'; readonly phrase: string; readonly index: number; readonly months: number }
  /** `2027年12月31日废止`, `自2028年1月1日起失效` */
  | { readonly kind: 'ceases'; readonly phrase: string; readonly index: number };

/** Which phrases the validity came from (extends the contract; for review pages and measures). */
export interface ValidityEvidence {
  readonly effective: EffectiveSource | null;
  readonly expires: ExpirySource | null;
  /** Path of the provision holding the basis sentence, when provisions were given. */
  readonly path: string | null;
}

/** One sentence that carries a validity or repeal phrase. */
export interface ValiditySentence {
  /** Sentence text: original characters, leading label (第十四条, 七、) removed, trimmed. */
  readonly text: string;
  /** Offset of `text` in the document text. */
  readonly index: number;
  /** 1: speaks of the text itself (本办法…); 2: weaker (上述措施…, subjectless, 现予公布); 3: header line. */
  readonly tier: 1 | 2 | 3;
  readonly kinds: readonly ('effective' | 'expiry' | 'repeal')[];
}

// ---------------------------------------------------------------------------------------------
// Patterns

/** Spaces inside a phrase (never a line break). */
const SP = '[ \\t\\u00a0\\u3000]*';
const DATE = `(${DATE_PATTERN_SOURCE})`;
/** A count: 5, ５, 五, 两, 三十. */
const NUM = '([0-9０-９]+|[零〇一二两三四五六七八九十百]+)';
const START_VERB = '(?:正式)?(?:施行|实施|执行|生效|试行)';
/** The names of a validity period. */
const TERM_NOUN = '(?:有效期限|有效期|试行期限|试行期|实施期限|执行期限|施行期限)';

/**
 * Where a 年-form date may start. Phrases that open with a date (`自2026年1月1日起施行`,
 * `2027年12月31日废止`) are read at these anchors with sticky patterns: a pattern that may start
 * anywhere with an optional 自 costs several times more on long texts.
 */
const YEAR_ANCHOR_RE = new RegExp(`(?:[12１２][0-9０-９]{3}|[〇零○ＯO一二三四五六七八九]{4})${SP}年`, 'gu');
/** At an anchor: `2026年1月1日起施行`, `2019年2月1日实施`. Groups: 1 date, 2 起. */
const EFFECTIVE_DATE_AT = new RegExp(`${DATE}${SP}(起)?${SP}${START_VERB}`, 'uy');
/** `自发布之日起施行`, `自印发之日起三十日后施行`. Groups: 1 event, 2 count, 3 unit. */
const EFFECTIVE_RELATIVE_RE = new RegExp(
  `自${SP}(?:本[\\u4e00-\\u9fff]{1,8}?)?(发布|印发|公布|发文|颁布|签发|下发|发出|公告|通过)之日起${SP}` +
    `(?:${NUM}${SP}(日|天|个月|月|年)(?:以)?后${SP})?${START_VERB}`,
  'gu',
);
/** `有效期至2030年12月31日`, `执行至2027年底`, `有效至…`. Groups: 1 date. */
const EXPIRY_UNTIL_RE = new RegExp(
  `(?:${TERM_NOUN}${SP}(?:为|是)?${SP}(?:至|到|截至|截止(?:到|至)?)|(?:执行|实施|施行|有效|试行)(?:至|到))${SP}${DATE}`,
  'gu',
);
/** `…起至2027年12月31日止`. Groups: 1 date. */
const EXPIRY_TO_RE = new RegExp(`(?:至|到)${SP}${DATE}${SP}(?:底|末)?${SP}止`, 'gu');
/** `有效期5年`, `有效期为三年`, `试行期两年`, `试行2年`. Groups: 1 count, 2 unit. */
const EXPIRY_TERM_RE = new RegExp(
  `(?:${TERM_NOUN}${SP}(?:暂定为|定为|为|是)?|试行)${SP}${NUM}${SP}(年|个月|月)`,
  'gu',
);
/** At an anchor: `2027年12月31日废止`, `2028年1月1日起失效`. Groups: 1 date, 2 起. */
const EXPIRY_CEASE_AT = new RegExp(`${DATE}${SP}(起)?${SP}(?:废止|失效|停止执行|终止执行)`, 'uy');
/** Characters a date-led phrase may open with. */
const DATE_LEAD = new Set(['自', '从', '于']);
const SPACE = new Set([' ', '\t', '\u00a0', '\u3000']);
/**
 * Both ends in one phrase: `有效期自2020年1月1日至2024年12月31日`,
 * `自2020年1月1日起至2024年12月31日止施行`. Groups: 1 start, 2 end (first form); 3 start, 4 end (second).
 */
const RANGE_RE = new RegExp(
  `${TERM_NOUN}${SP}(?:为|是)?${SP}(?:自|从)?${SP}${DATE}${SP}起?${SP}(?:至|到|—|－|-|~|～)${SP}${DATE}` +
    `|(?:自|从)${SP}${DATE}${SP}起?${SP}(?:至|到)${SP}${DATE}${SP}(?:底|末)?${SP}止?${SP}(?:正式)?(?:施行|实施|执行|有效|试行)`,
  'gu',
);
/** Header lines: `2019年12月30日 施行`, `施行日期：2019年12月30日`. Groups: 1 or 2 date. */
const METADATA_RE = new RegExp(
  `(?:^|\\n)${SP}${DATE}${SP}起?(?:施行|实施|生效)${SP}(?=\\n|$)|(?:施行|实施|生效)日期${SP}[:：]${SP}${DATE}`,
  'gu',
);

// ---------------------------------------------------------------------------------------------
// Phrases

type EffectiveSpec =
  | { readonly type: 'date'; readonly date: IsoDate }
  | {
      readonly type: 'relative';
      readonly event: string;
      readonly offset: { readonly n: number; readonly unit: 'day' | 'month' | 'year' } | null;
    };

type ExpirySpec =
  | { readonly type: 'date'; readonly lit: DateLiteral }
  | { readonly type: 'term'; readonly months: number }
  | { readonly type: 'ceases'; readonly date: IsoDate };

interface Phrase {
  readonly index: number;
  readonly raw: string;
  readonly sentence: Sentence;
  /** 1 or 2 as the sentence, 0 when the phrase is about something else. */
  readonly tier: 0 | 1 | 2;
  readonly effective: EffectiveSpec | null;
  readonly expiry: ExpirySpec | null;
}

function literal(raw: string): DateLiteral | null {
  return firstDateLiteral(raw);
}

/** The last day a date literal stands for: 2030年12月 → 2030-12-31, 2027年 → 2027-12-31. */
function lastDayOf(lit: DateLiteral): IsoDate {
  if (lit.precision === 'day') return lit.date;
  return lit.precision === 'month' ? endOfMonth(lit.date) : endOfYear(lit.date);
}

function countValue(s: string): number | null {
  const n = parseChineseNumber(s);
  return n !== null && n > 0 && n < 1000 ? n : null;
}

/** Judges one phrase by its sentence and clause. */
function phraseTier(text: string, s: Sentence, index: number): 0 | 1 | 2 {
  if (s.tier === 0) {
    // A subjectless sentence that opens with the phrase itself (`自2026年1月1日起施行。`).
    if (index - s.bodyStart > MAX_PREFIX || s.end - s.start > MAX_SENTENCE) return 0;
    const lead = text.slice(s.bodyStart, index).trim();
    return lead === '' || lead === '自' ? 2 : 0;
  }
  return CLAUSE_PREFIX_OK_RE.test(clausePrefix(text, s, index)) ? s.tier : 0;
}

function collectPhrases(sc: Scan): Phrase[] {
  const { text } = sc;
  const out: Phrase[] = [];
  const addAt = (index: number, end: number, effective: EffectiveSpec | null, expiry: ExpirySpec | null) => {
    const s = sentenceAt(sc, index);
    out.push({ index, raw: text.slice(index, end), sentence: s, tier: phraseTier(text, s, index), effective, expiry });
  };
  const add = (m: RegExpMatchArray, effective: EffectiveSpec | null, expiry: ExpirySpec | null) =>
    addAt(m.index ?? 0, (m.index ?? 0) + m[0].length, effective, expiry);

  for (const a of text.matchAll(YEAR_ANCHOR_RE)) {
    const at = a.index ?? 0;
    // 自 / 从 / 于 right before the date (spaces allowed) opens the phrase.
    let lead = at;
    while (lead > 0 && SPACE.has(text[lead - 1]!)) lead--;
    const hasLead = lead > 0 && DATE_LEAD.has(text[lead - 1]!);
    const start = hasLead ? lead - 1 : at;
    EFFECTIVE_DATE_AT.lastIndex = at;
    const e = EFFECTIVE_DATE_AT.exec(text);
    // A bare `2019年12月30日 施行` (no 自, no 起) is a header line, read by METADATA_RE.
    if (e && (hasLead || e[2] !== undefined)) {
      const lit = literal(e[1]!);
      if (lit) addAt(start, at + e[0].length, { type: 'date', date: lit.date }, null);
    }
    EXPIRY_CEASE_AT.lastIndex = at;
    const c = EXPIRY_CEASE_AT.exec(text);
    if (c) {
      const lit = literal(c[1]!);
      if (!lit) continue;
      const s = sentenceAt(sc, at);
      if (clauseAround(text, s, at + c[0].length - 1).includes('《')) continue; // a repeal of another text
      // 自X起失效: in force until the day before; X废止: drafters mean the last day.
      const fromStart = hasLead || c[2] !== undefined;
      addAt(start, at + c[0].length, null, { type: 'ceases', date: fromStart ? addDays(lit.date, -1) : lastDayOf(lit) });
    }
  }
  for (const m of text.matchAll(EFFECTIVE_RELATIVE_RE)) {
    let offset: { n: number; unit: 'day' | 'month' | 'year' } | null = null;
    if (m[2] !== undefined) {
      const n = countValue(m[2]);
      if (n === null) continue;
      offset = { n, unit: m[3] === '年' ? 'year' : m[3] === '日' || m[3] === '天' ? 'day' : 'month' };
    }
    add(m, { type: 'relative', event: m[1]!, offset }, null);
  }
  for (const m of text.matchAll(EXPIRY_UNTIL_RE)) {
    const lit = literal(m[1]!);
    if (lit) add(m, null, { type: 'date', lit });
  }
  for (const m of text.matchAll(EXPIRY_TO_RE)) {
    const lit = literal(m[1]!);
    if (lit) add(m, null, { type: 'date', lit });
  }
  for (const m of text.matchAll(EXPIRY_TERM_RE)) {
    const n = countValue(m[1]!);
    if (n !== null) add(m, null, { type: 'term', months: m[2] === '年' ? n * 12 : n });
  }
  for (const m of text.matchAll(RANGE_RE)) {
    const a = literal(m[1] ?? m[3]!);
    const b = literal(m[2] ?? m[4]!);
    if (a && b) add(m, { type: 'date', date: a.date }, { type: 'date', lit: b });
  }
  return out.sort((x, y) => x.index - y.index);
}

// ---------------------------------------------------------------------------------------------
// Analysis

function sentenceText(text: string, s: Sentence): string {
  return text.slice(s.bodyStart, s.end).trim();
}

function metadataEffective(text: string): { date: IsoDate; index: number; phrase: string } | null {
  let found: { date: IsoDate; index: number; phrase: string } | null = null;
  for (const m of text.matchAll(METADATA_RE)) {
    const lit = literal(m[1] ?? m[2]!);
    if (!lit) continue;
    const phrase = m[0].trim();
    found = { date: lit.date, index: (m.index ?? 0) + m[0].indexOf(phrase), phrase };
    break; // header lines come first; the first is the one
  }
  return found;
}

function resolveEffective(
  spec: EffectiveSpec,
  signedOn: IsoDate | null,
  publishedOn: IsoDate | null,
): { date: IsoDate | null; anchor: 'signedOn' | 'publishedOn' | null } {
  if (spec.type === 'date') return { date: spec.date, anchor: null };
  const anchor = signedOn !== null ? 'signedOn' : publishedOn !== null ? 'publishedOn' : null;
  const base = signedOn ?? publishedOn;
  if (base === null) return { date: null, anchor };
  const o = spec.offset;
  if (o === null) return { date: base, anchor };
  const date = o.unit === 'day' ? addDays(base, o.n) : addMonths(base, o.unit === 'year' ? o.n * 12 : o.n);
  return { date, anchor };
}

function resolveExpiry(spec: ExpirySpec, effective: IsoDate | null): IsoDate | null {
  if (spec.type === 'date') return lastDayOf(spec.lit);
  if (spec.type === 'ceases') return spec.date;
  return effective === null ? null : endOfTermMonths(effective, spec.months);
}

/** True when only spaces separate `a` (end) and `b` (start). */
function adjacent(text: string, a: Sentence, b: Sentence): boolean {
  return b.start >= a.end && text.slice(a.end, b.start).trim() === '';
}

function last<T>(xs: readonly T[], pred: (x: T) => boolean): T | undefined {
  for (let i = xs.length - 1; i >= 0; i--) if (pred(xs[i]!)) return xs[i];
  return undefined;
}

/**
 * Validity with the evidence it rests on. See {@link analyseValidity} for the rules.
 */
export function analyseValidityWithEvidence(input: ValidityInput): { validity: Validity; evidence: ValidityEvidence } {
  const { text } = input;
  const signedOn = input.signedOn ?? null;
  const publishedOn = input.publishedOn ?? null;
  const sc = scan(text);
  const phrases = collectPhrases(sc).filter((p) => p.tier > 0);

  // Effective: the last phrase in a sentence about the text itself; weaker sentences only if none.
  const effPhrase =
    last(phrases, (p) => p.effective !== null && p.tier === 1) ?? last(phrases, (p) => p.effective !== null && p.tier === 2);
  const meta = metadataEffective(text);

  let effective: IsoDate | null = null;
  let effSource: EffectiveSource | null = null;
  const basisParts: { index: number; text: string }[] = [];
  if (effPhrase && effPhrase.effective) {
    const r = resolveEffective(effPhrase.effective, signedOn, publishedOn);
    effective = r.date;
    basisParts.push({ index: effPhrase.sentence.bodyStart, text: sentenceText(text, effPhrase.sentence) });
    effSource =
      effPhrase.effective.type === 'date'
        ? { kind: 'date', phrase: effPhrase.raw, index: effPhrase.index }
        : {
            kind: 'relative',
            phrase: effPhrase.raw,
            index: effPhrase.index,
            event: effPhrase.effective.event,
            anchor: r.anchor,
            offset: effPhrase.effective.offset,
          };
  }
  // A header line states the date outright; it beats a date derived from 自公布之日起.
  if (meta && (effSource === null || effSource.kind === 'relative')) {
    effective = meta.date;
    effSource = { kind: 'metadata', phrase: meta.phrase, index: meta.index };
    basisParts.push({ index: meta.index, text: meta.phrase });
  }

  // Expiry: in the effective sentence; else a subjectless 有效期… sentence right after it;
  // else any sentence about the text itself.
  const effSentence = effPhrase?.sentence ?? null;
  const expPhrase =
    (effSentence && phrases.find((p) => p.expiry !== null && p.sentence === effSentence)) ||
    (effSentence &&
      phrases.find(
        (p) => p.expiry !== null && p.sentence.tier === 0 && p.tier === 2 && adjacent(text, effSentence, p.sentence),
      )) ||
    last(phrases, (p) => p.expiry !== null && p.tier === 1) ||
    last(phrases, (p) => p.expiry !== null && p.tier === 2 && p.sentence.tier === 2) ||
    null;

  let expires: IsoDate | null = null;
  let expSource: ExpirySource | null = null;
  if (expPhrase && expPhrase.expiry) {
    const spec = expPhrase.expiry;
    expires = resolveExpiry(spec, effective);
    expSource =
      spec.type === 'term'
        ? { kind: 'term', phrase: expPhrase.raw, index: expPhrase.index, months: spec.months }
        : { kind: spec.type, phrase: expPhrase.raw, index: expPhrase.index };
    if (expPhrase.sentence !== effSentence) {
      basisParts.push({ index: expPhrase.sentence.bodyStart, text: sentenceText(text, expPhrase.sentence) });
    }
  }
  // An end before the start is a misreading, not a fact.
  if (effective !== null && expires !== null && expires < effective) expires = null;

  basisParts.sort((a, b) => a.index - b.index);
  const basis =
    basisParts.length === 0
      ? null
      : basisParts.reduce((acc, p, i) => (i === 0 ? p.text : acc + (acc.endsWith('。') ? '' : '\n') + p.text), '');

  let path: string | null = null;
  if (basis !== null && input.provisions) {
    const first = basisParts[0]!.text;
    path = input.provisions.find((p) => p.text.includes(first))?.path ?? null;
  }

  return {
    validity: { effective, expires, basis, repeals: repealsIn(sc) },
    evidence: { effective: effSource, expires: expSource, path },
  };
}

/**
 * When a document takes effect, when it ends, the sentence that says so, and what it repeals.
 *
 * - effective: `自2026年1月1日起实施/施行/执行`, `本办法自2019年2月1日实施`, `自发布/印发/公布/发文/颁布之日起施行`
 *   (→ `signedOn`, else `publishedOn`, else null), `自公布之日起30日后施行` (date + offset), a header line
 *   `2019年12月30日 施行`.
 * - expires: `有效期至2030年12月31日` (`…至2030年12月` → end of that month), `有效期5年` / `有效期为三年` /
 *   `试行期两年` (effective + N years − 1 day; null when the effective date is unknown),
 *   `…至2027年12月31日止`, `执行至…`, `…2027年12月31日废止/失效`.
 * - Only sentences that speak of the text itself (本办法…, 本通知…) count; validity phrases about
 *   licences, measures' windows and targets (`到2027年底`) are ignored. Unknown is null.
 * - basis: the sentence(s) the dates come from (label such as 第十四条 removed), or null.
 * - repeals: see {@link findRepeals}.
 *
 * @example
 * analyseValidity({ text: '第十四条 本办法自发布之日起正式实施,有效期5年。', signedOn: '2025-12-31' })
 * // → { effective: '2025-12-31', expires: '2030-12-30', basis: '本办法自发布之日起正式实施,有效期5年。', repeals: [] }
 */
export function analyseValidity(input: ValidityInput): Validity {
  return analyseValidityWithEvidence(input).validity;
}

/**
 * Every sentence of `text` that carries a validity or repeal phrase, in order, with how strongly
 * it speaks of the text itself. For the measures stage and for review pages.
 */
export function findValiditySentences(text: string): ValiditySentence[] {
  const sc = scan(text);
  const bySentence = new Map<number, { s: Sentence; tier: 1 | 2 | 3; kinds: Set<'effective' | 'expiry' | 'repeal'> }>();
  const note = (s: Sentence, tier: 1 | 2 | 3, kind: 'effective' | 'expiry' | 'repeal') => {
    const e = bySentence.get(s.start) ?? { s, tier, kinds: new Set() };
    e.kinds.add(kind);
    if (tier < e.tier) e.tier = tier;
    bySentence.set(s.start, e);
  };
  for (const p of collectPhrases(sc)) {
    if (p.tier === 0) continue;
    if (p.effective) note(p.sentence, p.tier, 'effective');
    if (p.expiry) note(p.sentence, p.tier, 'expiry');
  }
  for (const m of text.matchAll(REPEAL_VERB_RE)) {
    const at = m.index ?? 0;
    const start = segmentStart(sc, at);
    if (start < 0 || refsInSegment(text.slice(start, at)).length === 0) continue;
    const s = sentenceAt(sc, at);
    note(s, s.tier === 0 ? 2 : s.tier, 'repeal');
  }
  const meta = metadataEffective(text);
  if (meta) note(sentenceAt(sc, meta.index), 3, 'effective');
  return [...bySentence.values()]
    .sort((a, b) => a.s.start - b.s.start)
    .map((e) => ({ text: sentenceText(text, e.s), index: e.s.bodyStart, tier: e.tier, kinds: [...e.kinds] }));
}
