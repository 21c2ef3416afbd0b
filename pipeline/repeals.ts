/**
 * Repeals: the documents a text repeals (《…》（文号）同时废止, 同步废止, 不再执行, 停止执行, 同时失效).
 * A title that is only cited (根据《…》) is not repealed. Pure.
 */
import { findDocNumbers } from './docnumber.ts';
import { CLAUSE_SEP, type Scan, SEGMENT_END, scan, segmentStart } from './sentences.ts';
import type { RepealedRef } from './types.ts';

/** Repeal verbs; must end their clause. */
export const REPEAL_VERB_RE = /(?:同时|同步|一并|予以|即行|自行|自动)?(?:废止|失效|停止执行)|不再执行/gu;

/** Words that make a title a citation, not something repealed. */
const CITE_RE = /根据|依据|按照|依照|参照|遵照|贯彻|落实|对照|参考/u;


export interface Span {
  readonly start: number;
  readonly end: number;
}

/**
 * A title as written, with each run of spaces (NBSP and U+3000 included, as copied from web pages)
 * made one ASCII space, so that the same title matches wherever it is cited.
 */
function cleanTitle(s: string): string {
  return s.replace(/[\s\u00a0\u3000]+/gu, ' ').trim();
}

/** Top-level 《…》 titles and （…） groups of a segment. @internal */
export function scanBrackets(seg: string): { titles: (Span & { title: string })[]; parens: Span[] } {
  const titles: (Span & { title: string })[] = [];
  const parens: Span[] = [];
  let i = 0;
  while (i < seg.length) {
    const c = seg[i]!;
    if (c === '《') {
      let depth = 1;
      let j = i + 1;
      while (j < seg.length && depth > 0) {
        if (seg[j] === '《') depth++;
        else if (seg[j] === '》') depth--;
        j++;
      }
      if (depth !== 0) break;
      titles.push({ start: i, end: j, title: cleanTitle(seg.slice(i + 1, j - 1)) });
      i = j;
    } else if (c === '（' || c === '(') {
      let depth = 1;
      let j = i + 1;
      while (j < seg.length && depth > 0) {
        const d = seg[j];
        if (d === '（' || d === '(') depth++;
        else if (d === '）' || d === ')') depth--;
        j++;
      }
      if (depth !== 0) break;
      parens.push({ start: i, end: j });
      i = j;
    } else i++;
  }
  return { titles, parens };
}

/** `…日原国家质量技术监督局令第51号` → `国家质量技术监督局令第51号` (date residue and 原 dropped). */
function cleanNumber(seg: string, index: number, normalized: string): string {
  let n = normalized;
  if (index > 0 && /[0-9０-９]/u.test(seg[index - 1]!) && /^[年月日]/u.test(n)) n = n.slice(1);
  return n.replace(/^原(?=.{3})/u, '');
}

/** Repealed references in the segment `seg` that ends right before a repeal verb. */
export function refsInSegment(seg: string): RepealedRef[] {
  const { titles, parens } = scanBrackets(seg);
  const numbers = findDocNumbers(seg);
  const used = new Set<number>();
  const out: RepealedRef[] = [];
  const inside = (pos: number, spans: readonly Span[]) => spans.some((s) => pos >= s.start && pos < s.end);
  const isCited = (pos: number) => {
    let i = pos;
    while (i > 0 && !CLAUSE_SEP.has(seg[i - 1]!)) i--;
    return CITE_RE.test(seg.slice(i, pos).replace(/《[^》]*》/gu, ''));
  };
  for (const [k, t] of titles.entries()) {
    // Numbers inside the title belong to it.
    numbers.forEach((n, idx) => n.index >= t.start && n.index < t.end && used.add(idx));
    if (isCited(t.start) || t.title === '') continue;
    let docNumber: string | null = null;
    // (发改财金规〔2016〕2800 号) right after the title.
    const after = seg.slice(t.end).match(/^[\s\u3000]*/u)![0].length + t.end;
    const paren = parens.find((p) => p.start === after);
    if (paren) {
      numbers.forEach((n, idx) => {
        if (n.index >= paren.start && n.index < paren.end && !used.has(idx)) {
          if (docNumber === null) docNumber = n.normalized;
          used.add(idx);
        }
      });
    }
    // 2014年2月14日原国家工商行政管理总局令第62号公布的《…》
    if (docNumber === null) {
      const prevEnd = k > 0 ? titles[k - 1]!.end : 0;
      numbers.forEach((n, idx) => {
        if (used.has(idx) || n.index < prevEnd || n.index >= t.start) return;
        const between = seg.slice(n.index + n.raw.length, t.start);
        if (/^[\s\u3000]*(?:公布|发布|印发|颁布|发)的[\s\u3000]*$/u.test(between)) {
          docNumber = cleanNumber(seg, n.index, n.normalized);
          used.add(idx);
        }
      });
    }
    out.push({ title: t.title, docNumber });
  }
  // Texts named only by number (穗府办〔2019〕13号文同时废止).
  numbers.forEach((n, idx) => {
    if (used.has(idx) || inside(n.index, titles) || isCited(n.index)) return;
    out.push({ title: null, docNumber: cleanNumber(seg, n.index, n.normalized) });
  });
  return out;
}

/** Titles listed on the lines after `…同时废止：`. */
function refsInList(text: string, from: number): RepealedRef[] {
  const out: RepealedRef[] = [];
  let pos = text.indexOf('\n', from);
  while (pos !== -1 && out.length < 500) {
    const next = text.indexOf('\n', pos + 1);
    const line = text.slice(pos + 1, next === -1 ? text.length : next);
    if (line.trim() === '') {
      if (next === -1) break;
      pos = next;
      continue;
    }
    const refs = line.includes('《') ? refsInSegment(line) : [];
    if (refs.length === 0) break;
    out.push(...refs);
    pos = next;
  }
  return out;
}

/**
 * Documents repealed by `text`: each `…同时废止` / `同步废止` / `不再执行` / `停止执行` / `同时失效`
 * clause that names other texts by title (《…》, inner 〈〉 kept) and/or document number.
 * A title only cited (`根据《…》`) is not repealed.
 */
export function findRepeals(text: string): RepealedRef[] {
  return repealsIn(scan(text));
}

export function repealsIn(sc: Scan): RepealedRef[] {
  const { text } = sc;
  const out: RepealedRef[] = [];
  const seen = new Set<string>();
  for (const m of text.matchAll(REPEAL_VERB_RE)) {
    const at = m.index ?? 0;
    const endAt = at + m[0].length;
    const next = text[endAt];
    if (next !== undefined && !SEGMENT_END.has(next) && !CLAUSE_SEP.has(next) && !/[\s。]/u.test(next)) continue;
    const start = segmentStart(sc, at);
    if (start < 0) continue;
    const seg = text.slice(start, at);
    let refs = seg.includes('《') || /[〔［[（(【]/u.test(seg) ? refsInSegment(seg) : [];
    if (refs.length === 0 && (next === '：' || next === ':')) refs = refsInList(text, endAt);
    for (const r of refs) {
      const key = `${r.title ?? ''}\u0000${r.docNumber ?? ''}`;
      if (seen.has(key)) continue;
      seen.add(key);
      out.push(r);
    }
  }
  return out;
}
