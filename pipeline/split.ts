/**
 * split: one page → the documents it carries.
 *
 * A bulletin carries several policies and then news; a notice (关于印发《X》的通知) wraps the
 * document X that users track; a government page wraps one document in a press release; a
 * newspaper page is news. The splitter finds anchors (notice titles, titled documents with a
 * number, news headlines inside a news section) and cuts the page between them.
 */
import { docNumberLine } from './docnumber.ts';
import {
  type PageLine,
  dateLine,
  isAttributionLine,
  isHeadlineLike,
  isNewsSectionHeader,
  isPolicySectionHeader,
  isPolicyTitle,
  issuerNames,
  noticeIssuedTitle,
  toPageLines,
} from './lines.ts';
import { parseMarker } from './markers.ts';
import type { DocumentKind } from './types.ts';

/** A stretch of a page holding one document, before segmentation. */
export interface PageSegment {
  /** `news` for stories; `policy` for official texts; `unknown` when only segmentation can tell. */
  readonly kind: DocumentKind | 'unknown';
  readonly title: string;
  /** Lines after the title, up to the next document. */
  readonly lines: readonly PageLine[];
  /** The wrapping notice, when the document was issued by one. */
  readonly notice: { readonly title: string; readonly lines: readonly PageLine[] } | null;
}

type AnchorType = 'notice' | 'titled' | 'headline' | 'news-section' | 'policy-section';
interface Anchor {
  readonly at: number;
  readonly type: AnchorType;
  /** For notices: the title of the document it issues. */
  readonly issued?: string;
}

