/**
 * segment: one document (a {@link PageSegment}) → its metadata (title, 发文字号, issuers, signing
 * date) and its numbered provisions, flat and in order, with paths and levels as the
 * `segment --json` contract describes.
 */
import { docNumberLine, findDocNumbers } from './docnumber.ts';
import { dateLine, historyIssuer, historyLineDate, orderIssuer, isAddresseeLine, isAttributionLine, issuerNames, type PageLine } from './lines.ts';
import { type Marker, parseMarker } from './markers.ts';
import { type PageSegment, titleKey } from './split.ts';
import type { DocumentKind, IsoDate, IssuingNotice, Provision, ProvisionLevel } from './types.ts';

/** What segmentation reads from one document, before validity and measures. */
export interface SegmentedDocument {
  readonly title: string;
  readonly kind: DocumentKind;
  readonly docNumber: string | null;
  readonly docNumberRaw: string | null;
  readonly issuers: readonly string[];
  readonly signedOn: IsoDate | null;
  readonly provisions: readonly Provision[];
  /** Body text (original characters, one paragraph a line), title excluded. */
  readonly text: string;
  readonly notice: IssuingNotice | null;
  /** Date printed with a news story's attribution, when there is one. */
  readonly publishedOn: IsoDate | null;
}

/** Path and label of the unnumbered text before and after the numbered body. */
export const PREAMBLE_LABEL = '前言';
export const CLOSING_LABEL = '结尾';

