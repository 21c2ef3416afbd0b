/**
 * Word-level diff of two versions of one provision, computed on the comparison form (so that
 * punctuation width and spacing never show as changes) and mapped back to the original
 * characters for display.
 */
import { diffArrays } from 'diff';
import { normalizeForCompare, type Normalized } from './normalize.ts';
import { tokenize } from './tokenize.ts';

/** One run of a diff: `equal` and `insert` text come from the new version, `delete` text from the old. */
export interface DiffSpan {
  readonly op: 'equal' | 'delete' | 'insert';
  readonly text: string;
}

export interface WordDiff {
  readonly diff: DiffSpan[];
  /** 2 × unchanged characters / (old + new characters), on the comparison form; 1 when identical. */
  readonly similarity: number;
}

/**
 * Largest edit distance (in tokens) the word diff explores; beyond it the two texts are shown as
 * one deletion and one insertion. Keeps two unrelated long texts from taking seconds.
 */
const MAX_EDIT_TOKENS = 600;
/** Wall-clock bound of one token diff, in milliseconds (a second safety net). */
const DIFF_TIMEOUT_MS = 50;
/** How far back (characters) the common prefix/suffix cut looks for a punctuation boundary. */
const BOUNDARY_LOOKBACK = 16;
/** Characters a token never spans: the common prefix/suffix is cut just after/before one of them. */
const BOUNDARY = new Set([...'，。；：、,.;:!?()《》"\'\n〔〕…-']);

/** Internal span on the comparison forms: [a0, a1) of old, [b0, b1) of new. */
interface RawSpan {
  op: 'equal' | 'delete' | 'insert';
  a0: number;
  a1: number;
  b0: number;
  b1: number;
}

/**
 * Word diff of `oldText` → `newText`. Both are compared in their comparison form; spans are
 * returned in original characters (spaces and punctuation as each version wrote them).
 * Never throws; bounded in time (see {@link MAX_EDIT_TOKENS}).
 */
export function wordDiff(oldText: string, newText: string): WordDiff {
  const no = normalizeForCompare(oldText);
  const nn = normalizeForCompare(newText);
  const a = no.text;
  const b = nn.text;
  if (a === b) return { diff: newText === '' ? [] : [{ op: 'equal', text: newText }], similarity: 1 };

  // Common prefix and suffix need no tokens: the segmenter only sees the changed middle,
  // widened to a punctuation boundary so that words around the edit are whole on both sides.
  let p = 0;
  const maxP = Math.min(a.length, b.length);
  while (p < maxP && a.charCodeAt(p) === b.charCodeAt(p)) p++;
  let s = 0;
  const maxS = maxP - p;
  while (s < maxS && a.charCodeAt(a.length - 1 - s) === b.charCodeAt(b.length - 1 - s)) s++;
  p = backToBoundary(a, p, -1);
  s = a.length - backToBoundary(a, a.length - s, +1);

  const spans: RawSpan[] = [];
  if (p > 0) spans.push({ op: 'equal', a0: 0, a1: p, b0: 0, b1: p });
  // Two levels, like a line diff then a word diff: clauses first (cheap, few tokens), then
  // words only inside runs of changed clauses, so the segmenter sees only what changed.
  const clausesA = clauses(a.slice(p, a.length - s));
  const clausesB = clauses(b.slice(p, b.length - s));
  const parts = diffArrays(clausesA, clausesB, { maxEditLength: MAX_EDIT_TOKENS, timeout: DIFF_TIMEOUT_MS });
  let ai = p;
  let bi = p;
  let pendA = '';
  let pendB = '';
  const flush = () => {
    if (pendA !== '' || pendB !== '') wordLevel(pendA, pendB, ai, bi, spans);
    ai += pendA.length;
    bi += pendB.length;
    pendA = '';
    pendB = '';
  };
  for (const part of parts ?? [{ value: clausesA, removed: true, added: false }, { value: clausesB, removed: false, added: true }]) {
    const text = part.value.join('');
    if (part.removed) pendA += text;
    else if (part.added) pendB += text;
    else {
      flush();
      spans.push({ op: 'equal', a0: ai, a1: ai + text.length, b0: bi, b1: bi + text.length });
      ai += text.length;
      bi += text.length;
    }
  }
  flush();
  if (s > 0) spans.push({ op: 'equal', a0: ai, a1: ai + s, b0: bi, b1: bi + s });

  const merged = absorbTinyEquals(spans);
  let equal = 0;
  for (const sp of merged) if (sp.op === 'equal') equal += sp.a1 - sp.a0;
  const similarity = round2((2 * equal) / (a.length + b.length));
  return { diff: toOriginal(merged, no, oldText, nn, newText), similarity };
}

/** Clause ends: a clause runs up to and including one of these. */
const CLAUSE_END = /(?<=[，。；：,;:!?\n])/u;

/** The text cut after each clause-ending punctuation mark; the pieces join back to `t`. */
function clauses(t: string): string[] {
  return t === '' ? [] : t.split(CLAUSE_END);
}

