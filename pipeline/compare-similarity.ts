/**
 * Similarity of two units for alignment: character bigrams of the comparison form, as sorted
 * multisets, compared by a merge walk (no maps, no allocation per comparison).
 */

/** Sorted multiset of the character bigrams of `key` (one unigram for a one-character text). @internal */
export function bigramProfile(key: string): Uint32Array {
  if (key.length === 0) return new Uint32Array(0);
  if (key.length === 1) return Uint32Array.of(key.charCodeAt(0) * 0x10000);
  const out = new Uint32Array(key.length - 1);
  let prev = key.charCodeAt(0);
  for (let i = 1; i < key.length; i++) {
    const c = key.charCodeAt(i);
    out[i - 1] = prev * 0x10000 + c;
    prev = c;
  }
  return out.sort();
}

/** Size of the multiset intersection of two profiles. @internal */
export function overlap(a: Uint32Array, b: Uint32Array): number {
  let i = 0;
  let j = 0;
  let n = 0;
  while (i < a.length && j < b.length) {
    const x = a[i]!;
    const y = b[j]!;
    if (x === y) {
      n++;
      i++;
      j++;
    } else if (x < y) i++;
    else j++;
  }
  return n;
}

/** Dice coefficient of two profiles: 2|A∩B| / (|A|+|B|), 1 for two empty texts. @internal */
export function dice(a: Uint32Array, b: Uint32Array): number {
  const total = a.length + b.length;
  if (total === 0) return 1;
  // Upper bound from the lengths alone: skip the walk when it cannot reach anything useful.
  return (2 * overlap(a, b)) / total;
}

/** Highest Dice two profiles of these sizes can reach. @internal */
export function diceBound(na: number, nb: number): number {
  const total = na + nb;
  return total === 0 ? 1 : (2 * Math.min(na, nb)) / total;
}

/** Multiset difference A − B. @internal */
export function minus(a: Uint32Array, b: Uint32Array): Uint32Array {
  const out = new Uint32Array(a.length);
  let i = 0;
  let j = 0;
  let k = 0;
  while (i < a.length) {
    const x = a[i]!;
    while (j < b.length && b[j]! < x) j++;
    if (j < b.length && b[j] === x) {
      i++;
      j++;
    } else {
      out[k++] = x;
      i++;
    }
  }
  return out.subarray(0, k);
}

/** Share of A found in B: |A∩B| / |A| (0 for an empty A). @internal */
export function containment(a: Uint32Array, b: Uint32Array): number {
  return a.length === 0 ? 0 : overlap(a, b) / a.length;
}