/** Colophon lines (版记) that close an official document and are not part of its text. */
const COLOPHON = /^(?:公开方式|抄送|抄报|主送|联系人|联系电话|（此件|\(此件|此件公开发布|信息公开选项)|\d{4}年\d{1,2}月\d{1,2}日印发$|印发$/u;
/** Attachment lines end the numbered body: `附件：…`, `附件1：…`, `附件:政府投资基金投向评价指标体系(略)`. */
const ATTACHMENT = /^附\s*件\s*[0-9一二三四五六七八九十]*\s*[:：．.]?/u;
/** A paragraph in which the text speaks of itself: starts the closing part of a policy-family text. */
const SELF_REFERENCE = /^(?:本(?:办法|规定|意见|措施|方案|通知|细则|条例|决定|规则|指引|计划|实施方案|工作方案|若干措施|政策|文件|指南|标准|公告)|以上|上述)/u;

function compactHeading(s: string): string {
  // `总  则` → `总则`: spaces between CJK characters in a heading are layout.
  return s.replace(/(?<=[\u4e00-\u9fff])[\s\u00a0\u3000]+(?=[\u4e00-\u9fff])/gu, '').trim();
}

/** Is `rest` (what follows a marker) a heading only, with the text to come on later lines? */
function isHeadingOnly(marker: Marker, rest: string): boolean {
  if (rest === '') return true;
  if (marker.level === 'part' || marker.level === 'chapter' || marker.level === 'section') {
    return marker.style !== 'cn' || (rest.length <= 40 && !/[。；;]/u.test(rest));
  }
  if (marker.style === 'tiao') return false;
  return rest.length <= 30 && !/[。；;！？，,：:]/u.test(rest);
}

interface Open {
  readonly marker: Marker;
  readonly path: string;
  readonly index: number;
}

interface MutableProvision {
  path: string;
  label: string;
  level: ProvisionLevel;
  heading: string | null;
  paragraphs: string[];
}

/**
 * Build the provision list from body lines. Markers must follow in sequence to count (so a
 * paragraph opening with a cross-reference such as `第一条第（一）项…` is not taken for an article).
 */
export function buildProvisions(lines: readonly string[]): Provision[] {
  const out: MutableProvision[] = [];
  const stack: Open[] = [];
  const lastInParent = new Map<string, number>();
  const lastOfStyle = new Map<string, number>();
  let lastArticle: { value: number; sub: number } | null = null;
  let lawFamily = false;
  let closing: MutableProvision | null = null;
  let preamble: MutableProvision | null = null;
  const paths = new Set<string>();

  const parentFor = (rank: number): Open | undefined => {
    for (let k = stack.length - 1; k >= 0; k--) if (stack[k]!.marker.rank < rank) return stack[k];
    return undefined;
  };
  const accept = (m: Marker): boolean => {
    if (m.style === 'tiao') {
      if (lastArticle === null) return true;
      if (m.value > lastArticle.value) return m.value - lastArticle.value <= 20;
      return m.value === lastArticle.value && m.sub > lastArticle.sub;
    }
    if (m.style === 'zhang' || m.style === 'bian' || m.style === 'jie') {
      // Headings may skip a number (a chapter heading lost in conversion); never go back.
      const parent = parentFor(m.rank);
      const last = lastInParent.get(`${parent?.path ?? ''}|${m.style}`);
      return last === undefined ? m.value <= 3 : m.value > last && m.value - last <= 3;
    }
    if (m.style === 'cn' && /^[一二三四五六七八九十]+[级等类档个项种]/u.test(m.rest)) return false;
    const parent = parentFor(m.rank);
    const key = `${parent?.path ?? ''}|${m.style}`;
    const last = lastInParent.get(key);
    if (last !== undefined) return m.value === last + 1;
    if (m.value === 1) return true;
    // Numbering that runs on across headings (Guangdong tasks 1–15 across three headings).
    const global = lastOfStyle.get(m.style);
    return global !== undefined && m.value === global + 1;
  };

  // 一、 headings above articles (judicial interpretations: `一、程序规定` then 第一条…) rank
  // between sections and articles; 一、 met inside an article is an enumeration below it.
  let cnRank: number | null = null;
  for (const raw of lines) {
    const line = raw.trim();
    if (line === '') continue;
    let m = closing ? null : parseMarker(line);
    if (m && m.style === 'cn') {
      cnRank ??= lastArticle === null ? 2.5 : 4;
      m = { ...m, rank: cnRank };
    }
    if (m && accept(m)) {
      while (stack.length > 0 && stack[stack.length - 1]!.marker.rank >= m.rank) stack.pop();
      const parent = stack[stack.length - 1];
      let path = parent ? `${parent.path}/${m.label}` : m.label;
      for (let n = 2; paths.has(path); n++) path = `${parent ? `${parent.path}/` : ''}${m.label}#${n}`;
      paths.add(path);
      const headingOnly = isHeadingOnly(m, m.rest);
      out.push({
        path,
        label: m.label,
        level: m.level,
        heading: headingOnly && m.rest !== '' ? compactHeading(m.rest) : null,
        paragraphs: headingOnly ? [] : [m.rest],
      });
      stack.push({ marker: m, path, index: out.length - 1 });
      lastInParent.set(`${parent?.path ?? ''}|${m.style}`, m.value);
      lastOfStyle.set(m.style, m.value);
      if (m.style === 'tiao') {
        lastArticle = { value: m.value, sub: m.sub };
        lawFamily = true;
      }
      continue;
    }
    if (closing) {
      closing.paragraphs.push(line);
      continue;
    }
    if (stack.length === 0) {
      if (out.length === 0 || out[out.length - 1] === preamble) {
        if (!preamble) {
          preamble = { path: PREAMBLE_LABEL, label: PREAMBLE_LABEL, level: 'preamble', heading: null, paragraphs: [] };
          out.push(preamble);
        }
        preamble.paragraphs.push(line);
        continue;
      }
    }
    // Closing part of a policy-family text: `本措施自2026年1月1日起实施…` after the last item.
    if (!lawFamily && stack.length > 0 && SELF_REFERENCE.test(line)) {
      closing = { path: CLOSING_LABEL, label: CLOSING_LABEL, level: 'closing', heading: null, paragraphs: [line] };
      out.push(closing);
      stack.length = 0;
      continue;
    }
    // A paragraph after an article's items, once the list is closed by 。, is a new 款 of the article.
    let target = stack[stack.length - 1];
    if (lawFamily && target && target.marker.rank > 3) {
      const prev = out[target.index]!;
      const lastPara = prev.paragraphs[prev.paragraphs.length - 1] ?? '';
      if (/[。]$/u.test(lastPara)) {
        const article = [...stack].reverse().find((o) => o.marker.style === 'tiao');
        if (article) target = article;
      }
    }
    if (target) out[target.index]!.paragraphs.push(line);
    else if (preamble) preamble.paragraphs.push(line);
  }
  return out.map((p) => ({ path: p.path, label: p.label, level: p.level, heading: p.heading, text: p.paragraphs.join('\n') }));
}

/** Signature block at the end of a list of lines: issuers and date, and where it starts. */
function trailingSignature(lines: readonly string[]): { start: number; issuers: string[]; date: IsoDate | null } {
  let end = lines.length;
  let date: IsoDate | null = null;
  if (end > 0) {
    date = dateLine(lines[end - 1]!);
    if (date) end -= 1;
  }
  const { start, issuers } = issuersAbove(lines, end);
  // Names with no date under them are table cells or headings, not a signature.
  if (!date) return { start: lines.length, issuers: [], date: null };
  return { start, issuers, date };
}

/** The issuing bodies on the lines right above `end` (one or more a line), and where they start. */
function issuersAbove(lines: readonly string[], end: number): { start: number; issuers: string[] } {
  const issuers: string[] = [];
  let start = end;
  while (start > 0) {
    const names = issuerNames(lines[start - 1]!);
    if (!names) break;
    issuers.unshift(...names);
    start -= 1;
  }
  return { start, issuers };
}

/**
 * A signature block inside the text when none closes it: issuing bodies on their own lines with
 * the date under them, followed by more text — the attachments after a notice's signature
 * (`…广州市卫生健康委员会 / 2019年6月14日 / 附件1 / …`), or the measures a notice re-publishes
 * (`广州市人民政府办公厅 / 2025年6月30日 / 广州市积分制入户管理办法 / 第一条…`). The first such
 * block counts; a date line with no bodies above it is not one.
 */
function innerSignature(lines: readonly string[]): { issuers: string[]; date: IsoDate } | null {
  for (let i = 1; i < lines.length - 1; i++) {
    const date = dateLine(lines[i]!);
    if (!date) continue;
    const { issuers } = issuersAbove(lines, i);
    if (issuers.length > 0) return { issuers, date };
  }
  return null;
}

/** Issuers named before 关于 in a title: `广州市民政局  广州市财政局关于…` → both bodies. */
export function issuersFromTitle(title: string): string[] {
  const m = /^(.{2,80}?)(?:关于|印发|转发)/u.exec(title);
  if (!m) return [];
  const names: string[] = [];
  for (const part of m[1]!.split(/[\s\u00a0\u3000、，,]+/u)) {
    const p = part.replace(/等(?:[0-9一二三四五六七八九十]+)?(?:个)?(?:部门|单位|机构)$/u, '');
    const n = issuerNames(p);
    if (n) names.push(...n);
  }
  return names;
}

function stripColophon(lines: string[]): string[] {
  let end = lines.length;
  while (end > 0 && COLOPHON.test(lines[end - 1]!)) end--;
  // The colophon block may sit behind the signature: cut from its first line on.
  const first = lines.findIndex((l, i) => i > 0 && /^(?:公开方式|抄送)[:：]/u.test(l));
  if (first > 0 && first < end) end = first;
  return lines.slice(0, end);
}

function noticeOf(title: string, lines: readonly PageLine[]): { notice: IssuingNotice; docNumberRaw: string | null } {
  const texts = stripColophon(lines.map((l) => l.text));
  let docNumber: string | null = null;
  let docNumberRaw: string | null = null;
  const titleNumber = docNumberLine(title);
  if (titleNumber) {
    docNumber = titleNumber.normalized;
  }
  for (const t of texts.slice(0, 6)) {
    const d = docNumberLine(t);
    if (d && !docNumber) {
      docNumber = d.normalized;
      if (d.repaired || d.raw !== d.normalized) docNumberRaw = d.raw;
      break;
    }
  }
  const sig = trailingSignature(texts);
  const body = texts.filter((t) => !docNumberLine(t) && !/^(?:发布日期|发布时间)[:：]/u.test(t));
  const notice: IssuingNotice = {
    title,
    docNumber,
    signedOn: sig.date,
    issuers: sig.issuers.length > 0 ? sig.issuers : issuersFromTitle(title),
    text: body.join('\n'),
  };
  return { notice, docNumberRaw };
}

/**
 * Segment one page segment into a document. `joinLines` re-joins lines broken inside sentences
 * (the normalize stage); it is applied to the body before numbering is read.
 */
export function segmentDocument(seg: PageSegment, joinLines: (lines: readonly string[]) => string[]): SegmentedDocument {
  const wrapped = seg.notice ? noticeOf(seg.notice.title, seg.notice.lines) : null;
  const notice = wrapped?.notice ?? null;
  let lines = stripColophon(seg.lines.map((l) => l.text).filter((t) => !/^(?:发布日期|发布时间)[:：]|浏览次数/u.test(t)));

  // Header: number line, addressees, issuer header lines, law promulgation history, `（…公布）`.
  let docNumber: string | null = notice?.docNumber ?? null;
  let docNumberRaw: string | null = wrapped?.docNumberRaw ?? null;
  const headerIssuers: string[] = [];
  let historyDate: IsoDate | null = null;
  let h = 0;
  for (; h < Math.min(lines.length, 60); h++) {
    const t = lines[h]!;
    // The title repeated under the page title (Markdown laws: `# 标题` … `标题`).
    if (titleKey(t) === titleKey(seg.title)) continue;
    const num = docNumberLine(t);
    if (num) {
      if (!docNumber) docNumber = num.normalized;
      if (num.repaired || num.raw !== num.normalized) docNumberRaw ??= num.raw;
      continue;
    }
    const hist = historyLineDate(t.replace(/^[（(]/u, ''));
    if (hist) {
      historyDate = hist;
      // `（2021年7月27日中华人民共和国国务院令第746号公布）` also carries the number.
      const nums = findDocNumbers(t);
      if (!docNumber && nums[0]) docNumber = nums[0].normalized;
      // The adopting body is named in the first history line; later lines are amendments.
      const org = headerIssuers.length === 0 ? historyIssuer(t) : null;
      if (org) headerIssuers.push(org);
      continue;
    }
    // Page metadata, not text: `来源:` with the publishing body on it or on the next line.
    const source = h < 8 ? /^(?:来源|信息来源|发布机构)[:：][\s\u3000]*(.*)$/u.exec(t) : null;
    if (source) {
      let name = source[1]!.trim();
      if (name === '' && h + 1 < lines.length && issuerNames(lines[h + 1]!)) name = lines[++h]!;
      const names = name === '' ? null : issuerNames(name);
      if (names && headerIssuers.length === 0) headerIssuers.push(...names);
      continue;
    }
    if (isAddresseeLine(t) && h < 4) continue;
    const names = issuerNames(t);
    if (names && parseMarker(t) === null) {
      headerIssuers.push(...names);
      continue;
    }
    if (/^[（(].{0,60}(?:通过|公布|发布|施行|修订|修正)[）)]$/u.test(t)) continue;
    break;
  }
  lines = lines.slice(h);

  const trailing = trailingSignature(lines);
  const inner = trailing.date === null ? innerSignature(lines) : null;
  const sig = inner ? { ...trailing, ...inner } : trailing;
  const bodyLines = lines.slice(0, sig.start);
  const joined = joinLines(bodyLines);

  // Attachments close the numbered body.
  const provisionsLines: string[] = [];
  const closingLines: string[] = [];
  for (const t of joined) {
    if (closingLines.length > 0 || (ATTACHMENT.test(t) && provisionsLines.length > 0)) closingLines.push(t);
    else provisionsLines.push(t);
  }

  let kind: DocumentKind = seg.kind === 'unknown' ? 'news' : seg.kind;
  let provisions: Provision[] = [];
  const built = buildProvisions(provisionsLines);
  const numbered = built.filter((p) => p.level !== 'preamble' && p.level !== 'closing');
  if (seg.kind === 'unknown') {
    // A page of unknown kind is a policy when it reads like one: a body of numbered provisions
    // under an official title, or an official number; otherwise it is news.
    const articles = numbered.filter((p) => p.level === 'article').length;
    const official = docNumber !== null || notice !== null || /(?:法|条例|办法|规定|细则|规则|决定|解释|意见|措施|方案|通知)(?:[（(](?:试行|暂行)[）)])?$|修正案(?:[（(][一二三四五六七八九十百零〇]+[）)])?$/u.test(seg.title);
    if (official && (articles >= 2 || numbered.length >= 3)) kind = 'policy';
  }
  if (kind === 'policy') {
    provisions = built;
    if (closingLines.length > 0) {
      const last = provisions[provisions.length - 1];
      if (last && last.level === 'closing') {
        provisions[provisions.length - 1] = { ...last, text: [last.text, ...closingLines].join('\n') };
      } else {
        provisions.push({ path: CLOSING_LABEL, label: CLOSING_LABEL, level: 'closing', heading: null, text: closingLines.join('\n') });
      }
    }
  }

  const named = sig.issuers.length > 0 ? sig.issuers : headerIssuers.length > 0 ? headerIssuers : (notice?.issuers ?? issuersFromTitle(seg.title));
  // An order (`广州市人民政府令第179号`) names its issuer when nothing else does.
  const byOrder = named.length === 0 && docNumber !== null ? orderIssuer(docNumber) : null;
  const issuers = byOrder ? [byOrder] : named;
  const attribution = kind === 'news' ? [...joined].reverse().find((t) => isAttributionLine(t)) : undefined;
  const published = attribution ? /(\d{4})-(\d{1,2})-(\d{1,2})$/u.exec(attribution) : null;

  return {
    title: tidyTitle(seg.title),
    kind,
    docNumber: kind === 'policy' ? docNumber : null,
    docNumberRaw: kind === 'policy' ? docNumberRaw : null,
    issuers: kind === 'policy' ? dedupe(issuers) : [],
    signedOn: kind === 'policy' ? (notice?.signedOn ?? sig.date ?? historyDate) : null,
    provisions,
    text: [...joined, ...lines.slice(sig.start)].join('\n'),
    notice,
    publishedOn: published ? `${published[1]}-${published[2]!.padStart(2, '0')}-${published[3]!.padStart(2, '0')}` : null,
  };
}

/** Title with layout spaces tidied: runs collapsed, none around 关于. */
export function tidyTitle(title: string): string {
  return title.replace(/[\s\u00a0\u3000]+/gu, ' ').replace(/ ?关于 ?/u, '关于').trim();
}

function dedupe(names: readonly string[]): string[] {
  return [...new Set(names)];
}
