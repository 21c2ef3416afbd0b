/**
 * extract: a fetched page (HTML, Markdown or plain text, already decoded) → the text of its main
 * content, one paragraph per line, with the site chrome dropped and the page's own publish time
 * and source read from its "来源" line. Original characters are kept; nothing is normalized.
 */
import { load, type CheerioAPI } from 'cheerio';
import type { AnyNode, Element } from 'domhandler';
import { cleanLine, joinBrokenLines } from './normalize.ts';

/** The three input formats. */
export type TextFormat = 'html' | 'markdown' | 'text';

/** What the fetcher knows about the input: HTTP Content-Type and/or file name. */
export interface FormatHint {
  readonly contentType?: string;
  readonly fileName?: string;
}

/** The main content of a page and what was read from its chrome. */
export interface Extracted {
  /** Paragraphs joined by `\n` (no blank lines), original characters kept. */
  readonly text: string;
  readonly format: TextFormat;
  /** HTML `<h1>`/`<title>` or the Markdown `# ` title; null when there is none. */
  readonly title: string | null;
  /** `YYYY-MM-DD` from the page's publish-time line (`2025-08-05 16:28 来源：…`, `发布日期：2024-09-12`); never the signing date. */
  readonly publishedOn: string | null;
  /** The value of the page-level `来源` field (`中国人民银行网站`), or null. */
  readonly source: string | null;
}

// ---------------------------------------------------------------------------------------------
// Format detection
// ---------------------------------------------------------------------------------------------

const HTML_EXT = /\.(?:html?|shtml|xhtml|jsp|aspx?|php)$/i;
const MD_EXT = /\.(?:md|markdown|mdown)$/i;
const HTML_START = /^(?:\s|<!--[\s\S]*?-->)*<(?:!doctype\s+html|html[\s>]|head[\s>]|body[\s>]|meta\s)/i;
const HTML_TAG = /<(?:p|div|br|span|table|td|tr|li|h[1-6]|a|font|strong)\b[^>]*>/gi;
/** Tags counted in the first part of a file before it is taken for HTML without a doctype. */
const MIN_HTML_TAGS = 5;
const MD_MARKERS = [
  /^ {0,3}#{1,6}[ \t]+\S/m,
  /<!--[\s\S]*?-->/,
  /!?\[[^\]\n]+\]\([^)\n]*\)/,
  /\*\*[^*\n]+\*\*/,
  /^ {0,3}(?:[-*_][ \t]*){3,}$/m,
  /^ {0,3}\|.*\|[ \t]*$/m,
];

/**
 * The format of `content`: an explicit HTML or Markdown Content-Type wins, then the file name's
 * extension (`.html`, `.md`; `.txt` says nothing, seeds saved as `.txt` carry Markdown), then
 * the content itself (a doctype or `<html>`, or several block tags → html; heading marks, HTML
 * comments, links, bold, rules or tables → markdown; otherwise text).
 *
 * @example detectFormat('# 标题\n\n正文', { fileName: 'a.txt' }) // → 'markdown'
 */
export function detectFormat(content: string, hint?: FormatHint): TextFormat {
  const ct = hint?.contentType?.toLowerCase() ?? '';
  if (ct.includes('html')) return 'html';
  if (ct.includes('markdown')) return 'markdown';
  // A server that says text/plain is believed over a URL ending in .html.
  if (ct.startsWith('text/plain')) return 'text';
  const name = hint?.fileName ?? '';
  if (HTML_EXT.test(name)) return 'html';
  if (MD_EXT.test(name)) return 'markdown';
  const head = content.slice(0, 65536).replace(/^\uFEFF/, '');
  if (HTML_START.test(head)) return 'html';
  const tags = head.match(HTML_TAG);
  if (tags !== null && tags.length >= MIN_HTML_TAGS) return 'html';
  if (MD_MARKERS.some((re) => re.test(head))) return 'markdown';
  return 'text';
}

// ---------------------------------------------------------------------------------------------
// Chrome
// ---------------------------------------------------------------------------------------------

/** Breadcrumb labels: `您当前所在位置:主页 > …`, `当前位置：首页 > …`, `您的位置：…`. */
const BREADCRUMB_LABEL = /^(?:您|你)?(?:当前|现在)?(?:所在|的)?(?:位置|页面)\s*[:：]/u;
/** A path of two or more steps from the home page: `首页 > 政务公开 > 政策文件`. */
const BREADCRUMB_PATH = /^(?:网站)?(?:首页|主页)\s*(?:[>＞»›/]|&gt;)/u;
/** Longest line taken for chrome (breadcrumb, footer, meta). Policy sentences are longer or end in 。. */
const MAX_CHROME_LENGTH = 120;

