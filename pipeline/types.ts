/**
 * Data types shared by the pure pipeline stages (extract → split → segment → analyse → compare).
 * Everything here is plain, immutable data; the JSON contract of `segment --json` is
 * {@link PolicyDocument} serialised as is.
 */

/** Date as `YYYY-MM-DD`. */
export type IsoDate = string;

/** `policy` for an official text; `news` for a report about one (never passed off as a policy). */
export type DocumentKind = 'policy' | 'news';

/**
 * The rung of a numbered provision.
 * Law family: 编 `part` > 章 `chapter` > 节 `section` > 条 `article` > （一） `item` > 1. `subitem` > （1） `point`.
 * Policy family: 一、 `part` > （一） `item` > 1. `subitem` > （1） `point` (① is also `point`, one rung lower in the path).
 * `preamble` / `closing`: unnumbered text before / after the numbered body.
 */
export type ProvisionLevel =
  | 'preamble'
  | 'part'
  | 'chapter'
  | 'section'
  | 'article'
  | 'item'
  | 'subitem'
  | 'point'
  | 'closing';

export interface Provision {
  /** Labels from the top down joined with `/`: `第二章/第十二条`, `三/(一)/7`, `二/(三)`. */
  readonly path: string;
  /** Normalized label: `第十二条`, `一`, `(一)`, `7`, `(1)`, `①`; `前言` / `结尾` for preamble / closing. */
  readonly label: string;
  readonly level: ProvisionLevel;
  /** The provision's own text (label removed, original characters kept; paragraphs joined by `\n`).
   *  Numbered children are separate provisions and are not repeated here. */
  readonly text: string;
  /** Heading of a titled division (`第一章 总则` → `总则`, `（一）重点区域` → `重点区域`), else null. */
  readonly heading: string | null;
}

export interface RepealedRef {
  /** Title without 《》, or null when only the number is given. */
  readonly title: string | null;
  /** Normalized document number, or null when only the title is given. */
  readonly docNumber: string | null;
}

export interface Validity {
  /** Date the text takes effect, or null when unknown. */
  readonly effective: IsoDate | null;
  /** Last day the text is in force, or null when unknown (never "forever"). */
  readonly expires: IsoDate | null;
  /** The sentence(s) the dates come from, original characters, or null. */
  readonly basis: string | null;
  /** Documents this one repeals (同时废止 / 同步废止 / 不再执行 …). */
  readonly repeals: readonly RepealedRef[];
}

export type MeasureKind = 'support' | 'requirement' | 'prohibition' | 'target';

export interface Measure {
  readonly path: string;
  readonly kind: MeasureKind;
  readonly startsOn: IsoDate | null;
  readonly endsOn: IsoDate | null;
  readonly amounts: readonly string[];
  readonly responsible: readonly string[];
  readonly text: string;
  /**
   * The sentence the measure's window comes from: for a measure with an end date, the sentence
   * that date is read from (what `expiring` shows); else the sentence of its deadline, term or
   * target year; null when it has none. Optional: measures built by hand or read from records
   * made before it was stored may lack it (contract extension of `segment --json`).
   */
  readonly basis?: string | null;
}

/** The notice (关于印发《X》的通知) that issued a document, when the page carries one. */
export interface IssuingNotice {
  readonly title: string;
  readonly docNumber: string | null;
  readonly signedOn: IsoDate | null;
  readonly issuers: readonly string[];
  readonly text: string;
}

/** One document found on a page: the `segment --json` contract (extend only). */
export interface PolicyDocument {
  readonly title: string;
  /** Normalized 发文字号, e.g. `发改财金规〔2025〕1752号`; null when none was found. */
  readonly docNumber: string | null;
  readonly issuers: readonly string[];
  readonly signedOn: IsoDate | null;
  readonly kind: DocumentKind;
  /** Flat, in document order. */
  readonly provisions: readonly Provision[];
  readonly validity: Validity;
  readonly measures: readonly Measure[];
  /** Whole text of the document body as extracted (original characters, lines joined). */
  readonly text: string;
  /** The issuing notice, when the document came wrapped in one. */
  readonly notice: IssuingNotice | null;
  /** The document number exactly as it appeared, when it had to be repaired or normalized. */
  readonly docNumberRaw: string | null;
  /** Date the page says it was published (a web publish line or a news attribution), not the signing date. */
  readonly publishedOn: IsoDate | null;
}
