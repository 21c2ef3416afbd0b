/**
 * The units compare aligns: the article (条) with its items where the text has articles,
 * otherwise the smallest numbered items; the preamble and closing take part too.
 */
import { comparable } from './normalize.ts';
import type { Provision, ProvisionLevel } from './types.ts';

/** One comparable unit of a document. @internal */
export interface CompareUnit {
  /** Position in the document's unit list. */
  readonly index: number;
  /** Path of the provision the unit stands for (`第二章/第十二条`, `三/(二)/7`). */
  readonly path: string;
  readonly label: string;
  readonly level: ProvisionLevel;
  /**
   * What "the same number" means: the article label for articles (articles are numbered
   * through the whole text, chapters aside), the full path for items, the label for
   * preamble/closing.
   */
  readonly number: string;
  /** Path of the division the unit sits in (`第二章`, `三/(二)`), '' at the top. */
  readonly parent: string;
  /** Text shown to a reader: own text, then each numbered descendant on its own line. */
  readonly text: string;
  /** Comparison form of {@link text}. */
  readonly key: string;
}

/** Levels that only divide a text; their own headings are not units. */
const CONTAINERS: ReadonlySet<ProvisionLevel> = new Set(['part', 'chapter', 'section']);

function parentOf(path: string): string {
  const i = path.lastIndexOf('/');
  return i < 0 ? '' : path.slice(0, i);
}

function lineOf(p: Provision, withLabel: boolean): string {
  const head = p.heading ? p.heading : '';
  const sep = head && p.text ? '\n' : '';
  return `${withLabel ? p.label : ''}${head}${sep}${p.text}`;
}

/**
 * The units of one document, in document order.
 *
 * - With articles: each article with all its descendants (an edit in `第六条/(三)` is an edit of
 *   `第六条`); any other non-division provision outside articles that has text is its own unit.
 * - Without: every leaf provision, plus any non-leaf provision that has text of its own (an
 *   introductory paragraph under `一、总体要求`), headings included in the text.
 */
export function buildUnits(provisions: readonly Provision[]): CompareUnit[] {
  const hasArticles = provisions.some((p) => p.level === 'article');
  const units: CompareUnit[] = [];
  const push = (p: Provision, text: string, number: string) => {
    units.push({ index: units.length, path: p.path, label: p.label, level: p.level, number, parent: parentOf(p.path), text, key: comparable(text) });
  };
  for (let i = 0; i < provisions.length; i++) {
    const p = provisions[i]!;
    if (p.level === 'preamble' || p.level === 'closing') {
      if (p.text.trim() !== '') push(p, p.text, p.label);
      continue;
    }
    if (hasArticles) {
      if (p.level === 'article') {
        const lines = [lineOf(p, false)];
        const prefix = `${p.path}/`;
        let j = i + 1;
        for (; j < provisions.length && provisions[j]!.path.startsWith(prefix); j++) lines.push(lineOf(provisions[j]!, true));
        push(p, lines.filter((l) => l !== '').join('\n'), p.label);
        i = j - 1;
        continue;
      }
      if (CONTAINERS.has(p.level) || p.text.trim() === '') continue;
      push(p, lineOf(p, false), p.path);
      continue;
    }
    const next = provisions[i + 1];
    const isLeaf = next === undefined || !next.path.startsWith(`${p.path}/`);
    if (isLeaf || p.text.trim() !== '') {
      const text = isLeaf ? lineOf(p, false) : p.text;
      if (text.trim() !== '') push(p, text, p.path);
    }
  }
  return units;
}

/** Heading of every division by path (`第二章` → `会计核算`), for telling chapters apart. @internal */
export function divisionHeadings(provisions: readonly Provision[]): Map<string, string> {
  const m = new Map<string, string>();
  for (const p of provisions) if (p.heading) m.set(p.path, comparable(p.heading));
  return m;
}