/** Markers of footer and tool-bar lines. A line holding one is chrome only if it is short and has no 。. */
const FOOTER_MARKERS: readonly string[] = [
  '主办单位', '承办单位', '协办单位', '运行维护单位', '维护单位', '技术支持：', '技术支持:', '网站维护',
  '版权所有', 'Copyright', 'copyright', 'COPYRIGHT', '©', 'ICP备', 'ICP证', '公网安备', '网站标识码',
  '中文域名', '打印本页', '关闭窗口', '【打印】', '【关闭】', '[打印]', '[关闭]', '分享到', '字体：大', '字体:大',
  '【字体', '字号：大', '字号:大', '扫一扫', '返回顶部', '网站地图', '浏览次数', '阅读次数', '访问次数', '点击数：',
  '点击数:', '免责声明', '建议使用', '分辨率', '上一篇：', '上一篇:', '下一篇：', '下一篇:',
];
/** Lines that are nothing but tool-bar words (`打印 关闭`, `【大】【中】【小】`). */
const TOOLBAR_ONLY = /^(?:[【\[]?\s*(?:打印|关闭|收藏|分享|大|中|小|默认|返回|顶部|字号|字体|背景色|保存|纠错)\s*[】\]]?[\s|｜/:：]*)+$/u;
/** A numbered provision never counts as chrome, whatever it mentions. */
const PROVISION_START = /^(?:第[〇零一二两三四五六七八九十百千\d]+[条章节]|[一二三四五六七八九十]+、|[（(][一二三四五六七八九十\d]+[）)])/u;

