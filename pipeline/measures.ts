/**
 * Measures: what each numbered provision grants, requires, forbids or aims at, with its amounts
 * and caps, its own window or deadline, and the bodies responsible for it. Pure: the document's
 * dates are arguments, never the clock.
 *
 * The unit is the one compare aligns (so a change and a measure name the same path): the article
 * with its items where the text has articles, otherwise every leaf provision (and a division's own
 * paragraph); preamble and closing are not measures.
 *
 * Each sentence of a unit is given a kind by its cue words (see {@link sentenceKind}); a unit gives
 * one measure per kind it holds, and a sentence that carries its own dated window
 * (`对在2025年5月1日至2027年12月31日发放的…贷款给予财政贴息`) becomes a measure of its own, so that
 * the window is not spread over the unit's other grants. Sentences without a cue belong to the
 * measure before them (a unit's leading title sentence to the first).
 */
import { endOfMonth, endOfTermMonths, endOfYear, findDateLiterals, type DateLiteral } from './dates.ts';
import { parseChineseNumber } from './numerals.ts';
import type { IsoDate, Measure, MeasureKind, Provision } from './types.ts';

/** The document's dates a measure's relative window is counted from. */
export interface MeasureContext {
  /** Effective date of the document (`自本办法施行之日起` counts from it). */
  readonly effective: IsoDate | null;
  /** Last day of the document, for reference; a measure's own end is never taken from it. */
  readonly expires: IsoDate | null;
  /** Signing date (`自印发之日起` counts from it). */
  readonly signedOn: IsoDate | null;
}

/**
 * A measure as extracted: the contract fields of {@link Measure} (with `basis` always set) plus
 * extensions that `segment --json` prints and the record does not store.
 */
export interface ExtractedMeasure extends Measure {
  /**
   * The sentence the end date comes from when there is one (the same sentence {@link measureBasis}
   * finds in `text`), else the sentence of the deadline, term or target year; null when none.
   */
  readonly basis: string | null;
  /** A relative or recurring deadline for those bound: `20个工作日内`, `每年第三季度前`. */
  readonly deadline?: string;
  /** A length whose start the text does not give: `连续三年` (dates stay null). */
  readonly term?: string;
  /** For targets: the horizon year of `到2027年` (never an expiry). */
  readonly targetYear?: number;
}

// ---------------------------------------------------------------------------------------------
// Cue words

/** Prohibitions. */
const PROHIBITION_RE = /不得|禁止|严禁|不准|不允许/u;
/** Grants: money, relief or an explicit 给予/予以…支持. */
const SUPPORT_STRONG_RE = /给予(?![^，,。；;]{0,8}(?:处分|处罚|警告|罚款|批评|问责|通报))|予以(?:支持|奖励|补助|补贴|优待|倾斜|保障|表彰)|补助|补贴|奖励(?!工作|制度|办法|条例|委员会|评审|种类|等级)|奖补|贴息|资助|减免|免征|减征|最高可获|一次性奖励|经费支持|资金支持|财政[^，,。；;]{0,20}增资|免于追究/u;
/**
 * Softer support: a clause that opens with 支持/鼓励/扶持, or …支持力度, 提供…支持. The clause-start
 * test is a lookbehind after the verb, so that the expression starts with a literal and is only
 * tried where a verb is (3× faster than `(?:^|[，,…])\s*…(?:支持|鼓励|扶持)`, same matches).
 */
const SUPPORT_WEAK_RE =
  /(?:支持|鼓励|扶持)(?<=(?:^|[，,；;：:。\n])\s*(?:并|同时|积极|大力|重点|继续)?(?:支持|鼓励|扶持))|支持力度|提供[^，,。；;]{0,12}支持|加大[^，,。；;]{0,20}力度/u;
