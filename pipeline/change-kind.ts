/**
 * What changed in a modified provision, in words a reader acts on: an amount or cap, a window or
 * deadline, a grant / requirement / prohibition added or removed, the scope of who or what it
 * covers, or wording only. Pure: texts and measures in, classes out (possibly several).
 *
 * Read from both sides' measures (amounts, windows, kinds) and from the word diff of the texts:
 * a cue word (给予, 应当, 不得…) inside an inserted or deleted run adds or removes a measure of
 * that kind even when the provision already held one; the same cue swapped for another of its
 * kind (应当 → 须) is wording.
 */
import { wordDiff } from './compare-diff.ts';
import { findAmounts, sentenceKinds, splitSentences } from './measures.ts';
import type { IsoDate, Measure, MeasureKind } from './types.ts';

export interface WindowFacts {
  readonly startsOn: IsoDate | null;
  readonly endsOn: IsoDate | null;
  /** Relative or recurring deadline as written (`20个工作日内`), when the measure has one. */
  readonly deadline: string | null;
}

export type ChangeClass =
  | { readonly kind: 'amount'; readonly old: readonly string[]; readonly new: readonly string[] }
  | {
      readonly kind: 'window';
      /** Measures' windows or deadlines that are gone / new. */
      readonly old: readonly WindowFacts[];
      readonly new: readonly WindowFacts[];
      /** The clauses whose dates or lengths were edited (`有效期5年` → `有效期3年`), '' when none. */
      readonly oldText: string;
      readonly newText: string;
    }
  | { readonly kind: 'support-added' | 'support-removed' | 'requirement-added' | 'requirement-removed' | 'prohibition-added' | 'prohibition-removed' }
  | { readonly kind: 'scope'; readonly old: string; readonly new: string }
  | { readonly kind: 'wording' };

export type ChangeClassKind = ChangeClass['kind'];

/** Measures as the classifier reads them: the contract fields, plus `deadline` when extracted. */
type MeasureLike = Measure & { readonly deadline?: string };

/** Kinds whose addition or removal a reader acts on (targets are goals, not obligations). */
const ACTIONABLE: readonly ('support' | 'requirement' | 'prohibition')[] = ['support', 'requirement', 'prohibition'];

/** A clause that says who or what a measure covers. */
const SCOPE_CLAUSE_RE = /支持|扶持|鼓励|对象|面向|适用|符合条件|投资于|对于?[^，,。；;]{1,40}(?:给予|予以|实行|实施)|范围|包括|限于|以下|企业|机构|单位|个人|项目|产业|行业|领域/u;

/** A date, a length or a deadline in a clause: an edited number there moves a window. */
const WINDOW_CLAUSE_RE = /[0-9０-９〇零一二两三四五六七八九十]+\s*(?:年|个月|月|日|个工作日|工作日|天)/u;
/** A run that is only a cue word. */
const CUE_ONLY_RE = /^(?:应当|应该|应|须|必须|需|要|不得|禁止|严禁|不准|不允许|给予|予以|支持|鼓励)$/u;
/** A run that is only a number (`5` → `3`, `2030` → `2028`). */
const NUMBER_ONLY_RE = /^[0-9０-９〇零一二两三四五六七八九十百]+$/u;
/** Numerals (a run holding one may be a date or a length). */
const NUMERAL_RE = /[0-9０-９〇零一二两三四五六七八九十百]/u; // numbers inside spelling swaps still count

