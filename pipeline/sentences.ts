/**
 * Sentences and clauses of a policy text, for the validity and repeal readers: one pass records
 * where sentences end, so each phrase finds its sentence by binary search; each sentence knows
 * whether its subject is the text itself (本办法…). Pure. @internal
 */

/** Names a text gives itself: 本办法, 本通知, 本实施细则, 本法 … */
export const SELF_TOKEN =
  '本(?:实施|暂行|试行|工作|行动|若干|管理|补充|专项|配套)?' +
  '(?:办法|规定|通知|措施|方案|意见|细则|条例|法|决定|规则|解释|修正案|计划|指引|标准|制度|公告|政策|规范|目录|清单|指南|纲要|通告|批复|决议|章程|准则|要点|导则|须知|文件)';
/** A sentence whose subject is the text itself. */
export const SELF_SUBJECT_RE = new RegExp(`(?:(?:此外|另外|同时)[，,、]?)?${SELF_TOKEN}`, 'uy');
/** A weaker subject that usually means the whole text: 上述措施, 以上政策. */
export const WEAK_TOKEN = '(?:以上|上述|前述|此次|本次)[\\u4e00-\\u9fff]{0,6}?(?:政策|措施|规定|标准|办法|意见|方案|条款|调整)';
export const WEAK_SUBJECT_RE = new RegExp(WEAK_TOKEN, 'uy');
/** What may stand between a clause start and its validity phrase: nothing, or the text's own name. */
export const CLAUSE_PREFIX_OK_RE = new RegExp(`^(?:(?:${SELF_TOKEN}|${WEAK_TOKEN})(?:的|之)?(?:正式)?)?(?:并|且|其)?$`, 'u');
/** The promulgation formula of an order: `现予公布，自2021年5月1日起施行`. */
export const PROMULGATION_RE = /现予(?:公布|发布|印发)|予以公布/u;
/** A label at the start of a sentence: 第十四条, 七、, （一）, 1. */
export const LABEL_RE =
  /[\s\u00a0\u3000]*(?:#+[ \t]*)?(?:第[一二三四五六七八九十百千零〇两0-9０-９]+条(?:之[一二三四五六七八九十]+)?|[一二三四五六七八九十百]+[、.．]|[（(][一二三四五六七八九十百]+[）)]|[0-9０-９]+[、.．](?![0-9０-９])|[（(][0-9０-９]+[）)])[\s\u00a0\u3000]*/uy;
/** Indentation before a sentence without a label. */
export const INDENT_RE = /[\s\u00a0\u3000]*/uy;

/** Sentence ends for validity sentences; repeal segments also end at ；. */
export const BOUNDARY_RE = /[。！？\n；;]/gu;
export const SEGMENT_END = new Set(['。', '！', '？', '\n', '；', ';']);
/** Clause separators inside a sentence. */
export const CLAUSE_SEP = new Set(['，', ',', '；', ';', '：', ':']);
/** The longest stretch read backwards from a phrase to find its sentence start. */
export const MAX_SENTENCE = 1500;
/** The longest clause prefix worth reading: the accepted ones are a few characters (本实施办法). */
export const MAX_PREFIX = 40;


export interface Sentence {
  readonly start: number;
  /** Exclusive; includes the closing 。 when there is one. */
  readonly end: number;
  /** Offset of the text after the label. */
  readonly bodyStart: number;
  readonly tier: 1 | 2 | 0;
}

/**
 * One pass over the text: where sentences and segments end, so that each phrase finds its
 * sentence by binary search instead of walking the text (no quadratic work on text without 。).
 */
export interface Scan {
  readonly text: string;
  /** Offsets of 。！？ and line breaks. */
  readonly sentenceEnds: readonly number[];
  /** The same plus ；/; (repeal segments). */
  readonly segmentEnds: readonly number[];
  readonly cache: Map<number, Sentence>;
}

export function scan(text: string): Scan {
  const sentenceEnds: number[] = [];
  const segmentEnds: number[] = [];
  for (const m of text.matchAll(BOUNDARY_RE)) {
    const i = m.index ?? 0;
    segmentEnds.push(i);
    if (m[0] !== '；' && m[0] !== ';') sentenceEnds.push(i);
  }
  return { text, sentenceEnds, segmentEnds, cache: new Map() };
}

/** Index of the first element of sorted `xs` that is >= `pos`. */
export function lowerBound(xs: readonly number[], pos: number): number {
  let lo = 0;
  let hi = xs.length;
  while (lo < hi) {
    const mid = (lo + hi) >>> 1;
    if (xs[mid]! < pos) lo = mid + 1;
    else hi = mid;
  }
  return lo;
}

/** Start of the segment (sentence or ；-clause) holding `pos`, or -1 when it is too long to be one. */
export function segmentStart(sc: Scan, pos: number): number {
  const k = lowerBound(sc.segmentEnds, pos);
  const start = k > 0 ? sc.segmentEnds[k - 1]! + 1 : 0;
  return pos - start > MAX_SENTENCE ? -1 : start;
}

export function stickyLength(re: RegExp, text: string, at: number): number {
  re.lastIndex = at;
  const m = re.exec(text);
  return m ? m[0].length : 0;
}

export function sentenceAt(sc: Scan, pos: number): Sentence {
  const { text } = sc;
  const k = lowerBound(sc.sentenceEnds, pos);
  const natural = k > 0 ? sc.sentenceEnds[k - 1]! + 1 : 0;
  const next = k < sc.sentenceEnds.length ? sc.sentenceEnds[k]! : text.length;
  // A "sentence" longer than any real one (text without punctuation) is a window, never a clause.
  const windowed = pos - natural > MAX_SENTENCE || next - pos > MAX_SENTENCE;
  if (windowed) {
    const start = Math.max(natural, pos - MAX_SENTENCE);
    return { start, end: Math.min(next, pos + MAX_SENTENCE), bodyStart: start, tier: 0 };
  }
  const cached = sc.cache.get(natural);
  if (cached) return cached;
  const end = next < text.length && text[next] !== '\n' ? next + 1 : next;
  const skip = stickyLength(LABEL_RE, text, natural) || stickyLength(INDENT_RE, text, natural);
  const bodyStart = natural + skip;
  SELF_SUBJECT_RE.lastIndex = bodyStart;
  WEAK_SUBJECT_RE.lastIndex = bodyStart;
  const tier = SELF_SUBJECT_RE.test(text)
    ? 1
    : WEAK_SUBJECT_RE.test(text) || PROMULGATION_RE.test(text.slice(bodyStart, end))
      ? 2
      : 0;
  const s: Sentence = { start: natural, end, bodyStart, tier };
  sc.cache.set(natural, s);
  return s;
}

/** Text between the start of the clause holding `pos` and `pos`, label removed. */
export function clausePrefix(text: string, s: Sentence, pos: number): string {
  let i = pos;
  const floor = Math.max(s.bodyStart, pos - MAX_PREFIX);
  while (i > floor && !CLAUSE_SEP.has(text[i - 1]!)) i--;
  return text.slice(i, pos).trim();
}

/** The whole clause holding `pos` (for checks such as "no title in this clause"). */
export function clauseAround(text: string, s: Sentence, pos: number): string {
  let i = pos;
  while (i > s.bodyStart && !CLAUSE_SEP.has(text[i - 1]!)) i--;
  let j = pos;
  while (j < s.end && !CLAUSE_SEP.has(text[j]!)) j++;
  return text.slice(i, j);
}