/** Targets: 到2027年(底)… at a clause start, 力争…, (主要)目标. */
const TARGET_RE = /(?:^|[，,；;：:。\n])\s*(?:力争)?到\s*[12][0-9]{3}\s*年|力争|(?:主要|发展|总体)目标[是为：:]/u;
/**
 * Requirements: 应当/应该/应 (not in 相应, 适应, 供应, 应用…), 须/必须 (not 无须), 要 + verb (not
 * 要素, 要求, 重要, 主要, 需要…).
 */
const REQUIREMENT_RE =
  /必须|(?<![相适供响反对效回顺呼理感照])应(?:当|该)?(?![用对急变收付届])|(?<![无毋])须(?![知])|(?<![重主需只必纪提简首摘概扼纲机政险要])要(?![素求点件害闻务员职领地冲塞闻])/u;
/** Sentences that are not measures: guiding ideology, purpose, definitions, the text's own validity. */
const NOT_A_MEASURE_START_RE =
  /^(?:(?:坚持)?以习近平|为(?:了)?[^。]*?(?:制定本|特制定|现提出|制定如下)|本(?:办法|规定|措施|方案|意见|通知|细则|条例|法|决定|规则)(?:所称|由[^。]*?负责解释|自|有效期))/u;
const OWN_VALIDITY_RE = /有效期(?:至|为|[0-9一二三四五六七八九十两]+年)/u;

/** True for sentences that are never measures (guiding ideology, purpose, definitions, validity). */
function notAMeasure(s: string): boolean {
  return NOT_A_MEASURE_START_RE.test(s) || (s.includes('有效期') && OWN_VALIDITY_RE.test(s));
}

/** One sentence: up to and including its end (。；;！!？? or a line break). */
const SENTENCE_RE = /[^。；;！!？?\n]+[。；;！!？?\n]?/gu;

/** One sentence of a unit, with its cue. @internal */
interface Sentence {
  readonly text: string;
  readonly kind: MeasureKind | null;
  readonly window: Window;
}

/**
 * Kind of one sentence from its cue words, or null. Priority: prohibition, then grants, then a
 * target, then a requirement, then softer support: `各地要对…给予补贴` grants; `到2027年…要`
 * sets a target.
 */
export function sentenceKind(sentence: string): MeasureKind | null {
  if (notAMeasure(sentence)) return null;
  // Titles cited in 《》 (…指导意见, …禁止…条例) are names, not cues.
  const s = sentence.includes('《') ? sentence.replace(/《[^》]*》/gu, '《》') : sentence;
  if (PROHIBITION_RE.test(s)) return 'prohibition';
  if (SUPPORT_STRONG_RE.test(s)) return 'support';
  if ((s.includes('到') || s.includes('力争') || s.includes('目标')) && TARGET_RE.test(s)) return 'target';
  if (REQUIREMENT_RE.test(s)) return 'requirement';
  if ((s.includes('支持') || s.includes('鼓励') || s.includes('扶持') || s.includes('力度')) && SUPPORT_WEAK_RE.test(s)) return 'support';
  return null;
}

/**
 * Every kind whose cue words a sentence holds (not only the strongest): `应当予以保密，不得泄露`
 * → requirement and prohibition. Empty for sentences that are never measures.
 */
export function sentenceKinds(sentence: string): Set<MeasureKind> {
  const out = new Set<MeasureKind>();
  if (notAMeasure(sentence)) return out;
  const s = sentence.includes('《') ? sentence.replace(/《[^》]*》/gu, '《》') : sentence;
  if (PROHIBITION_RE.test(s)) out.add('prohibition');
  if (SUPPORT_STRONG_RE.test(s) || SUPPORT_WEAK_RE.test(s)) out.add('support');
  if (TARGET_RE.test(s)) out.add('target');
  if (REQUIREMENT_RE.test(s)) out.add('requirement');
  return out;
}

// ---------------------------------------------------------------------------------------------
// Amounts