/** Punctuation and spaces: left out when comparing sentences and runs. */
const NOISE_RE = /[\s，,。；;、：:“”"‘’（）()《》〈〉]/gu;

function multisetDiff(a: readonly string[], b: readonly string[]): { removed: string[]; added: string[] } {
  const rest = [...b];
  const removed: string[] = [];
  for (const x of a) {
    const i = rest.indexOf(x);
    if (i >= 0) rest.splice(i, 1);
    else removed.push(x);
  }
  return { removed, added: rest };
}

function windowsOf(ms: readonly MeasureLike[]): WindowFacts[] {
  return ms
    .filter((m) => m.startsOn !== null || m.endsOn !== null || (m.deadline ?? null) !== null)
    .map((m) => ({ startsOn: m.startsOn, endsOn: m.endsOn, deadline: m.deadline ?? null }));
}

const windowKey = (w: WindowFacts) => `${w.startsOn ?? ''}|${w.endsOn ?? ''}|${w.deadline ?? ''}`;

/** The clause (between ，。；) around `[from, to)` of `text`. */
function clauseAround(text: string, from: number, to: number): string {
  const stops = /[，,。；;：:\n]/u;
  let a = from;
  while (a > 0 && !stops.test(text[a - 1]!)) a--;
  let b = to;
  while (b < text.length && !stops.test(text[b]!)) b++;
  return text.slice(a, b).trim();
}

/** Clauses (between ，。；) of `text` whose comparison form is not among `other`'s. */
function clausesOnlyIn(text: string, other: string): string[] {
  const clauses = (t: string) => splitSentences(t).flatMap((s) => s.split(/[，,]/u)).map((c) => c.trim()).filter((c) => c !== '');
  const keys = new Set(clauses(other).map((x) => x.replace(NOISE_RE, '')));
  return clauses(text).filter((x) => !keys.has(x.replace(NOISE_RE, '')));
}

/** A delete/insert pair of equal length differing in at most one character (帐簿 → 账簿): spelling. */
function isSpelling(a: string, b: string): boolean {
  if (a.length !== b.length || a.length === 0) return false;
  let diff = 0;
  for (let i = 0; i < a.length; i++) if (a[i] !== b[i]) diff++;
  return diff <= 1;
}

/**
 * Classify the change of one modified provision.
 *
 * @example
 * classifyChange('…给予不超过总投入30%、最高2000万元的经费支持。', '…给予不超过总投入30%、最高3000万元的经费支持。', oldMs, newMs)
 * // → [{ kind: 'amount', old: ['最高2000万元'], new: ['最高3000万元'] }]
 */
export function classifyChange(
  oldText: string,
  newText: string,
  oldMeasures: readonly MeasureLike[],
  newMeasures: readonly MeasureLike[],
): ChangeClass[] {
  const out: ChangeClass[] = [];

  // Amounts: from the measures when there are any, else from the texts.
  const oldAmounts = oldMeasures.length > 0 ? oldMeasures.flatMap((m) => m.amounts) : findAmounts(oldText);
  const newAmounts = newMeasures.length > 0 ? newMeasures.flatMap((m) => m.amounts) : findAmounts(newText);
  const amounts = multisetDiff(oldAmounts, newAmounts);
  if (amounts.removed.length > 0 || amounts.added.length > 0) out.push({ kind: 'amount', old: amounts.removed, new: amounts.added });

  // Kinds added or removed: clauses found on one side only, counted per kind they hold (a cue
  // swapped for another of its kind, 应当 → 须, counts the same on both sides).
  const onlyOld = clausesOnlyIn(oldText, newText);
  const onlyNew = clausesOnlyIn(newText, oldText);
  for (const k of ACTIONABLE) {
    const o = onlyOld.filter((x) => sentenceKinds(x).has(k)).length;
    const n = onlyNew.filter((x) => sentenceKinds(x).has(k)).length;
    if (n > o) out.push({ kind: `${k}-added` });
    if (o > n) out.push({ kind: `${k}-removed` });
  }

  // Runs of the word diff: numbers in date or length clauses move a window; other edits in a
  // clause naming who or what is covered change the scope. Spelling swaps are wording.
  const { diff } = wordDiff(oldText, newText);
  let oldPos = 0;
  let newPos = 0;
  const scopeOld: string[] = [];
  const scopeNew: string[] = [];
  const windowOld: string[] = [];
  const windowNew: string[] = [];
  for (let i = 0; i < diff.length; i++) {
    const d = diff[i]!;
    if (d.op === 'equal') {
      oldPos = advance(oldText, oldPos, d.text);
      newPos = advance(newText, newPos, d.text);
      continue;
    }
    const side = d.op === 'delete' ? oldText : newText;
    const found = side.indexOf(d.text, d.op === 'delete' ? oldPos : newPos);
    const start = found >= 0 ? found : d.op === 'delete' ? oldPos : newPos;
    const end = start + d.text.length;
    if (d.op === 'delete') oldPos = end;
    else newPos = end;
    const partner = diff[i + 1]?.op !== 'equal' && diff[i + 1]?.op !== d.op ? diff[i + 1] : diff[i - 1]?.op !== 'equal' && diff[i - 1]?.op !== d.op ? diff[i - 1] : undefined;
    if (partner && isSpelling(d.text.replace(NOISE_RE, ''), partner.text.replace(NOISE_RE, ''))) {
      if (!NUMERAL_RE.test(d.text)) continue;
    }
    const bare = d.text.replace(NOISE_RE, '');
    if (bare === '') continue;
    const clause = clauseAround(side, start, end);
    if ((NUMBER_ONLY_RE.test(bare) || WINDOW_CLAUSE_RE.test(bare)) && WINDOW_CLAUSE_RE.test(clause) && findAmounts(clause).length === 0) {
      (d.op === 'delete' ? windowOld : windowNew).push(clause);
      continue;
    }
    // Amounts were read above; a cue word swapped for another (应当 → 须) is wording.
    if (findAmounts(d.text).length > 0 || (NUMBER_ONLY_RE.test(bare) && findAmounts(clause).length > 0)) continue;
    if (CUE_ONLY_RE.test(bare)) continue;
    if (SCOPE_CLAUSE_RE.test(clause)) {
      const list = d.op === 'delete' ? scopeOld : scopeNew;
      if (!list.includes(clause)) list.push(clause);
    }
  }

  // Windows and deadlines: the measures' own, and dates or lengths edited in the text (validity).
  const ow = windowsOf(oldMeasures);
  const nw = windowsOf(newMeasures);
  const wd = multisetDiff(ow.map(windowKey), nw.map(windowKey));
  if (wd.removed.length > 0 || wd.added.length > 0 || windowOld.length > 0 || windowNew.length > 0) {
    out.push({
      kind: 'window',
      old: ow.filter((w) => wd.removed.includes(windowKey(w))),
      new: nw.filter((w) => wd.added.includes(windowKey(w))),
      oldText: [...new Set(windowOld)].join('；'),
      newText: [...new Set(windowNew)].join('；'),
    });
  }

  const kindsMoved = out.some((c) => c.kind.endsWith('-added') || c.kind.endsWith('-removed'));
  if ((scopeOld.length > 0 || scopeNew.length > 0) && !kindsMoved) {
    out.push({ kind: 'scope', old: scopeOld.join('；'), new: scopeNew.join('；') });
  }

  if (out.length === 0) out.push({ kind: 'wording' });
  return out;
}

/** Position in `text` after the run `piece` found at or after `pos` (runs are in order). */
function advance(text: string, pos: number, piece: string): number {
  const i = text.indexOf(piece, pos);
  return i >= 0 ? i + piece.length : pos;
}
