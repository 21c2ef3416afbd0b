/**
 * Pairing the documents of two files (a bulletin carries several) before comparing each pair.
 */
import { type CompareResult, compareProvisions } from './compare.ts';
import { bigramProfile, dice } from './compare-similarity.ts';
import { comparable } from './normalize.ts';
import type { PolicyDocument } from './types.ts';

/** Identity of a compared document, as shown to a reader. */
export interface DocumentRef {
  readonly title: string;
  readonly docNumber: string | null;
}

/** One compared pair; `old` or `new` is null for a document found in one file only. */
export interface DocumentComparison extends CompareResult {
  readonly old: DocumentRef | null;
  readonly new: DocumentRef | null;
}

/** Lowest similarity of whole texts at which two documents with no shared identity are paired. */
const TEXT_PAIR_THRESHOLD = 0.5;

/** Title key: comparison form without 关于, 《》 and a trailing (试行)/(修订)/(20xx年修订) mark. */
function titleKey(title: string): string {
  return comparable(title)
    .replace(/^关于/u, '')
    .replace(/[《》]/gu, '')
    .replace(/\((?:试行|暂行|修订|修正|征求意见稿|[0-9]{4}年(?:修订|修正)?)\)$/u, '');
}

/**
 * Compare the policy documents of two files. Documents are paired by identity first (the same
 * normalized document number, then the same title), then — for the rest — one against one
 * when each side has a single document left, or by the similarity of their whole texts.
 * A document without a partner gives a comparison in which all its units are added (or deleted).
 * News items are not compared. Result in new-file order, unpaired old documents last.
 */
export function compareDocuments(oldDocs: readonly PolicyDocument[], newDocs: readonly PolicyDocument[]): DocumentComparison[] {
  const olds = oldDocs.filter((d) => d.kind === 'policy');
  const news = newDocs.filter((d) => d.kind === 'policy');
  const partner = new Map<number, number>(); // new index → old index
  const taken = new Set<number>();
  const pairBy = (key: (d: PolicyDocument) => string | null) => {
    news.forEach((nd, j) => {
      if (partner.has(j)) return;
      const k = key(nd);
      if (k === null) return;
      const i = olds.findIndex((od, i2) => !taken.has(i2) && key(od) === k);
      if (i >= 0) {
        partner.set(j, i);
        taken.add(i);
      }
    });
  };
  pairBy((d) => d.docNumber);
  pairBy((d) => titleKey(d.title) || null);
  const restO = olds.map((_, i) => i).filter((i) => !taken.has(i));
  const restN = news.map((_, j) => j).filter((j) => !partner.has(j));
  if (restO.length === 1 && restN.length === 1) {
    partner.set(restN[0]!, restO[0]!);
    taken.add(restO[0]!);
  } else if (restO.length > 0 && restN.length > 0) {
    const po = new Map(restO.map((i) => [i, bigramProfile(comparable(olds[i]!.text))]));
    const cands: Array<[number, number, number]> = [];
    for (const j of restN) {
      const pn = bigramProfile(comparable(news[j]!.text));
      for (const i of restO) cands.push([i, j, dice(po.get(i)!, pn)]);
    }
    cands.sort((x, y) => y[2] - x[2]);
    for (const [i, j, s] of cands) {
      if (s < TEXT_PAIR_THRESHOLD) break;
      if (taken.has(i) || partner.has(j)) continue;
      partner.set(j, i);
      taken.add(i);
    }
  }

  const ref = (d: PolicyDocument): DocumentRef => ({ title: d.title, docNumber: d.docNumber });
  const out: DocumentComparison[] = [];
  news.forEach((nd, j) => {
    const i = partner.get(j);
    const od = i === undefined ? null : olds[i]!;
    out.push({ old: od ? ref(od) : null, new: ref(nd), ...compareProvisions(od?.provisions ?? [], nd.provisions) });
  });
  olds.forEach((od, i) => {
    if (!taken.has(i)) out.push({ old: ref(od), new: null, ...compareProvisions(od.provisions, []) });
  });
  return out;
}