const AMOUNT_NUM = '[0-9０-９]+(?:[.．][0-9０-９]+)?|[一二两三四五六七八九十百千]+(?:点[零一二三四五六七八九]+)?';
const AMOUNT_UNIT = '(?:[万亿千百]*元|[%％]|倍|个百分点)';
/** Words that make a number a cap, a floor or a rate: kept with the amount as written. */
const AMOUNT_QUALIFIER =
  '(?:最高(?:可获|可达|不超过)?|最多|不超过|不高于|不低于|不少于|至少|累计(?:不超过|最高)?|每年(?:最高)?|年均|(?:[一二两三四五六七八九十0-9]+年)?总规模|上限为?)';
/** The number and unit of an amount: `2000万元`, `30%`, `1.5倍`. */
const AMOUNT_CORE_RE = new RegExp(`(?<![0-9０-９.．])(?:${AMOUNT_NUM})\\s*${AMOUNT_UNIT}`, 'gu');
/**
 * The qualifier before an amount, read backwards from it: `最高`, `不超过总投入` (a qualifier may
 * name its base, ≤ 8 characters), `三年总规模`.
 */
const AMOUNT_QUALIFIER_RE = new RegExp(`${AMOUNT_QUALIFIER}[^，,。、；;：:\\s0-9０-９（）()]{0,8}?$`, 'u');
/** How far back a qualifier may start. */
const QUALIFIER_REACH = 16;

/** Characters every amount ends with (元, %, ％, 倍, 百分点): a cheap pre-check. */
function hasAmountHint(s: string): boolean {
  return s.includes('元') || s.includes('%') || s.includes('％') || s.includes('倍') || s.includes('百分点');
}