/** Page-level meta fields: `发布日期：2024-09-12`, `发布时间：…`, `来源：…`. */
const META_LABEL = /^(?:【?\s*)(?:发布(?:日期|时间)|发表(?:日期|时间)|更新(?:日期|时间)|日期|时间|来源|信息来源|文章来源)\s*[:：】]/u;
/** A line starting with a web timestamp: ISO date with an optional time, or a Chinese date with a time. */
const META_STAMP = /^(?:\d{4}[-/.]\d{1,2}[-/.]\d{1,2}(?:\s+\d{1,2}:\d{2}(?::\d{2})?)?|\d{4}年\d{1,2}月\d{1,2}日\s*\d{1,2}[:：]\d{2}(?::\d{2})?)(?=\s|$|来源|作者|浏览)/u;
const DATE_IN_META = /(\d{4})\s*[-/.年]\s*(\d{1,2})\s*[-/.月]\s*(\d{1,2})/u;
const SOURCE_IN_META = /来源\s*[:：】]\s*(.*?)\s*(?=(?:作者|浏览|阅读|点击|访问|字号|字体|【|\[|发布|责任编辑|编辑|分享|打印|$))/u;
/** Non-empty lines at the top of the content in which the page-level meta line is looked for. */
const META_HEAD_LINES = 12;

function isBreadcrumb(line: string): boolean {
  if (line.length > MAX_CHROME_LENGTH) return false;
  if (BREADCRUMB_LABEL.test(line)) return true;
  if (BREADCRUMB_PATH.test(line)) return true;
  return false;
}

function isFooter(line: string): boolean {
  if (line.length > MAX_CHROME_LENGTH || line.includes('。') || PROVISION_START.test(line)) return false;
  if (TOOLBAR_ONLY.test(line)) return true;
  return FOOTER_MARKERS.some((m) => line.includes(m));
}

/** Meta fields read from a page-level meta line, or null when `line` is not one. */
function readMeta(line: string): { date: string | null; source: string | null } | null {
  if (line.length > MAX_CHROME_LENGTH || line.includes('。')) return null;
  if (!META_LABEL.test(line) && !META_STAMP.test(line)) return null;
  // `日期：` / `时间：` alone could label a signature block; require a usable value.
  const d = DATE_IN_META.exec(line);
  const s = SOURCE_IN_META.exec(line);
  const date = d ? isoDate(d[1]!, d[2]!, d[3]!) : null;
  const source = s && s[1] ? cleanLine(s[1]) || null : null;
  if (date === null && source === null) return null;
  return { date, source };
}

function isoDate(y: string, m: string, d: string): string | null {
  const mm = Number(m);
  const dd = Number(d);
  if (mm < 1 || mm > 12 || dd < 1 || dd > 31) return null;
  return `${y}-${String(mm).padStart(2, '0')}-${String(dd).padStart(2, '0')}`;
}

interface Dechromed {
  readonly lines: string[];
  readonly publishedOn: string | null;
  readonly source: string | null;
}

/**
 * Drops breadcrumbs, footers and tool-bar lines anywhere, and the page-level meta line(s) in the
 * head of the page (the first {@link META_HEAD_LINES} non-empty lines, plus `extraHead`, lines of
 * the page that came before the content block). Attribution lines deeper in the page
 * (`来源:中国经营报 石健 2026-01-10` under a news story) are content and stay.
 */
function dropChrome(rawLines: readonly string[], extraHead: readonly string[] = []): Dechromed {
  let publishedOn: string | null = null;
  let source: string | null = null;
  const take = (meta: { date: string | null; source: string | null }): void => {
    publishedOn ??= meta.date;
    source ??= meta.source;
  };
  for (const l of extraHead) {
    const meta = readMeta(cleanLine(l));
    if (meta) take(meta);
  }
  const lines: string[] = [];
  let seen = 0;
  for (const raw of rawLines) {
    const line = cleanLine(raw);
    if (line === '') continue;
    seen++;
    // The meta line first: it often carries tool-bar words too (`发布日期：… 浏览次数：-`).
    if (seen <= META_HEAD_LINES) {
      const meta = readMeta(line);
      if (meta) {
        take(meta);
        continue;
      }
    }
    if (isBreadcrumb(line) || isFooter(line)) continue;
    lines.push(line);
  }
  return { lines, publishedOn, source };
}

// ---------------------------------------------------------------------------------------------
// Markdown
// ---------------------------------------------------------------------------------------------

const MD_HEADING = /^ {0,3}(#{1,6})(?:[ \t]+|(?=[^\x00-\x7f]))(.*?)(?:[ \t]+#+)?[ \t]*$/u;
const MD_RULE = /^ {0,3}(?:([-*_])[ \t]*){3,}$/;
const MD_TABLE_SEP = /^ {0,3}\|?[ \t]*:?-{3,}:?[ \t]*(?:\|[ \t]*:?-{3,}:?[ \t]*)*\|?[ \t]*$/;
const MD_TABLE_ROW = /^ {0,3}\|(.*)\|[ \t]*$/;

/** Inline Markdown → plain text: images dropped, links keep their text, emphasis marks removed. */
function stripInline(s: string): string {
  return s
    .replace(/!\[[^\]]*\]\((?:[^()\s]|\([^)]*\))*(?:\s+"[^"]*")?\)/g, '')
    .replace(/\[([^\]]+)\]\((?:[^()]|\([^)]*\))*\)/g, '$1')
    .replace(/\[([^\]]+)\]\[[^\]]*\]/g, '$1')
    .replace(/<((?:https?|mailto):[^>\s]+)>/g, '$1')
    .replace(/<br\s*\/?>/gi, '\n')
    .replace(/<\/?[a-zA-Z][a-zA-Z0-9]*(?:\s[^<>]*)?\/?>/g, '')
    .replace(/(\*\*|__)(?=\S)([\s\S]*?\S)\1/g, '$2')
    .replace(/~~(?=\S)([\s\S]*?\S)~~/g, '$1')
    .replace(/(^|[^*\w])\*(?=[^\s*])([^*\n]*?[^\s*])\*(?![*\w])/g, '$1$2')
    .replace(/`([^`\n]+)`/g, '$1')
    .replace(/\\([\\`*_{}[\]()#+\-.!|>~])/g, '$1');
}

