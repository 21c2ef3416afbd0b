/**
 * compare: two versions of a document → the changes between them, provision by provision, the
 * way a 新旧对照表 shows them: which articles were modified, added, deleted, renumbered or moved,
 * with a word-level diff inside each changed one. Pure: no I/O, no clock.
 *
 * @example
 * const { changes, summary } = compareProvisions(oldDoc.provisions, newDoc.provisions);
 * changes.map((c) => [c.op, c.old, c.new]); // → [['modified', '第十二条', '第十三条'], ['added', null, '第五条'], …]
 */
import { alignUnits } from './compare-align.ts';
import { type DiffSpan, wordDiff } from './compare-diff.ts';
import { buildUnits, type CompareUnit, divisionHeadings } from './compare-units.ts';
import type { Provision } from './types.ts';

export type { DiffSpan } from './compare-diff.ts';
export { compareDocuments, type DocumentComparison, type DocumentRef } from './compare-documents.ts';

/** The `op` values of the `compare --json` contract. */
export type ChangeOp = 'modified' | 'added' | 'deleted' | 'renumbered' | 'moved';

/**
 * One change: one old/new provision pair (or one side alone). Contract fields first
 * (`op`, `old`, `new`, `similarity`, `diff`); the rest are extensions. Shaped to be stored as
 * one JSON row per change.
 */
export interface ProvisionChange {
  readonly op: ChangeOp;
  /** Path of the old provision (`第二章/第十二条`), null when added. */
  readonly old: string | null;
  /** Path of the new provision, null when deleted. */
  readonly new: string | null;
  /** 0..1: share of the text kept (word diff on the comparison form); 1 when renumbered, 0 when added/deleted. */
  readonly similarity: number;
  /** Word-level diff in original characters: `equal`/`insert` text from the new version, `delete` from the old. */
  readonly diff: readonly DiffSpan[];
  readonly oldLabel: string | null;
  readonly newLabel: string | null;
  /** Full text of the old unit (article with its items), for side-by-side rendering. */
  readonly oldText: string | null;
  readonly newText: string | null;
  /** Set when the unit changed division (chapter, section, or the heading above an item). */
  readonly moved?: { readonly fromParent: string; readonly toParent: string };
  /** On the surviving unit of a merge: every old path merged into it, its own pair included, in old order. */
  readonly mergedFrom?: readonly string[];
  /** On a deleted unit that was merged into another: the new path that holds its text. */
  readonly mergedInto?: string;
  /** On the old unit of a split: every new path it became, its own pair included, in new order. */
  readonly splitInto?: readonly string[];
  /** On an added unit split out of an old one: the old path it came from. */
  readonly splitFrom?: string;
}

/** Counts per op; `unchanged` counts units with the same number and the same comparison text. */
export interface CompareSummary {
  readonly modified: number;
  readonly added: number;
  readonly deleted: number;
  readonly renumbered: number;
  readonly unchanged: number;
  readonly moved: number;
}

export interface CompareResult {
  /** In new-document order; deleted units at their old position. */
  readonly changes: ProvisionChange[];
  readonly summary: CompareSummary;
}

/**
 * Compare two versions' provisions (flat, in document order, as segment gives them).
 * Units are articles with their items where there are articles, else the smallest numbered
 * items (see `buildUnits`). Never throws.
 */