/** Amounts and caps as written, in order, without duplicates. */
export function findAmounts(text: string): string[] {
  const out: string[] = [];
  if (!hasAmountHint(text)) return out;
  for (const m of text.matchAll(AMOUNT_CORE_RE)) {
    const at = m.index ?? 0;
    const q = AMOUNT_QUALIFIER_RE.exec(text.slice(Math.max(0, at - QUALIFIER_REACH), at));
    const a = ((q?.[0] ?? '') + m[0]).replace(/\s+/gu, '');
    // A bare Chinese numeral before 倍/% is rarely an amount (十倍 in prose); keep digits only then.
    if (!/[0-9０-９]/u.test(a) && !/元$/u.test(a)) continue;
    if (!out.includes(a)) out.push(a);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Responsible bodies

/** The bracket that closes a policy-family item: `（省科技厅、省财政厅…按职责分工负责）`. */
const RESPONSIBLE_RE = /[（(]([^（）()]{2,400})[)）][。.]?\s*$/u;
/** Words after the names: 按职责分工负责, 牵头, 配合… */
const RESPONSIBLE_TAIL_RE = /(?:按职责分工|按照职责分工|分工|分别|共同)?(?:负责|牵头|配合|参与|落实)$/u;
/** What a body's name ends with. */
const BODY_END_RE = /(?:部|厅|局|委|办|会|院|署|行|所|室|中心|政府|部门|单位|集团|公司|分局|分行|银行|交易所|联合会|委员会)$/u;

/** The bodies named in a unit's closing bracket, in order; [] when there is none. */
export function findResponsible(text: string): string[] {
  const t = text.trimEnd();
  const last = t.charCodeAt(t.length - 1) === 0x3002 ? t.charCodeAt(t.length - 2) : t.charCodeAt(t.length - 1);
  if (last !== 0xff09 && last !== 0x29) return []; // ）or )
  const m = RESPONSIBLE_RE.exec(t.slice(Math.max(0, Math.max(t.lastIndexOf('（'), t.lastIndexOf('(')))));
  if (m === null) return [];
  const inner = m[1]!.trim();
  const hasTail = /负责|牵头|配合/u.test(inner);
  const out: string[] = [];
  for (const raw of inner.split(/[、，,；;]/u)) {
    let name = raw.trim().replace(RESPONSIBLE_TAIL_RE, '').replace(/等$/u, '').trim();
    name = name.replace(RESPONSIBLE_TAIL_RE, '').trim();
    if (name === '') continue;
    if (!BODY_END_RE.test(name) || name.length > 30) {
      // Not a list of bodies (an explanation in brackets), unless the tail said so.
      if (!hasTail) return [];
      continue;
    }
    if (!out.includes(name)) out.push(name);
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Windows and deadlines

interface Window {
  readonly startsOn: IsoDate | null;
  readonly endsOn: IsoDate | null;
  readonly deadline: string | null;
  readonly term: string | null;
  readonly targetYear: number | null;
}

const NO_WINDOW: Window = { startsOn: null, endsOn: null, deadline: null, term: null, targetYear: null };

const CN_COUNT = '[0-9０-９]+|[一二两三四五六七八九十]+';
/** `20个工作日内`, `每个会计年度结束后6个月内`, `30日内`. */
const DEADLINE_RE = new RegExp(
  `(?<![0-9０-９])(?:[0-9０-９]{1,3}|[一二两三四五六七八九十]+)\\s*(?:个)?\\s*(?:工作日|自然日|日|天|月|周|年)以?内`,
  'u',
);
/** What a deadline counts from when it recurs: `每个会计年度结束后`. */
const DEADLINE_ANCHOR_RE = /每(?:个)?(?:会计)?年度?(?:结束|届满)?后\s*$/u;
/** `每年第三季度前`, `每年3月底前`, `每季度末前`. */
const RECURRING_RE = /每(?:年|季度|半年|月)(?:[^，,。；;]{0,8}?)(?:前|之前)(?=完成|报送|提交|[，,。；;]|$)/u;
/** `连续三年`, `连续3年`. */
const TERM_RE = new RegExp(`连续\\s*(${CN_COUNT})\\s*(?:个)?\\s*(年|月)`, 'u');
/** `自本办法施行之日起3年内` / `自印发之日起两年内`. */
const RELATIVE_TERM_RE = new RegExp(
  `自[^，,。；;]{0,12}?(施行|实施|印发|发布|公布)之日起\\s*(${CN_COUNT})\\s*(?:个)?\\s*(年|月)(?:内|以内)?`,
  'u',
);
/** Target horizon: `到2027年`, `到2027年底`, `力争到2030年`. */
const TARGET_YEAR_RE = /到\s*([12][0-9]{3})\s*年/u;
/** A range joiner between two dates. */
const RANGE_JOIN_RE = /^\s*(?:至|到|—|－|-|～|~)\s*$/u;

/** Last day a literal covers when it ends a window: `2027年` → 12-31, `2027年6月` → 06-30. */
function endOfLiteral(lit: DateLiteral): IsoDate {
  if (lit.precision === 'year') return endOfYear(lit.date);
  if (lit.precision === 'month') return endOfMonth(lit.date);
  return lit.date;
}

function countValue(s: string): number | null {
  return parseChineseNumber(s);
}

/**
 * The window, deadline or target horizon one sentence gives itself. Dates that are not part of
 * a window phrase (a law's date, a cited document) are ignored.
 */
function sentenceWindow(s: string, kind: MeasureKind | null, ctx: MeasureContext): Window {
  if (kind === 'target') {
    const t = TARGET_YEAR_RE.exec(s);
    return t ? { ...NO_WINDOW, targetYear: Number(t[1]) } : NO_WINDOW;
  }
  let startsOn: IsoDate | null = null;
  let endsOn: IsoDate | null = null;
  let term: string | null = null;
  const hasYear = s.includes('年');
  if (hasYear && /[0-9０-９〇零○一二三四五六七八九]/u.test(s)) {
    const lits = findDateLiterals(s);
    for (let i = 0; i < lits.length; i++) {
      const a = lits[i]!;
      const b = lits[i + 1];
      const between = b ? s.slice(a.index + a.length, b.index) : '';
      if (b && RANGE_JOIN_RE.test(between)) {
        startsOn = a.date;
        endsOn = endOfLiteral(b);
        break;
      }
      const before = s.slice(Math.max(0, a.index - 6), a.index);
      const after = s.slice(a.index + a.length, a.index + a.length + 6);
      if (/(?:截至|截止(?:到|至)?|执行至|延续至|延长至|实施至|有效期至)\s*$/u.test(before) || /^\s*(?:底)?(?:前|之前|以前)/u.test(after)) {
        endsOn = endOfLiteral(a);
        continue;
      }
      if (/自\s*$/u.test(before) && /^\s*(?:起|开始)/u.test(after)) startsOn = a.date;
    }
  }
  const rel = s.includes('之日起') ? RELATIVE_TERM_RE.exec(s) : null;
  if (rel) {
    const n = countValue(rel[2]!);
    const anchor = rel[1] === '印发' || rel[1] === '发布' || rel[1] === '公布' ? (ctx.signedOn ?? ctx.effective) : (ctx.effective ?? ctx.signedOn);
    if (n !== null && anchor !== null) {
      startsOn = anchor;
      endsOn = endOfTermMonths(anchor, rel[3] === '年' ? n * 12 : n);
    } else term = rel[0];
  }
  const t = s.includes('连续') ? TERM_RE.exec(s) : null;
  if (t && endsOn === null) {
    const n = countValue(t[1]!);
    if (startsOn !== null && n !== null) endsOn = endOfTermMonths(startsOn, t[2] === '年' ? n * 12 : n);
    else term = t[0].replace(/\s+/gu, '');
  }
  let deadline: string | null = null;
  const d = s.includes('内') ? DEADLINE_RE.exec(s) : null;
  if (d) {
    const anchor = DEADLINE_ANCHOR_RE.exec(s.slice(Math.max(0, d.index - 12), d.index));
    deadline = ((anchor?.[0] ?? '') + d[0]).replace(/\s+/gu, '');
  }
  else {
    const r = s.includes('每') ? RECURRING_RE.exec(s) : null;
    if (r) deadline = r[0];
  }
  if (startsOn !== null && endsOn !== null && endsOn < startsOn) endsOn = null;
  return { startsOn, endsOn, deadline, term, targetYear: null };
}

/** A sentence without a cue matters only when it may hold a deadline (…内, …前). */
function hasWindowHint(s: string): boolean {
  return s.includes('内') || s.includes('前');
}

function hasDates(w: Window): boolean {
  return w.startsOn !== null || w.endsOn !== null;
}

// ---------------------------------------------------------------------------------------------
// Units

interface Unit {
  readonly path: string;
  readonly text: string;
}

/** Levels that only divide a text. */
const CONTAINERS = new Set(['part', 'chapter', 'section']);

/**
 * The units measures are read from, in order: as compare builds them (compare-units.ts), without
 * the preamble and closing and without the comparison keys.
 */
function measureUnits(provisions: readonly Provision[]): Unit[] {
  const hasArticles = provisions.some((p) => p.level === 'article');
  const units: Unit[] = [];
  for (let i = 0; i < provisions.length; i++) {
    const p = provisions[i]!;
    if (p.level === 'preamble' || p.level === 'closing') continue;
    if (hasArticles) {
      if (p.level === 'article') {
        let text = p.text;
        const prefix = `${p.path}/`;
        let j = i + 1;
        for (; j < provisions.length && provisions[j]!.path.startsWith(prefix); j++) {
          const c = provisions[j]!;
          text += `\n${c.label}${c.heading ?? ''}${c.heading && c.text ? '\n' : ''}${c.text}`;
        }
        units.push({ path: p.path, text });
        i = j - 1;
        continue;
      }
      if (!CONTAINERS.has(p.level) && p.text.trim() !== '') units.push({ path: p.path, text: p.text });
      continue;
    }
    const next = provisions[i + 1];
    const isLeaf = next === undefined || !next.path.startsWith(`${p.path}/`);
    if (p.text.trim() !== '' || (isLeaf && p.heading)) {
      const head = isLeaf && p.heading ? `${p.heading}${p.text ? '\n' : ''}` : '';
      units.push({ path: p.path, text: head + p.text });
    }
  }
  return units;
}

/** Code units that end a sentence (the characters of {@link SENTENCE_RE}'s class). */
const SENTENCE_END = new Uint8Array(0x10000);
for (const c of '。；;！!？?\n') SENTENCE_END[c.charCodeAt(0)] = 1;

/**
 * Sentences of a unit's text, original characters kept (the closing bracket is left out): the
 * matches of {@link SENTENCE_RE}, trimmed, without empty ones and a lone `。`. A hand-written scan
 * because the regular expression was a fifth of the cost of extracting measures (profiled).
 */
function splitSentences(text: string): string[] {
  const out: string[] = [];
  const n = text.length;
  let i = 0;
  while (i < n) {
    const start = i;
    while (i < n && SENTENCE_END[text.charCodeAt(i)] === 0) i++;
    if (i === start) {
      i++; // a terminator with no sentence before it (`。。`) is skipped, as by the expression
      continue;
    }
    if (i < n) i++; // the terminator belongs to its sentence
    const s = text.slice(start, i).trim();
    if (s !== '' && s !== '。') out.push(s);
  }
  return out;
}

interface Group {
  kind: MeasureKind;
  sentences: string[];
  window: Window;
  /** The first sentence with a window, deadline, term or target year. */
  basis: string | null;
  /** The sentence the group's end date was read from. */
  endBasis: string | null;
  /** Set when the group was opened by a sentence with its own dated window. */
  readonly dated: boolean;
}

function windowKey(w: Window): string {
  return `${w.startsOn ?? ''}..${w.endsOn ?? ''}`;
}

/** Whether a window phrase or deadline in the sentence is worth naming as the basis. */
function hasWindowFacts(w: Window): boolean {
  return hasDates(w) || w.deadline !== null || w.term !== null || w.targetYear !== null;
}

function measuresOfUnit(unit: Unit, ctx: MeasureContext): ExtractedMeasure[] {
  const responsible = findResponsible(unit.text);
  const body = responsible.length > 0 ? unit.text.replace(RESPONSIBLE_RE, '').trimEnd() : unit.text;
  const sentences: Sentence[] = splitSentences(body).map((text) => {
    let kind = sentenceKind(text);
    const window =
      kind === null && (!hasWindowHint(text) || notAMeasure(text)) ? NO_WINDOW : sentenceWindow(text, kind, ctx);
    // A deadline binds someone even without 应/要: `每年第三季度前完成…`.
    if (kind === null && window.deadline !== null) kind = 'requirement';
    return { text, kind, window: kind === null ? NO_WINDOW : window };
  });
  const groups: Group[] = [];
  const leading: string[] = [];
  let current: Group | null = null;
  for (const s of sentences) {
    if (s.kind === null) {
      if (current) current.sentences.push(s.text);
      else leading.push(s.text);
      continue;
    }
    const dated = hasDates(s.window);
    let g: Group | undefined = dated
      ? groups.find((x) => x.kind === s.kind && x.dated && windowKey(x.window) === windowKey(s.window))
      : groups.find((x) => x.kind === s.kind && !x.dated);
    if (g === undefined) {
      g = { kind: s.kind, sentences: [], window: NO_WINDOW, basis: null, endBasis: null, dated };
      groups.push(g);
    }
    g.sentences.push(s.text);
    if (hasWindowFacts(s.window)) {
      const w = g.window;
      if (w.endsOn === null && s.window.endsOn !== null) g.endBasis = s.text;
      g.window = {
        startsOn: w.startsOn ?? s.window.startsOn,
        endsOn: w.endsOn ?? s.window.endsOn,
        deadline: w.deadline ?? s.window.deadline,
        term: w.term ?? s.window.term,
        targetYear: w.targetYear ?? s.window.targetYear,
      };
      g.basis ??= s.text;
    }
    current = g;
  }
  if (groups.length === 0) {
    // A task with its responsible bodies in brackets is a requirement on them, cue or not.
    if (responsible.length === 0) return [];
    groups.push({ kind: 'requirement', sentences: [], window: NO_WINDOW, basis: null, endBasis: null, dated: false });
  }
  if (leading.length > 0) groups[0]!.sentences.unshift(...leading);
  const single = groups.length === 1;
  return groups.map((g) => {
    const text = single ? unit.text.trim() : g.sentences.join('');
    const m: ExtractedMeasure = {
      path: unit.path,
      kind: g.kind,
      startsOn: g.window.startsOn,
      endsOn: g.window.endsOn,
      amounts: findAmounts(g.sentences.join('')),
      responsible,
      text,
      basis: g.endBasis ?? g.basis,
      ...(g.window.deadline !== null ? { deadline: g.window.deadline } : {}),
      ...(g.window.term !== null ? { term: g.window.term } : {}),
      ...(g.window.targetYear !== null ? { targetYear: g.window.targetYear } : {}),
    };
    return m;
  });
}

/** Cheap pre-check: a unit with none of these characters holds no cue. */
const ANY_CUE_RE = /[得止禁准许给予补奖贴资减免获支鼓扶到争目应须要内前负]/u;
/** {@link ANY_CUE_RE}'s characters as a lookup table: a plain scan is several times faster than the expression. */
const CUE_CHAR = new Uint8Array(0x10000);
for (const c of ANY_CUE_RE.source.slice(1, -1)) CUE_CHAR[c.charCodeAt(0)] = 1;

/** Same as `ANY_CUE_RE.test(text)`. */
function hasAnyCue(text: string): boolean {
  for (let i = 0; i < text.length; i++) if (CUE_CHAR[text.charCodeAt(i)] === 1) return true;
  return false;
}

/**
 * The measures of one document, in document order.
 *
 * @example
 * extractMeasures(doc.provisions, { effective: '2026-01-01', expires: '2030-12-31', signedOn: '2025-12-20' })
 * // → [{ path: '二/(八)', kind: 'support', amounts: ['不超过总投入15%', '最高5000万元', …], startsOn: null, … }, …]
 */
export function extractMeasures(provisions: readonly Provision[], context: MeasureContext): ExtractedMeasure[] {
  const out: ExtractedMeasure[] = [];
  for (const unit of measureUnits(provisions)) {
    if (!hasAnyCue(unit.text)) continue;
    for (const m of measuresOfUnit(unit, context)) out.push(m);
  }
  return out;
}

/**
 * The sentence of a measure's text that its end date comes from, for stored measures recorded
 * before `measures.basis` was (extraction sets {@link ExtractedMeasure.basis} to the same
 * sentence): the first sentence whose window ends on `endsOn`, else the first sentence that names
 * a date or deadline, else null.
 */
export function measureBasis(text: string, endsOn: IsoDate | null, context: MeasureContext = { effective: null, expires: null, signedOn: null }): string | null {
  let fallback: string | null = null;
  for (const s of splitSentences(text.replace(RESPONSIBLE_RE, '').trimEnd())) {
    // Any kind but 'target' reads the sentence's dates the same way (targets are read as grants
    // here), so the sentence's own kind is not needed.
    const w = sentenceWindow(s, 'support', context);
    if (endsOn !== null && w.endsOn === endsOn) return s;
    if (fallback === null && hasWindowFacts(w)) fallback = s;
  }
  return fallback;
}

/** @internal exported for tests */
export const __test = { sentenceWindow, measureUnits };

export { splitSentences };