function markdownLines(content: string): { lines: string[]; title: string | null } {
  const text = content.replace(/^\uFEFF/, '').replace(/<!--[\s\S]*?-->/g, '');
  const lines: string[] = [];
  let title: string | null = null;
  for (const raw of text.split(/\r\n|\r|\n/)) {
    if (/^ {0,3}(?:```|~~~)/.test(raw) || MD_RULE.test(raw) || MD_TABLE_SEP.test(raw)) continue;
    let line = raw;
    const h = MD_HEADING.exec(line);
    if (h) {
      line = h[2]!;
      if (h[1] === '#' && title === null) title = cleanLine(stripInline(line)) || null;
    } else {
      const row = MD_TABLE_ROW.exec(line);
      if (row) line = row[1]!.split('|').map((c) => c.trim()).filter((c) => c !== '').join(' ');
      line = line.replace(/^ {0,3}>[ \t]?/, '').replace(/^ {0,3}[-*+][ \t]+(?=\S)/, '');
    }
    lines.push(...stripInline(line).split('\n'));
  }
  return { lines, title };
}

// ---------------------------------------------------------------------------------------------
// HTML
// ---------------------------------------------------------------------------------------------

/** Elements that never hold content. */
const DROP_TAGS =
  'script, style, noscript, template, iframe, svg, canvas, object, embed, map, nav, header, footer, aside, form, select, button, input, textarea, link, meta';
/** Common chrome containers on government sites (by id or class). */
const DROP_CHROME =
  '.breadcrumb, .breadcrumbs, .crumb, .crumbs, .bread, .position, .location, .curmb, #breadcrumb, ' +
  '.header, .footer, #header, #footer, .nav, .navbar, .menu, #nav, #menu, .share, .bdsharebuttonbox, ' +
  '.print, .sidebar, .side, #sidebar, .toolbar, .tools, .skip, .foot, #foot, .top, #top';
/** Main-content containers used by Chinese government sites, in order of trust. */
const MAIN_SELECTORS: readonly string[] = [
  '.TRS_Editor', '#UCAP-CONTENT', '#zoom', '#Zoom', '.pages_content', '.article-content', '.article_content',
  '#article', '.article', 'article', '.content', '#content', 'main', '.main-content', '.main',
];
/** CJK characters a selected container must hold to be taken for the content. */
const MIN_MAIN_CJK = 30;
/** Share of its parent's CJK text a child must hold for the search to descend into it. */
const DESCEND_SHARE = 0.7;

const BLOCK_TAGS = new Set([
  'p', 'div', 'li', 'ul', 'ol', 'dl', 'dt', 'dd', 'tr', 'table', 'tbody', 'thead', 'tfoot', 'caption',
  'h1', 'h2', 'h3', 'h4', 'h5', 'h6', 'section', 'article', 'main', 'blockquote', 'pre', 'hr', 'address',
  'figure', 'figcaption', 'center', 'fieldset', 'legend', 'header', 'footer', 'body', 'html',
]);
const CELL_TAGS = new Set(['td', 'th']);
const SKIP_TAGS = new Set(DROP_TAGS.split(', '));

const CJK = /[\u3400-\u9fff\uf900-\ufaff]/gu;

function cjkCount(s: string): number {
  return s.match(CJK)?.length ?? 0;
}

function isElement(n: AnyNode): n is Element {
  return n.type === 'tag' || n.type === 'script' || n.type === 'style';
}

/**
 * Collapses HTML whitespace like a browser, except that a line break between two CJK characters
 * disappears (source files wrap Chinese text anywhere; a space there is an artefact).
 */
function collapseWhitespace(s: string): string {
  return s.replace(/[ \t\r\n\f]+/g, (ws, offset: number, all: string) => {
    if (/[\r\n]/.test(ws)) {
      const before = all[offset - 1] ?? '';
      const after = all[offset + ws.length] ?? '';
      if (/[^\x00-\x7f]/.test(before) && /[^\x00-\x7f]/.test(after)) return '';
    }
    return ' ';
  });
}

/** Text of a subtree with block elements, `<br>` and table rows turned into line breaks. */
function blockText(node: AnyNode): string {
  const parts: string[] = [];
  const walk = (n: AnyNode): void => {
    if (n.type === 'text') {
      parts.push(collapseWhitespace((n as unknown as { data: string }).data));
      return;
    }
    if (!isElement(n)) {
      if ('children' in n) for (const c of (n as { children: AnyNode[] }).children) walk(c);
      return;
    }
    const name = n.name.toLowerCase();
    if (name === 'br') {
      parts.push('\n');
      return;
    }
    if (SKIP_TAGS.has(name)) return;
    const block = BLOCK_TAGS.has(name);
    const cell = CELL_TAGS.has(name);
    if (block) parts.push('\n');
    if (cell) parts.push(' ');
    for (const c of n.children) walk(c);
    if (cell) parts.push(' ');
    if (block) parts.push('\n');
  };
  walk(node);
  return parts.join('');
}

function textLines(node: AnyNode): string[] {
  return blockText(node)
    .split('\n')
    .map((l) => cleanLine(l.replace(/ {2,}/g, ' ')))
    .filter((l) => l !== '');
}

/** The element holding the page's main content. */
function selectMain($: CheerioAPI): Element | null {
  for (const sel of MAIN_SELECTORS) {
    let best: Element | null = null;
    let bestCount = 0;
    for (const el of $(sel).toArray()) {
      if (!isElement(el)) continue;
      const n = cjkCount($(el).text());
      if (n > bestCount) {
        best = el;
        bestCount = n;
      }
    }
    if (best !== null && bestCount >= MIN_MAIN_CJK) return best;
  }
  // No known container: descend from <body> while one child holds most of the Chinese text.
  const body = $('body').get(0);
  if (body === undefined || !isElement(body)) return null;
  let cur: Element = body;
  let curCount = cjkCount($(cur).text());
  for (;;) {
    let next: Element | null = null;
    let nextCount = 0;
    for (const c of cur.children as AnyNode[]) {
      if (!isElement(c)) continue;
      const n = cjkCount($(c).text());
      if (n > nextCount) {
        next = c;
        nextCount = n;
      }
    }
    if (next === null || nextCount < DESCEND_SHARE * curCount || nextCount < MIN_MAIN_CJK) return cur;
    cur = next;
    curCount = nextCount;
  }
}

/** First segment of a `<title>`: `关于…的通知_政策文件_某市人民政府网` → `关于…的通知`. */
function titleFromTitleTag(s: string): string | null {
  const first = s.split(/\s*(?:_|\||｜| - | — | -- )\s*/u)[0] ?? '';
  return cleanLine(collapseWhitespace(first)) || null;
}

function htmlContent(content: string): { lines: string[]; head: string[]; title: string | null } {
  const $ = load(content);
  const titleTag = titleFromTitleTag($('title').first().text());
  $(DROP_TAGS).remove();
  $(DROP_CHROME).remove();
  const main = selectMain($);
  if (main === null) return { lines: [], head: [], title: titleTag };
  const lines = textLines(main);

  const h1Inside = $(main).find('h1').first();
  const h1Outside = $('h1').first();
  const h1Text = (el: { text(): string }) => cleanLine(collapseWhitespace(el.text())) || null;
  let title = h1Inside.length > 0 ? h1Text(h1Inside) : null;
  if (title === null && h1Outside.length > 0) {
    // The page's <h1> sits above the content block: it is the document's title, keep it in the text.
    title = h1Text(h1Outside);
    if (title !== null && lines[0] !== title) lines.unshift(title);
  }
  title ??= titleTag;

  // Lines of the page before the content block: where gov sites put the publish time and source.
  const head: string[] = [];
  const body = $('body').get(0);
  if (body !== undefined && body !== main) {
    const all = textLines(body);
    const first = lines.find((l) => l !== title) ?? '';
    const at = all.indexOf(first);
    head.push(...(at >= 0 ? all.slice(0, at) : []));
  }
  return { lines, head, title };
}

// ---------------------------------------------------------------------------------------------
// Entry point
// ---------------------------------------------------------------------------------------------

/**
 * The main content of a page as text, one paragraph per line (`\n`), with the site chrome
 * (breadcrumbs, the publish-time/来源 line, footers, tool bars) dropped and lines broken inside
 * sentences joined (see `joinBrokenLines`). Original characters are kept.
 *
 * - HTML (cheerio): scripts, styles, nav/header/footer/aside/form and common chrome containers
 *   are removed; the content block is the first known gov-site container (`.TRS_Editor`,
 *   `#UCAP-CONTENT`, `#zoom`, `.article`, `article`, `.content`, `main` …) holding Chinese text,
 *   else the smallest element holding most of the page's Chinese text; block elements, `<br>`
 *   and table rows become line breaks, table cells are separated by spaces, entities decoded.
 * - Markdown: heading marks (also stray `####` on some lines), emphasis, link syntax (the link
 *   text stays), images, tables pipes and HTML comments (`<!-- INFO END -->`) are stripped.
 * - All formats: the page-level publish line near the top (`2025-08-05 16:28 来源： 中国人民银行网站`,
 *   `发布日期：2024-09-12  浏览次数：-`) is dropped and read into `publishedOn` / `source`;
 *   attribution lines inside the content (`来源:中国经营报 石健 2026-01-10`) are kept.
 *
 * Never throws on odd input; an input with no content gives `text: ''`.
 *
 * @example
 * const x = extractText(page, { contentType: 'text/html; charset=utf-8' });
 * x.publishedOn // → '2024-09-12'
 */
export function extractText(content: string, hint?: FormatHint): Extracted {
  const format = detectFormat(content, hint);
  let lines: string[];
  let head: string[] = [];
  let title: string | null = null;
  if (format === 'html') {
    ({ lines, head, title } = htmlContent(content));
  } else if (format === 'markdown') {
    ({ lines, title } = markdownLines(content));
  } else {
    lines = content.replace(/^\uFEFF/, '').split(/\r\n|\r|\n/);
  }
  const kept = dropChrome(lines, head);
  const paragraphs = joinBrokenLines(kept.lines);
  return { text: paragraphs.join('\n'), format, title, publishedOn: kept.publishedOn, source: kept.source };
}