export function compareProvisions(oldProvisions: readonly Provision[], newProvisions: readonly Provision[]): CompareResult {
  const ou = buildUnits(oldProvisions);
  const nu = buildUnits(newProvisions);
  const { pairs, mergedInto, splitFrom } = alignUnits(ou, nu);
  const parentOf = parentMapping(ou, nu, pairs, divisionHeadings(oldProvisions), divisionHeadings(newProvisions));

  const mergedFrom = new Map<number, number[]>(); // new index → extra old indices
  for (const [o, n] of mergedInto) mergedFrom.set(n, [...(mergedFrom.get(n) ?? []), o]);
  const splitInto = new Map<number, number[]>(); // old index → extra new indices
  for (const [n, o] of splitFrom) splitInto.set(o, [...(splitInto.get(o) ?? []), n]);
  const inOrder = (units: readonly CompareUnit[], idx: number[]) => idx.sort((x, y) => x - y).map((i) => units[i]!.path);

  const counts = { modified: 0, added: 0, deleted: 0, renumbered: 0, unchanged: 0, moved: 0 };
  const rows: Array<{ at: [number, number]; change: ProvisionChange }> = [];
  const oldToNew = new Int32Array(ou.length).fill(-1);
  for (const p of pairs) if (p.ordered) oldToNew[p.o] = p.n;

  for (const p of pairs) {
    const o = ou[p.o]!;
    const n = nu[p.n]!;
    const movedFrom = parentOf(o) !== n.parent;
    const sameText = o.key === n.key;
    const extras: Partial<Record<'mergedFrom' | 'splitInto', string[]>> = {};
    const mf = mergedFrom.get(p.n);
    if (mf) extras.mergedFrom = inOrder(ou, [p.o, ...mf]);
    const si = splitInto.get(p.o);
    if (si) extras.splitInto = inOrder(nu, [p.n, ...si]);
    if (sameText && !movedFrom && o.number === n.number && !mf && !si) {
      counts.unchanged++;
      continue;
    }
    const op: ChangeOp = movedFrom ? 'moved' : sameText ? 'renumbered' : 'modified';
    counts[op]++;
    const d = sameText ? { diff: [{ op: 'equal' as const, text: n.text }], similarity: 1 } : wordDiff(o.text, n.text);
    rows.push({
      at: [p.n, 0],
      change: {
        ...pairChange(op, o, n, d.similarity, d.diff),
        ...(movedFrom ? { moved: { fromParent: o.parent, toParent: n.parent } } : {}),
        ...extras,
      },
    });
  }
  const pairedN = new Set(pairs.map((p) => p.n));
  for (const n of nu) {
    if (pairedN.has(n.index)) continue;
    counts.added++;
    const from = splitFrom.get(n.index);
    rows.push({
      at: [n.index, 0],
      change: { ...pairChange('added', null, n, 0, [{ op: 'insert', text: n.text }]), ...(from !== undefined ? { splitFrom: ou[from]!.path } : {}) },
    });
  }
  const pairedO = new Set(pairs.map((p) => p.o));
  let lastNew = -1;
  for (const o of ou) {
    if (oldToNew[o.index]! >= 0) lastNew = oldToNew[o.index]!;
    if (pairedO.has(o.index)) continue;
    counts.deleted++;
    const into = mergedInto.get(o.index);
    rows.push({
      at: [lastNew, 1 + o.index],
      change: { ...pairChange('deleted', o, null, 0, [{ op: 'delete', text: o.text }]), ...(into !== undefined ? { mergedInto: nu[into]!.path } : {}) },
    });
  }
  rows.sort((x, y) => x.at[0] - y.at[0] || x.at[1] - y.at[1]);
  return { changes: rows.map((r) => r.change), summary: counts };
}

function pairChange(op: ChangeOp, o: CompareUnit | null, n: CompareUnit | null, similarity: number, diff: readonly DiffSpan[]): ProvisionChange {
  return {
    op,
    old: o?.path ?? null,
    new: n?.path ?? null,
    similarity,
    diff,
    oldLabel: o?.label ?? null,
    newLabel: n?.label ?? null,
    oldText: o?.text ?? null,
    newText: n?.text ?? null,
  };
}

/**
 * Where each old division went: the new division that received most of its units in order
 * (chapters are renumbered and renamed too; an article is "moved" only when it left the
 * division its neighbours went to). A division none of whose units kept their order is looked
 * up by heading, else by path.
 */
function parentMapping(
  ou: readonly CompareUnit[],
  nu: readonly CompareUnit[],
  pairs: ReadonlyArray<{ o: number; n: number; ordered: boolean }>,
  oldHeadings: Map<string, string>,
  newHeadings: Map<string, string>,
): (u: CompareUnit) => string {
  const votes = new Map<string, Map<string, number>>();
  for (const p of pairs) {
    if (!p.ordered) continue;
    const from = ou[p.o]!.parent;
    const to = nu[p.n]!.parent;
    const m = votes.get(from) ?? new Map<string, number>();
    m.set(to, (m.get(to) ?? 0) + 1);
    votes.set(from, m);
  }
  const best = new Map<string, { to: string; score: number }>();
  for (const [from, m] of votes) {
    let pick = '';
    let score = -1;
    for (const [to, c] of m) {
      // Ties: the same heading, then the same path.
      const s = c + (oldHeadings.get(from) !== undefined && oldHeadings.get(from) === newHeadings.get(to) ? 0.5 : 0) + (from === to ? 0.25 : 0);
      if (s > score) {
        score = s;
        pick = to;
      }
    }
    best.set(from, { to: pick, score });
  }
  // One new division continues one old division: when two old ones flow into the same new one
  // (a chapter dissolved into its neighbour), the weaker one's units have moved.
  const owner = new Map<string, string>();
  for (const [from, b] of best) {
    const cur = owner.get(b.to);
    if (cur === undefined || best.get(cur)!.score < b.score) owner.set(b.to, from);
  }
  const mapped = new Map<string, string>();
  for (const [from, b] of best) mapped.set(from, owner.get(b.to) === from ? b.to : `${from}\u0000gone`);
  const byHeading = new Map<string, string>();
  for (const [path, h] of newHeadings) if (!byHeading.has(h)) byHeading.set(h, path);
  return (u) => {
    const to = mapped.get(u.parent);
    if (to !== undefined) return to;
    const h = oldHeadings.get(u.parent);
    return (h !== undefined ? byHeading.get(h) : undefined) ?? u.parent;
  };
}
