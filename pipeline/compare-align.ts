/**
 * Alignment of the units of two versions: which old unit became which new one.
 *
 * 1. Anchors: texts that occur exactly once in each version and are equal in comparison form;
 *    the longest order-preserving chain of them (patience-diff style) is the backbone.
 * 2. Between two anchors, an order-preserving dynamic programme (Needleman–Wunsch with free
 *    gaps) pairs the remaining units by similarity (bigram Dice), with a small bonus when the
 *    numbers agree. Order is the strong prior: only pairs that keep order are made here.
 * 3. Units still unpaired are paired across the backbone when very similar: moves.
 * 4. An unpaired old unit whose text is found in what a new unit adds to its partner was merged
 *    into it; an unpaired new unit whose text is found in what an old unit lost was split from it.
 */
import type { CompareUnit } from './compare-units.ts';
import { bigramProfile, dice, diceBound, minus, overlap } from './compare-similarity.ts';

/** Lowest similarity at which two units at matching places are taken for one edited unit. */
const MATCH_THRESHOLD = 0.3;
/** Lowest similarity at which two units out of order are taken for one moved unit. */
const MOVE_THRESHOLD = 0.5;
/** Shortest text (comparison characters) an out-of-order exact match must have to count as a move. */
const MIN_EXACT_MOVE = 6;
/** Share of the smaller unit found in the larger for it to count as contained in it. */
const CONTAINED = 0.75;
/** Weight of containment as a similarity (a contained unit pairs, but below a real edit). */
const CONTAINED_WEIGHT = 0.45;
/** Bonus to a pair whose numbers agree: decides between near-equal candidates. */
const SAME_NUMBER_BONUS = 0.02;
/**
 * Share of the smaller of (an unpaired unit, what a partner gained or lost) that the two must
 * have in common for the unit to count as merged into or split from that partner.
 */
const MERGE_COVERAGE = 0.6;
/** Fewest shared bigrams for a merge or split; fewer is too little evidence. */
const MIN_MERGE_BIGRAMS = 12;
/** Fewest shared bigrams when only what a piece has beyond the host's partner is compared. */
const MIN_OWN_BIGRAMS = 8;
/** Share of the unpaired unit itself that must come from its host (a long new article is not "split" from a phrase). */
const MIN_PIECE_SHARE = 0.25;

export interface AlignedPair {
  readonly o: number;
  readonly n: number;
  /** Similarity used to align (Dice of bigrams; 1 for equal texts). */
  readonly score: number;
  /** False when the pair crosses the order of the rest (a move candidate). */
  readonly ordered: boolean;
}

export interface Alignment {
  readonly pairs: AlignedPair[];
  /** Old unit → new unit it was merged into (the old unit has no pair of its own). */
  readonly mergedInto: Map<number, number>;
  /** New unit → old unit it was split from (the new unit has no pair of its own). */
  readonly splitFrom: Map<number, number>;
}

