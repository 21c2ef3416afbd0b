/**
 * Matching documents, changes and measures against a subscription's filters. Pure: filters and
 * facts in, a decision out (no database, no clock).
 *
 * Filters combine like a search form: within one field any value may match (OR), across fields
 * every field given must match (AND); a field left out matches everything.
 *
 * @example
 * const f = parseFilters({ regions: ['广东'], alertKinds: ['expiring'], warnDays: [90, 30, 7] });
 * matchesDocument(f, { title: '广东省推动金融服务科技强省建设工作方案', docNumber: '粤金管〔2025〕24号', issuers: [] }); // → true
 * warningThreshold(f.warnDays, 77); // → 90
 */
import type { ChangeClass, ChangeClassKind } from './change-kind.ts';

/** What a subscriber can ask to be told about (`--kinds`). */
export const ALERT_TOPICS = ['new', 'revised', 'repeal', 'expiring', 'expired'] as const;
export type AlertTopic = (typeof ALERT_TOPICS)[number];

/** Change classes a subscriber can ask for (`--changes`), as pipeline/change-kind.ts names them. */
export const CHANGE_CLASSES = [
  'amount',
  'window',
  'support-added',
  'support-removed',
  'requirement-added',
  'requirement-removed',
  'prohibition-added',
  'prohibition-removed',
  'scope',
  'wording',
] as const satisfies readonly ChangeClassKind[];

/** Warning thresholds when a subscription names none: 90, 30 and 7 days before the end. */
export const DEFAULT_WARN_DAYS: readonly number[] = [90, 30, 7];

/** A subscription's filters as stored in `subscriptions.filters` (every field optional). */
export interface SubscriptionFilters {
  readonly issuers?: readonly string[];
  /** Province or city names (广东, 上海); matched against issuers, title and the 文号's abbreviation (粤, 沪). */
  readonly regions?: readonly string[];
  /** Words looked for in the title or the text. */
  readonly keywords?: readonly string[];
  /** Start of the 文号 (粤金管, 发改财金规); bracket styles do not matter. */
  readonly numberPrefixes?: readonly string[];
  /** Alert topics wanted; other kinds (e.g. `source-broken` of the operators' subscription) are kept as written. */
  readonly alertKinds?: readonly string[];
  /** Warning thresholds in days, largest first. */
  readonly warnDays?: readonly number[];
  /** Change classes that make a revision worth an alert. */
  readonly changes?: readonly ChangeClassKind[];
}

/** What matching reads of a document. */
export interface DocumentFacts {
  readonly title: string;
  readonly docNumber: string | null;
  readonly issuers: readonly string[];
  /** Full text, for keywords; titles are searched either way. */
  readonly text?: string | null;
}

/** One changed provision of a revision, with its classes. */
export interface ClassifiedChange {
  readonly op: string;
  readonly classes: readonly ChangeClass[];
}

/** Province-level names and the one-character abbreviations their 文号 start with. */
const REGION_ABBREVIATIONS: Readonly<Record<string, readonly string[]>> = {
  北京: ['京'], 天津: ['津'], 河北: ['冀'], 山西: ['晋'], 内蒙古: ['内蒙', '蒙'], 辽宁: ['辽'], 吉林: ['吉'],
  黑龙江: ['黑'], 上海: ['沪'], 江苏: ['苏'], 浙江: ['浙'], 安徽: ['皖'], 福建: ['闽'], 江西: ['赣'], 山东: ['鲁'],
  河南: ['豫'], 湖北: ['鄂'], 湖南: ['湘'], 广东: ['粤'], 广西: ['桂'], 海南: ['琼'], 重庆: ['渝'], 四川: ['川'],
  贵州: ['黔'], 云南: ['云'], 西藏: ['藏'], 陕西: ['陕'], 甘肃: ['甘'], 青海: ['青'], 宁夏: ['宁'], 新疆: ['新'],
};

/** Suffixes a region name may be written with (广东省, 上海市, 广西壮族自治区). */
const REGION_SUFFIX_RE = /(?:省|市|壮族自治区|回族自治区|维吾尔自治区|自治区)$/u;

/** Every kind of bracket a 文号's year may be written in, mapped to 〔〕. */
function numberKey(s: string): string {
  return s
    .normalize('NFKC')
    .replace(/[［\[（(【]/gu, '〔')
    .replace(/[］\]）)】]/gu, '〕')
    .replace(/\s+/gu, '');
}

/** Comparison form for words: width-folded, no spaces, lower case. */
function textKey(s: string): string {
  return s.normalize('NFKC').replace(/\s+/gu, '').toLowerCase();
}

function strings(v: unknown): string[] | undefined {
  if (!Array.isArray(v)) return undefined;
  const out = v.filter((x): x is string => typeof x === 'string').map((x) => x.trim()).filter((x) => x !== '');
  return out.length > 0 ? out : undefined;
}

/**
 * Reads stored filters (jsonb) leniently: unknown fields dropped, empty lists treated as absent,
 * warning days deduplicated and sorted largest first.
 */