/** Word diff of one changed stretch (old `x` at `ai`, new `y` at `bi`), appended to `spans`. */
function wordLevel(x: string, y: string, ai: number, bi: number, spans: RawSpan[]): void {
  let p = 0;
  const maxP = Math.min(x.length, y.length);
  while (p < maxP && x.charCodeAt(p) === y.charCodeAt(p)) p++;
  let s = 0;
  while (s < maxP - p && x.charCodeAt(x.length - 1 - s) === y.charCodeAt(y.length - 1 - s)) s++;
  p = backToBoundary(x, p, -1);
  s = x.length - backToBoundary(x, x.length - s, +1);
  if (p > 0) spans.push({ op: 'equal', a0: ai, a1: ai + p, b0: bi, b1: bi + p });
  const midA = x.slice(p, x.length - s);
  const midB = y.slice(p, y.length - s);
  let i = ai + p;
  let j = bi + p;
  const parts =
    midA === '' || midB === '' ? undefined : diffArrays(tokenize(midA), tokenize(midB), { maxEditLength: MAX_EDIT_TOKENS, timeout: DIFF_TIMEOUT_MS });
  if (parts === undefined) {
    if (midA !== '') spans.push({ op: 'delete', a0: i, a1: i + midA.length, b0: j, b1: j });
    if (midB !== '') spans.push({ op: 'insert', a0: i + midA.length, a1: i + midA.length, b0: j, b1: j + midB.length });
    i += midA.length;
    j += midB.length;
  } else {
    for (const part of parts) {
      let len = 0;
      for (const t of part.value) len += t.length;
      if (part.added) {
        spans.push({ op: 'insert', a0: i, a1: i, b0: j, b1: j + len });
        j += len;
      } else if (part.removed) {
        spans.push({ op: 'delete', a0: i, a1: i + len, b0: j, b1: j });
        i += len;
      } else {
        spans.push({ op: 'equal', a0: i, a1: i + len, b0: j, b1: j + len });
        i += len;
        j += len;
      }
    }
  }
  if (s > 0) spans.push({ op: 'equal', a0: i, a1: i + s, b0: j, b1: j + s });
}

/** Move a cut at `i` towards the text's edge (`dir` -1: left, +1: right) to just past a boundary character. */
function backToBoundary(t: string, i: number, dir: -1 | 1): number {
  if (dir < 0) {
    if (i === 0 || i === t.length) return i;
    for (let k = i; k > Math.max(0, i - BOUNDARY_LOOKBACK); k--) if (BOUNDARY.has(t[k - 1]!)) return k;
    return Math.max(0, i - BOUNDARY_LOOKBACK);
  }
  if (i === t.length || i === 0) return i;
  for (let k = i; k < Math.min(t.length, i + BOUNDARY_LOOKBACK); k++) if (BOUNDARY.has(t[k]!)) return k;
  return Math.min(t.length, i + BOUNDARY_LOOKBACK);
}

/**
 * Readability: an equal run of one character between two changes (`的`, `，`) is folded into
 * the change around it, so the reader sees one replacement instead of a comb of fragments.
 * Also orders each change as delete-then-insert and joins neighbours of the same kind.
 */
function absorbTinyEquals(spans: readonly RawSpan[]): RawSpan[] {
  const out: RawSpan[] = [];
  for (let i = 0; i < spans.length; i++) {
    const sp = spans[i]!;
    const prev = spans[i - 1];
    const next = spans[i + 1];
    if (sp.op === 'equal' && sp.a1 - sp.a0 <= 1 && prev && next && prev.op !== 'equal' && next.op !== 'equal') {
      out.push({ op: 'delete', a0: sp.a0, a1: sp.a1, b0: sp.b0, b1: sp.b0 });
      out.push({ op: 'insert', a0: sp.a1, a1: sp.a1, b0: sp.b0, b1: sp.b1 });
    } else {
      out.push({ ...sp });
    }
  }
  // Group every run of changes between two equal spans as [deletes…][inserts…], merged.
  const grouped: RawSpan[] = [];
  let i = 0;
  while (i < out.length) {
    const sp = out[i]!;
    if (sp.op === 'equal') {
      const last = grouped[grouped.length - 1];
      if (last && last.op === 'equal') {
        last.a1 = sp.a1;
        last.b1 = sp.b1;
      } else grouped.push(sp);
      i++;
      continue;
    }
    let a0 = sp.a0;
    let a1 = sp.a0;
    let b0 = sp.b0;
    let b1 = sp.b0;
    let first = true;
    while (i < out.length && out[i]!.op !== 'equal') {
      const c = out[i]!;
      if (first) {
        a0 = c.a0;
        b0 = c.b0;
        first = false;
      }
      a1 = Math.max(a1, c.a1);
      b1 = Math.max(b1, c.b1);
      i++;
    }
    if (a1 > a0) grouped.push({ op: 'delete', a0, a1, b0, b1: b0 });
    if (b1 > b0) grouped.push({ op: 'insert', a0: a1, a1, b0, b1 });
  }
  return grouped;
}

/**
 * Original characters of each span. A span [k0, k1) of a comparison form covers the original
 * from `map[k0]` up to `map[k1]` (so dropped spaces go with the span before them); the first span
 * starts at 0 and the last runs to the end.
 */
function toOriginal(spans: readonly RawSpan[], no: Normalized, oldText: string, nn: Normalized, newText: string): DiffSpan[] {
  const at = (n: Normalized, text: string, k: number): number => (k <= 0 ? 0 : k >= n.map.length ? text.length : n.map[k]!);
  const out: DiffSpan[] = [];
  for (const sp of spans) {
    const text =
      sp.op === 'delete'
        ? oldText.slice(at(no, oldText, sp.a0), at(no, oldText, sp.a1))
        : newText.slice(at(nn, newText, sp.b0), at(nn, newText, sp.b1));
    if (text !== '') out.push({ op: sp.op, text });
  }
  return out;
}

function round2(x: number): number {
  return Math.round(x * 100) / 100;
}