/** Align two unit lists (see the module comment). Pure; cost roughly linear in the unchanged units. */
export function alignUnits(oldUnits: readonly CompareUnit[], newUnits: readonly CompareUnit[]): Alignment {
  // Profiles are built on first use: units matched exactly as anchors never need one.
  const po = lazyProfiles(oldUnits);
  const pn = lazyProfiles(newUnits);
  const oPair = new Int32Array(oldUnits.length).fill(-1);
  const nPair = new Int32Array(newUnits.length).fill(-1);
  const pairs: AlignedPair[] = [];
  const link = (o: number, n: number, score: number, ordered: boolean) => {
    oPair[o] = n;
    nPair[n] = o;
    pairs.push({ o, n, score, ordered });
  };

  // 1. Unique exact matches and their longest increasing chain.
  const count = new Map<string, [number, number, number, number]>(); // key → [#old, oldIdx, #new, newIdx]
  oldUnits.forEach((u, i) => {
    const c = count.get(u.key) ?? [0, -1, 0, -1];
    c[0]++;
    c[1] = i;
    count.set(u.key, c);
  });
  newUnits.forEach((u, j) => {
    const c = count.get(u.key);
    if (c) {
      c[2]++;
      c[3] = j;
    }
  });
  const unique: Array<[number, number]> = [];
  for (const [key, c] of count) if (c[0] === 1 && c[2] === 1 && key !== '') unique.push([c[1], c[3]]);
  unique.sort((x, y) => x[1] - y[1]);
  const chain = longestIncreasing(unique);
  for (const k of chain) link(unique[k]![0], unique[k]![1], 1, true);
  const inChain = new Set(chain);
  unique.forEach(([o, n], k) => {
    if (!inChain.has(k) && oldUnits[o]!.key.length >= MIN_EXACT_MOVE) link(o, n, 1, false);
  });

  // 2. Order-preserving pairing between consecutive anchors.
  const anchors = chain.map((k) => unique[k]!);
  anchors.push([oldUnits.length, newUnits.length]);
  let prevO = -1;
  let prevN = -1;
  for (const [ao, an] of anchors) {
    const os: number[] = [];
    const ns: number[] = [];
    for (let i = prevO + 1; i < ao; i++) if (oPair[i] === -1) os.push(i);
    for (let j = prevN + 1; j < an; j++) if (nPair[j] === -1) ns.push(j);
    if (os.length > 0 && ns.length > 0) {
      for (const [o, n, s] of pairGap(os, ns, po, pn, oldUnits, newUnits)) link(o, n, s, true);
    }
    prevO = ao;
    prevN = an;
  }

  // 3. Moves: very similar units left unpaired on both sides, best first.
  const freeO = [...oldUnits.keys()].filter((i) => oPair[i] === -1);
  const freeN = [...newUnits.keys()].filter((j) => nPair[j] === -1);
  const cands: Array<[number, number, number]> = [];
  for (const o of freeO) {
    for (const n of freeN) {
      if (diceBound(oldUnits[o]!.key.length, newUnits[n]!.key.length) < MOVE_THRESHOLD) continue;
      const s = dice(po(o), pn(n));
      if (s >= MOVE_THRESHOLD) cands.push([o, n, s]);
    }
  }
  cands.sort((x, y) => y[2] - x[2] || x[1] - y[1]);
  for (const [o, n, s] of cands) if (oPair[o] === -1 && nPair[n] === -1) link(o, n, s, false);

  // 4. Merges and splits. What each edited new unit gained over its partner may hold unpaired
  // old units (merged into it); what each edited old unit lost may hold unpaired new units
  // (split out of it, e.g. a paragraph moved out into a new article).
  const edited = pairs.filter((p) => oldUnits[p.o]!.key !== newUnits[p.n]!.key);
  const freeOld = [...oldUnits.keys()].filter((o) => oPair[o] === -1);
  const freeNew = [...newUnits.keys()].filter((n) => nPair[n] === -1);
  const mergedInto = new Map<number, number>();
  for (const [host, piece] of absorb(
    edited.map((p) => [p.n, minus(pn(p.n), po(p.o)), po(p.o)] as const),
    freeOld.map((o) => [o, po(o)] as const),
  )) {
    mergedInto.set(piece, host);
  }
  const splitFrom = new Map<number, number>();
  for (const [host, piece] of absorb(
    edited.map((p) => [p.o, minus(po(p.o), pn(p.n)), pn(p.n)] as const),
    freeNew.map((n) => [n, pn(n)] as const),
  )) {
    splitFrom.set(piece, host);
  }

  pairs.sort((x, y) => x.n - y.n);
  return { pairs, mergedInto, splitFrom };
}

/**
 * Greedy assignment of pieces (unpaired units) to hosts. A host is an edited unit: what it
 * gained over its partner (merges) or lost to it (splits), and the partner's profile. A piece
 * is compared by what it has beyond the host's partner (two articles merged often shared a
 * paragraph, which the partner already accounts for). Repeatedly take the best-covered
 * (host, piece), then remove the piece from the host's rest so that two pieces cannot claim
 * the same text. Returns [host, piece] pairs.
 */
function absorb(
  hosts: ReadonlyArray<readonly [number, Uint32Array, Uint32Array]>,
  pieces: ReadonlyArray<readonly [number, Uint32Array]>,
): Array<[number, number]> {
  const rest = hosts.map(([, r]) => r);
  const free = pieces.filter(([, p]) => p.length >= MIN_MERGE_BIGRAMS);
  const own = new Map<string, Uint32Array>(); // `${host}:${piece}` → piece minus host partner
  const out: Array<[number, number]> = [];
  for (;;) {
    let best: [number, number, number] | null = null; // host slot, piece slot, score
    for (let h = 0; h < rest.length; h++) {
      const r = rest[h]!;
      if (r.length < MIN_OWN_BIGRAMS) continue;
      for (let k = 0; k < free.length; k++) {
        const key = `${h}:${free[k]![0]}`;
        let p = own.get(key);
        if (p === undefined) own.set(key, (p = minus(free[k]![1], hosts[h]![2])));
        const score = Math.max(cover(r, free[k]![1], MIN_MERGE_BIGRAMS), cover(r, p, MIN_OWN_BIGRAMS));
        if (score >= MERGE_COVERAGE && (best === null || score > best[2])) best = [h, k, score];
      }
    }
    if (best === null) return out;
    const [h, k] = best;
    out.push([hosts[h]![0], free[k]![0]]);
    rest[h] = minus(rest[h]!, free[k]![1]);
    free.splice(k, 1);
  }
}