/** Comparison key for titles: no spaces, one bracket style, no quotes or 《》. */
export function titleKey(s: string): string {
  return s
    .replace(/^关于/u, '')
    .replace(/[\s\u00a0\u3000]+/gu, '')
    .replace(/[（]/gu, '(')
    .replace(/[）]/gu, ')')
    .replace(/[《》〈〉<>“”"'‘’]/gu, '')
    .replace(/^[(（]?转载[)）]?/u, '');
}

function isProse(line: PageLine | undefined): boolean {
  return line !== undefined && (line.text.length > 30 || /[。！？]$/u.test(line.text));
}

/**
 * Re-join titles that a page broke over two or three lines (`…关于印发广州市就业见习` /
 * `基地管理办法的通知`) and order numbers split from their issuer (`广州市人民政府令` / `第179号`).
 */
export function mergeBrokenTitles(lines: readonly PageLine[]): PageLine[] {
  const out: PageLine[] = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const t = line.text;
    const n1 = lines[i + 1];
    if (n1 && /令$/u.test(t) && t.length <= 20 && /^第[0-9０-９]+号$/u.test(n1.text)) {
      out.push({ ...line, text: t + n1.text });
      i += 1;
      continue;
    }
    if (
      n1 &&
      noticeIssuedTitle(t) === null &&
      isHeadlineLike(t) &&
      t.length >= 6 &&
      !/[。；，,]/u.test(t) &&
      docNumberLine(t) === null &&
      !/^(?:发布日期|发布时间|日期|来源)|浏览次数/u.test(t)
    ) {
      const two = t.replace(/[\s\u00a0\u3000]+$/u, '') + n1.text;
      if (n1.text.length <= 40 && /(?:通知|决定)$/u.test(n1.text) && noticeIssuedTitle(two) !== null) {
        out.push({ ...line, text: two });
        i += 1;
        continue;
      }
      const n2 = lines[i + 2];
      if (n2 && n1.text.length <= 50 && n2.text.length <= 40 && /(?:通知|决定)$/u.test(n2.text)) {
        const three = t + n1.text + n2.text;
        if (noticeIssuedTitle(three) !== null && noticeIssuedTitle(n1.text + n2.text) !== null) {
          out.push({ ...line, text: three });
          i += 2;
          continue;
        }
      }
    }
    out.push(line);
  }
  return out;
}

function findAnchors(lines: readonly PageLine[]): Anchor[] {
  const anchors: Anchor[] = [];
  let mode: 'policy' | 'news' | 'unknown' = 'unknown';
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i]!;
    const t = line.text;
    const standsAlone = line.blankBefore && (lines[i + 1]?.blankBefore ?? true);
    const headsStory = isHeadlineLike(lines[i + 1]?.text ?? '') && isProse(lines[i + 2]);
    if (isNewsSectionHeader(t) && (standsAlone || headsStory)) {
      anchors.push({ at: i, type: 'news-section' });
      mode = 'news';
      continue;
    }
    if (isPolicySectionHeader(t)) {
      anchors.push({ at: i, type: 'policy-section' });
      mode = 'policy';
      continue;
    }
    // An order (…令第179号) followed by 《X》已经…通过，现予公布 issues X.
    const order = /令第[0-9]+号$/u.test(t) ? /^《([^》]+)》/u.exec(lines[i + 1]?.text ?? '') : null;
    const issued = order ? order[1]! : noticeIssuedTitle(t);
    if (issued !== null && !line.indented && t.length <= 120) {
      // A repeated notice title (page title, then the document's own title line) is one notice.
      const prev = anchors[anchors.length - 1];
      if (prev?.type === 'notice' && i - prev.at <= 6 && titleKey(lines[prev.at]!.text) === titleKey(t)) continue;
      anchors.push({ at: i, type: 'notice', issued });
      mode = 'policy';
      continue;
    }
    if (isPolicyTitle(t) && !line.indented) {
      const next = lines[i + 1];
      const before = lines[i - 1];
      const numbered = (next && docNumberLine(next.text)) || (before && docNumberLine(before.text));
      const insideNotice = anchors.length > 0 && anchors[anchors.length - 1]!.type === 'notice';
      if (numbered && !insideNotice) {
        anchors.push({ at: i, type: 'titled' });
        mode = 'policy';
        continue;
      }
    }
    // A story starts at a headline: set off by a blank line and not indented (when the page
    // kept its layout), or right after the previous story's attribution line or the section
    // header (when it did not). Indented short lines inside a story are its subheadings.
    const prevText = lines[i - 1]?.text ?? '';
    const storyBoundary =
      (line.blankBefore && !line.indented) || isAttributionLine(prevText) || isNewsSectionHeader(prevText);
    if (
      mode === 'news' &&
      storyBoundary &&
      !line.indented &&
      isHeadlineLike(t) &&
      !isAttributionLine(t) &&
      parseMarker(t) === null &&
      isProse(lines[i + 1])
    ) {
      anchors.push({ at: i, type: 'headline' });
    }
  }
  return anchors;
}

/** Does this stretch of lines look like content rather than page chrome (a bulletin's masthead)? */
function hasContent(lines: readonly PageLine[]): boolean {
  return lines.length >= 3 || lines.some((l) => l.text.length > 40);
}

/** Cut a notice region into the notice and the document it issues, when that document follows. */
function splitNotice(title: string, issued: string, lines: readonly PageLine[]): PageSegment {
  const key = titleKey(issued);
  for (let j = 0; j < lines.length; j++) {
    if (titleKey(lines[j]!.text) !== key) continue;
    let n = j;
    // Issuer lines right above the issued title (not the notice's own signature, which ends
    // with a date line) are the document's header: 中国人民银行 工业和信息化部 … on one line.
    const header: PageLine[] = [];
    while (n > 0 && issuerNames(lines[n - 1]!.text) !== null) {
      header.unshift(lines[n - 1]!);
      n--;
    }
    const noticeLines = lines.slice(0, n).filter((l) => !/^附件[:：]?$/u.test(l.text));
    return {
      kind: 'policy',
      title: lines[j]!.text,
      lines: [...header, ...lines.slice(j + 1)],
      notice: { title, lines: noticeLines },
    };
  }
  // The issued document may follow the notice's signed date with no title line of its own:
  // the numbered body starts right after the date.
  for (let j = 1; j + 1 < lines.length; j++) {
    if (dateLine(lines[j]!.text) === null) continue;
    const next = parseMarker(lines[j + 1]!.text);
    if (next && next.value === 1 && (next.style === 'tiao' || next.style === 'zhang' || next.style === 'cn')) {
      return { kind: 'policy', title: issued, lines: lines.slice(j + 1), notice: { title, lines: lines.slice(0, j + 1) } };
    }
  }
  // No issued document follows: the notice is itself the document (通知 with its own body).
  return { kind: 'policy', title, lines, notice: null };
}