export function parseFilters(raw: unknown): SubscriptionFilters {
  const o = raw !== null && typeof raw === 'object' ? (raw as Record<string, unknown>) : {};
  const warn = Array.isArray(o.warnDays)
    ? [...new Set(o.warnDays.filter((n): n is number => Number.isInteger(n) && (n as number) >= 0))].sort((a, b) => b - a)
    : [];
  const changes = strings(o.changes)?.filter((c): c is ChangeClassKind => (CHANGE_CLASSES as readonly string[]).includes(c));
  const out: Record<string, unknown> = {
    issuers: strings(o.issuers),
    regions: strings(o.regions),
    keywords: strings(o.keywords),
    numberPrefixes: strings(o.numberPrefixes),
    alertKinds: strings(o.alertKinds),
    warnDays: warn.length > 0 ? warn : undefined,
    changes: changes && changes.length > 0 ? changes : undefined,
  };
  for (const k of Object.keys(out)) if (out[k] === undefined) delete out[k];
  return out as SubscriptionFilters;
}

/** True when the subscription wants alerts of `topic` (all document topics when it names none). */
export function wantsTopic(filters: SubscriptionFilters, topic: AlertTopic): boolean {
  return filters.alertKinds === undefined || filters.alertKinds.includes(topic);
}

function regionMatches(region: string, doc: DocumentFacts): boolean {
  const name = region.replace(REGION_SUFFIX_RE, '');
  const haystacks = [doc.title, ...doc.issuers];
  if (haystacks.some((h) => h.includes(name))) return true;
  const abbreviations = REGION_ABBREVIATIONS[name] ?? (name.length === 1 ? [name] : []);
  const num = doc.docNumber ? numberKey(doc.docNumber) : '';
  return abbreviations.some((a) => num.startsWith(a));
}

/** True when the document passes the subscription's issuer, region, keyword and 文号 filters. */
export function matchesDocument(filters: SubscriptionFilters, doc: DocumentFacts): boolean {
  if (filters.issuers && !filters.issuers.some((i) => doc.issuers.some((d) => textKey(d).includes(textKey(i))))) return false;
  if (filters.regions && !filters.regions.some((r) => regionMatches(r, doc))) return false;
  if (filters.numberPrefixes) {
    const num = doc.docNumber ? numberKey(doc.docNumber) : null;
    if (num === null || !filters.numberPrefixes.some((p) => num.startsWith(numberKey(p)))) return false;
  }
  if (filters.keywords) {
    const hay = [doc.title, doc.text ?? ''].map(textKey);
    if (!filters.keywords.some((k) => hay.some((h) => h.includes(textKey(k))))) return false;
  }
  return true;
}

/**
 * The changes a subscription cares about: those with at least one class it asked for, or all of
 * them when it named none. An empty result means "no alert for this revision".
 */
export function selectChanges<C extends ClassifiedChange>(filters: SubscriptionFilters, changes: readonly C[]): C[] {
  const wanted = filters.changes;
  if (wanted === undefined) return [...changes];
  return changes.filter((c) => c.classes.some((k) => wanted.includes(k.kind)));
}

/**
 * The warning threshold an item `daysLeft` days from its end has crossed: the smallest threshold
 * not below `daysLeft` (77 days left with 90, 30, 7 → 90; 20 → 30), or null when it is farther
 * away than the largest. One alert per threshold: a scan that missed days sends only the
 * tightest threshold crossed, not the stale wider ones.
 */
export function warningThreshold(warnDays: readonly number[], daysLeft: number): number | null {
  if (daysLeft < 0) return null;
  let best: number | null = null;
  for (const t of warnDays) if (t >= daysLeft && (best === null || t < best)) best = t;
  return best;
}

/**
 * Warning days as typed (`90`, `30`, `7`): whole numbers of up to four digits, duplicates
 * dropped, largest first; null when any item is not such a number (or none is given).
 */
export function parseWarnDays(items: readonly string[]): number[] | null {
  if (items.length === 0 || !items.every((x) => /^\d{1,4}$/.test(x))) return null;
  return [...new Set(items.map(Number))].sort((a, b) => b - a);
}

/**
 * A subscription's address: a webhook's URL (http or https, returned normalized) or an e-mail
 * address. @returns the address, or what is wrong with it (to follow the value in a message).
 */
export function checkTarget(channel: 'webhook' | 'email', target: string): { readonly target: string } | { readonly problem: string } {
  if (channel === 'email') return /^[^@\s]+@[^@\s]+\.[^@\s]+$|^[^@\s]+@localhost$/.test(target) ? { target } : { problem: 'is not an e-mail address' };
  let u: URL;
  try {
    u = new URL(target);
  } catch {
    return { problem: 'is not a URL; give the full http(s) address' };
  }
  return u.protocol === 'http:' || u.protocol === 'https:' ? { target: u.toString() } : { problem: 'is not an http(s) URL' };
}

/** The thresholds of a subscription: its own, else {@link DEFAULT_WARN_DAYS}. */
export function warnDaysOf(filters: SubscriptionFilters): readonly number[] {
  return filters.warnDays ?? DEFAULT_WARN_DAYS;
}