/**
 * Similarity of two units at matching places: Dice, or — when one text is almost wholly found
 * in the other (a short article that became one paragraph of a longer one) — a discounted
 * overlap coefficient, so that the pair is still made.
 */
function gapSimilarity(a: Uint32Array, b: Uint32Array): number {
  const small = Math.min(a.length, b.length);
  if (small < MIN_MERGE_BIGRAMS) return diceBound(a.length, b.length) < MATCH_THRESHOLD ? 0 : dice(a, b);
  const ov = overlap(a, b);
  const d = (2 * ov) / (a.length + b.length);
  const coef = ov / small;
  return coef >= CONTAINED ? Math.max(d, CONTAINED_WEIGHT * coef) : d;
}

/** How well `rest` covers `piece`: shared / smaller size, or 0 below the evidence floors. */
function cover(rest: Uint32Array, piece: Uint32Array, minShared: number): number {
  const ov = overlap(rest, piece);
  if (ov < minShared || ov < MIN_PIECE_SHARE * piece.length) return 0;
  return ov / Math.min(rest.length, piece.length);
}

/**
 * Order-preserving pairing of the units of one gap: maximise the sum of similarities over
 * pairs at or above {@link MATCH_THRESHOLD}; skipping a unit costs nothing.
 */
function pairGap(
  os: readonly number[],
  ns: readonly number[],
  po: Profiles,
  pn: Profiles,
  oldUnits: readonly CompareUnit[],
  newUnits: readonly CompareUnit[],
): Array<[number, number, number]> {
  const k = os.length;
  const l = ns.length;
  const w = new Float64Array(k * l).fill(-1);
  for (let i = 0; i < k; i++) {
    const a = po(os[i]!);
    for (let j = 0; j < l; j++) {
      const b = pn(ns[j]!);
      const s = gapSimilarity(a, b);
      if (s >= MATCH_THRESHOLD) w[i * l + j] = s;
    }
  }
  const score = new Float64Array((k + 1) * (l + 1));
  const W = l + 1;
  for (let i = 1; i <= k; i++) {
    for (let j = 1; j <= l; j++) {
      let best = Math.max(score[(i - 1) * W + j]!, score[i * W + j - 1]!);
      const s = w[(i - 1) * l + j - 1]!;
      if (s >= 0) {
        const bonus = oldUnits[os[i - 1]!]!.number === newUnits[ns[j - 1]!]!.number ? SAME_NUMBER_BONUS : 0;
        best = Math.max(best, score[(i - 1) * W + j - 1]! + s + bonus);
      }
      score[i * W + j] = best;
    }
  }
  const out: Array<[number, number, number]> = [];
  let i = k;
  let j = l;
  while (i > 0 && j > 0) {
    const here = score[i * W + j]!;
    if (here === score[(i - 1) * W + j]) i--;
    else if (here === score[i * W + j - 1]) j--;
    else {
      out.push([os[i - 1]!, ns[j - 1]!, w[(i - 1) * l + j - 1]!]);
      i--;
      j--;
    }
  }
  return out.reverse();
}

type Profiles = (i: number) => Uint32Array;

/** Bigram profiles of the units, each computed when first asked for. */
function lazyProfiles(units: readonly CompareUnit[]): Profiles {
  const cache: Array<Uint32Array | undefined> = new Array(units.length);
  return (i) => (cache[i] ??= bigramProfile(units[i]!.key));
}

/** Indices (into `seq`) of a longest chain with increasing first elements; `seq` is sorted by second. */
function longestIncreasing(seq: ReadonlyArray<readonly [number, number]>): number[] {
  const tails: number[] = []; // index into seq of the smallest tail of each length
  const prev = new Int32Array(seq.length).fill(-1);
  for (let k = 0; k < seq.length; k++) {
    const v = seq[k]![0];
    let lo = 0;
    let hi = tails.length;
    while (lo < hi) {
      const mid = (lo + hi) >> 1;
      if (seq[tails[mid]!]![0] < v) lo = mid + 1;
      else hi = mid;
    }
    if (lo > 0) prev[k] = tails[lo - 1]!;
    tails[lo] = k;
  }
  const out: number[] = [];
  for (let k = tails.length > 0 ? tails[tails.length - 1]! : -1; k >= 0; k = prev[k]!) out.push(k);
  return out.reverse();
}
