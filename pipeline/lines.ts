/**
 * Line-level classification of policy pages: what a single line is (a notice title, a policy
 * title, a signature, a date, an addressee line, a news headline…). Pure and cheap; split and
 * segment build on these.
 */
import { CN_NUMERAL_CHARS, parseChineseNumber, parseDigitSequence, toHalfWidthDigits } from './numerals.ts';

/** One line of a page with the layout facts the splitter needs. */
export interface PageLine {
  /** Trimmed text (stray Markdown heading marks removed). */
  readonly text: string;
  /** A blank (or whitespace-only) line came right before this one. */
  readonly blankBefore: boolean;
  /** The raw line started with indentation (spaces, NBSP, U+3000, em spaces). */
  readonly indented: boolean;
}

const WS = /^[\s\u00a0\u3000\u2000-\u200b\ufeff]+|[\s\u00a0\u3000\u2000-\u200b\ufeff]+$/gu;

/** Trim every kind of space at both ends and drop stray Markdown heading marks (`## 一、`). */
export function trimLine(raw: string): string {
  let t = raw.replace(WS, '');
  if (t.charCodeAt(0) === 0x23 /* # */) t = t.replace(/^#{1,6}[\s\u00a0\u3000]*/u, '').replace(WS, '');
  return t;
}

/** Split a page into {@link PageLine}s, dropping blank lines but remembering where they were. */
export function toPageLines(text: string): PageLine[] {
  const out: PageLine[] = [];
  let blank = true;
  for (const raw of text.split(/\r\n|\r|\n/)) {
    const t = trimLine(raw);
    if (t === '') {
      blank = true;
      continue;
    }
    out.push({ text: t, blankBefore: blank, indented: /^[\s\u00a0\u3000\u2000-\u200b]/u.test(raw) });
    blank = false;
  }
  return out;
}

/** Sentence-final or clause-final punctuation: a line ending in one is not a title. */
const FINAL_PUNCT = /[。；;！!？?，,、：:]$/u;

/** Kinds of official texts, as they end a title. */
const KIND_WORDS =
  '办法|规定|意见|措施|方案|通知|条例|细则|决定|规则|纲要|指引|计划|规划|准则|标准|目录|清单|公告|通告|批复|函|法|办法（试行）|若干措施|若干规定|实施意见|指导意见|工作方案|行动方案|实施方案|管理办法|实施细则|解释|守则|章程|制度|要点|政策';
const TITLE_SUFFIX = '(?:[（(](?:试行|暂行|修订|修正|征求意见稿|草案|\\d{4}年(?:修订|修正)?版?)[）)])?';
const RE_POLICY_TITLE = new RegExp(`(?:${KIND_WORDS})${TITLE_SUFFIX}$`, 'u');

/** A title of an official text: short, no sentence punctuation, ends with a kind word. */
export function isPolicyTitle(line: string): boolean {
  if (line.length < 4 || line.length > 90) return false;
  if (/[。；;！？]/u.test(line) || FINAL_PUNCT.test(line)) return false;
  return RE_POLICY_TITLE.test(line);
}

/** `…关于印发《X》的通知`, `…印发X的通知`, `…联合印发《X》`: returns X, or null. */
export function noticeIssuedTitle(line: string): string | null {
  if (line.length > 160 || /[。；;！？]$/u.test(line)) return null;
  let m = /(?:印发|转发|颁布|发布|公布)[《〈<]([^》〉>]+?)[》〉>](?:的)?(?:通知|决定|通告|公告|令)?$/u.exec(line);
  if (m) return m[1]!.trim();
  m = /(?:印发|转发|颁布)(.{4,80}?)的(?:通知|决定)$/u.exec(line);
  if (m && !m[1]!.includes('《')) return m[1]!.trim();
  return null;
}

const MONTH_DAY = `[0-9０-９${CN_NUMERAL_CHARS}]{1,3}`;
const RE_DATE_LINE = new RegExp(
  `^(?:([0-9０-９]{4})|([〇零○Ｏ一二三四五六七八九]{4}))[\\s\\u00a0\\u3000]*年[\\s\\u00a0\\u3000]*(${MONTH_DAY})[\\s\\u00a0\\u3000]*月[\\s\\u00a0\\u3000]*(${MONTH_DAY})[\\s\\u00a0\\u3000]*日$`,
  'u',
);

/** A line that is only a date (`2025年12月31日`, `二〇二五年十二月三十一日`): its ISO form, or null. */
export function dateLine(line: string): string | null {
  const m = RE_DATE_LINE.exec(line.replace(/^[（(]|[）)]$/gu, ''));
  if (!m) return null;
  const year = m[1] ? Number(toHalfWidthDigits(m[1])) : parseDigitSequence(m[2]!.replace(/○|Ｏ/gu, '〇'));
  const month = parseChineseNumber(m[3]!);
  const day = parseChineseNumber(m[4]!);
  if (year === null || month === null || day === null) return null;
  if (month < 1 || month > 12 || day < 1 || day > 31) return null;
  const iso = `${year}-${String(month).padStart(2, '0')}-${String(day).padStart(2, '0')}`;
  const d = new Date(`${iso}T00:00:00Z`);
  if (Number.isNaN(d.getTime()) || d.getUTCDate() !== day) return null;
  return iso;
}

/** Last characters of the names of issuing bodies. */
const ORG_END = /(?:部|委|局|厅|办|院|署|会|行|府|室|处|司|所|站|心|团|社|队|盟|联|关|庭|组)$/u;
const NOT_ORG = /[的了在是与及将对把为从向，。、：:；;！？“”《》0-9]/u;

/**
 * A signature line: one or several issuing bodies (`国家发展改革委`, `财  政  部`,
 * `省地方金融管理局 省科技厅 省发展改革委`). Returns the names, or null.
 */
export function issuerNames(line: string): string[] | null {
  if (line.length > 90) return null;
  const tokens = line.split(/[\s\u00a0\u3000]+/u).filter((t) => t !== '');
  if (tokens.length === 0) return null;
  const names: string[] = [];
  // `财  政  部` is one name written with spaces: join runs of single characters.
  let run = '';
  for (const t of tokens) {
    if ([...t].length === 1) {
      run += t;
      continue;
    }
    if (run !== '') {
      names.push(run);
      run = '';
    }
    names.push(t);
  }
  if (run !== '') names.push(run);
  for (const n of names) {
    if (n.length < 2 || n.length > 30 || NOT_ORG.test(n) || !ORG_END.test(n)) return null;
  }
  return names;
}

/** An addressee line (主送机关): `各省、自治区、直辖市…:`. */
export function isAddresseeLine(line: string): boolean {
  return line.length <= 200 && /[:：]$/u.test(line) && !/[。；]/u.test(line) && /[、，,]|^各|人民政府|有关单位|部门/u.test(line);
}

/** A story attribution line: `来源:中国经营报 石健 2026-01-10`, `中国产业经济信息网 郭倩 2026-01-12`. */
export function isAttributionLine(line: string): boolean {
  if (line.length > 60) return false;
  if (/^(?:来源|稿件来源|文章来源|作者|责任编辑|编辑)[:：]/u.test(line)) return true;
  return /\d{4}-\d{1,2}-\d{1,2}$/u.test(line) && !/[。；，]/u.test(line);
}

/** A bulletin's section header that introduces news rather than policies. */
export function isNewsSectionHeader(line: string): boolean {
  return line.length <= 12 && !FINAL_PUNCT.test(line) && /(?:动态|资讯|新闻|要闻|快讯|观察|报道|聚焦|速览|热点|传真)$/u.test(line);
}

/** A bulletin's section header that introduces policies (`政策速递`, `政策法规`). */
export function isPolicySectionHeader(line: string): boolean {
  return line.length <= 12 && /^(?:政策速递|政策法规|政策文件|最新政策|政策发布|文件发布|政策)$/u.test(line);
}

/** A short headline-like line: no sentence punctuation at the end, not numbered. */
export function isHeadlineLike(line: string): boolean {
  return line.length >= 4 && line.length <= 48 && !/[。；;！？!?，,、：:]$/u.test(line) && !/[。]/u.test(line);
}

/** National bodies that adopt laws and regulations, as named in a law's promulgation history. */
const NATIONAL_BODIES = ['全国人民代表大会常务委员会', '全国人民代表大会', '国务院', '最高人民法院', '最高人民检察院'];
const NUMERAL = '[一二三四五六七八九十百零〇0-9０-９]+';
/** `北京市第十五届人民代表大会常务委员会第二十四次会议通过`: a local people's congress (or its standing committee). */
const LOCAL_CONGRESS = new RegExp(`([\\u4e00-\\u9fff]{2,14}?(?:省|市|自治区|自治州|州|盟|县|区))第${NUMERAL}届人民代表大会(常务委员会)?`, 'u');
/** `经人力资源和社会保障部第6次部务会议通过`: a ministry's or bureau's meeting. */
const BODY_MEETING = new RegExp(`([\\u4e00-\\u9fff]{2,30}?)(?:${NUMERAL}年)?第${NUMERAL}次(?:部务|局务|委务|署务|行务|会务|主任|常务)(?:会议|会)`, 'u');
/** `国家市场监督管理总局令第20号`: an order names the body that issues it. */
const ORDER = new RegExp(`([\\u4e00-\\u9fff]{2,30}?)令第${NUMERAL}号`, 'u');

/** A name read off a history line or an order number, when it reads as an issuing body. */
function bodyName(name: string): string | null {
  const n = name.replace(/^(?:经|由)/u, '').replace(/^中华人民共和国/u, '');
  return n.length >= 2 && !NOT_ORG.test(n) && ORG_END.test(n) ? n : null;
}

/**
 * The body named as adopting or issuing a text in one line of its promulgation history:
 * `…第十四届全国人民代表大会常务委员会第七次会议通过` → 全国人民代表大会常务委员会,
 * `北京市第十五届人民代表大会常务委员会…通过` → 北京市人民代表大会常务委员会,
 * `经人力资源和社会保障部第6次部务会议通过` → 人力资源和社会保障部,
 * `国家市场监督管理总局令第20号公布` → 国家市场监督管理总局. Null when none is named.
 */
export function historyIssuer(line: string): string | null {
  const local = LOCAL_CONGRESS.exec(line);
  if (local) return `${local[1]}人民代表大会${local[2] ?? ''}`;
  const national = NATIONAL_BODIES.find((org) => line.includes(org));
  if (national) return national;
  const meeting = BODY_MEETING.exec(line);
  if (meeting) {
    const n = bodyName(meeting[1]!);
    if (n) return n;
  }
  return orderIssuer(line);
}

/** The body an order number names (`广州市人民政府令第179号` → 广州市人民政府); null for any other number. */
export function orderIssuer(docNumber: string): string | null {
  const m = ORDER.exec(docNumber);
  return m ? bodyName(m[1]!) : null;
}

/** Promulgation history of a law (`2024年6月28日 第十四届…会议…第三次修正）`). Returns the date, or null. */
export function historyLineDate(line: string): string | null {
  const m = /^[（(]?((?:\d{4})年\d{1,2}月\d{1,2}日)/u.exec(line);
  if (!m || !/(?:通过|修正|修订|公布|发布|施行|批准|颁布|根据)/u.test(line)) return null;
  return dateLine(m[1]!);
}