/**
 * Split a page (extracted text, lines separated by `\n`) into the documents it carries.
 * Never throws; a page with no recognisable structure is one document of kind `unknown`
 * (segment decides between policy and news from what it finds).
 */
export function splitPage(text: string): PageSegment[] {
  const lines = mergeBrokenTitles(toPageLines(text));
  if (lines.length === 0) return [];
  const anchors = findAnchors(lines);
  const out: PageSegment[] = [];

  const firstAt = anchors.length > 0 ? anchors[0]!.at : lines.length;
  // A number line right above a notice title belongs to it (穗民规字〔2025〕2号 / title).
  let leadEnd = firstAt;
  if (firstAt > 0 && anchors[0] && docNumberLine(lines[firstAt - 1]!.text)) leadEnd = firstAt - 1;
  const lead = lines.slice(0, leadEnd);
  const sameAsFirst = anchors[0] !== undefined && lead[0] !== undefined && titleKey(lead[0].text) === titleKey(lines[firstAt]!.text);
  if (hasContent(lead) && !sameAsFirst) {
    const titleIdx = lead.findIndex((l) => isHeadlineLike(l.text) || isPolicyTitle(l.text));
    const ti = titleIdx >= 0 && titleIdx < 3 ? titleIdx : 0;
    out.push({ kind: 'unknown', title: lead[ti]!.text, lines: lead.slice(ti + 1), notice: null });
  }

  let news = false;
  for (let a = 0; a < anchors.length; a++) {
    const anchor = anchors[a]!;
    let end = a + 1 < anchors.length ? anchors[a + 1]!.at : lines.length;
    // Leave a number line that heads the next notice to that notice.
    if (a + 1 < anchors.length && end - 1 > anchor.at && docNumberLine(lines[end - 1]!.text) && anchors[a + 1]!.type === 'notice') {
      end -= 1;
    }
    const title = lines[anchor.at]!.text;
    const startBody = anchor.at + 1;
    let pre: PageLine[] = [];
    if (a > 0 && anchor.at > 0 && docNumberLine(lines[anchor.at - 1]!.text)) pre = [lines[anchor.at - 1]!];
    else if (a === 0 && leadEnd < firstAt) pre = [lines[leadEnd]!];
    // A page title repeated above the document's own title carries its history lines along.
    if (a === 0 && sameAsFirst) pre = [...lead.slice(1), ...pre];
    const body = [...pre, ...lines.slice(startBody, end)];
    switch (anchor.type) {
      case 'news-section':
        news = true;
        if (hasContent(body) && body.length > 0 && !(a + 1 < anchors.length && anchors[a + 1]!.at === startBody)) {
          // Text right under the section header with no headline of its own.
          if (body.some((l) => l.text.length > 40)) out.push({ kind: 'news', title, lines: body, notice: null });
        }
        break;
      case 'policy-section':
        news = false;
        break;
      case 'notice':
        news = false;
        out.push(splitNotice(title, anchor.issued!, body));
        break;
      case 'titled':
        news = false;
        out.push({ kind: 'policy', title, lines: body, notice: null });
        break;
      case 'headline':
        out.push({ kind: news ? 'news' : 'unknown', title, lines: body, notice: null });
        break;
    }
  }
  return out;
}
