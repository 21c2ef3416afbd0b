/**
 * Citations: the other documents a text names, by title (根据《…》, 按照《…》执行) with the number
 * in brackets after it when given (《…》（国发〔2015〕52号）), or by number alone
 * (穗府办规〔2020〕10号文). What `relations` of kind `cites` are made of (db/citations.repository.ts).
 * Pure.
 */
import { findDocNumbers } from './docnumber.ts';
import { scanBrackets } from './repeals.ts';
import type { RepealedRef } from './types.ts';

/**
 * How the titles of documents end: a law, a regulation, a notice… (with 〈〉 inside and a
 * （试行）, （暂行）, （2023年修订） after). A 《…》 that ends otherwise names a form, a
 * certificate, a book or an attachment (《残疾人证》, 《…审核确认有效期》), not a document.
 */
const DOCUMENT_TITLE =
  /(?:法|条例|办法|规定|细则|规则|决定|解释|意见|措施|方案|通知|纲要|规划|决议|批复|公告|通告|目录|清单|指引|指南|标准|制度|章程|计划|要点|守则|准则|规范|规程|修正案)(?:[（(](?:试行|暂行|草案|[0-9０-９]{4}年(?:修订|修正|版)?)[）)])?$/u;

/** What comes right before a short name the text defines: `（以下简称《办法》）`, `简称“《意见》”`. */
const SHORT_NAME_BEFORE = /(?:以下简称|简称|下称)[:：]?[“"‘]?$/u;

/** A bare kind of document (《办法》, 《省实施办法》, 《本规定》): a short name, not a title. */
const GENERIC_TITLE = /^(?:本|该|省|市|区|县|国家)?(?:实施|暂行|试行)?(?:法|办法|意见|通知|规定|细则|方案|条例|决定|措施|规则)$/u;

/** Spaces as copied from web pages, and 《》 inside a cited title, do not make another title. */
const titleForm = (s: string) => s.replace(/[\s\u00a0\u3000]+/gu, '');

/**
 * The documents `text` cites, each once, in order of first mention; `self` (the citing document's
 * own title and number) is left out, as are titles that do not read as a document's.
 *
 * @example
 * findCitations('根据《广州市引进人才入户管理办法》（穗府办规〔2020〕10号），制定本细则。', { title: '…实施细则', docNumber: null })
 * // → [{ title: '广州市引进人才入户管理办法', docNumber: '穗府办规〔2020〕10号' }]
 */
export function findCitations(text: string, self: { readonly title: string; readonly docNumber: string | null }): RepealedRef[] {
  const { titles, parens } = scanBrackets(text);
  const numbers = findDocNumbers(text);
  const used = new Set<number>();
  const out: RepealedRef[] = [];
  const seen = new Set<string>();
  const selfTitle = titleForm(self.title);
  const add = (ref: RepealedRef) => {
    if (ref.docNumber !== null && ref.docNumber === self.docNumber) return;
    if (ref.docNumber === null && ref.title !== null && titleForm(ref.title) === selfTitle) return;
    const key = ref.docNumber !== null ? `no:${ref.docNumber}` : `t:${titleForm(ref.title!)}`;
    if (seen.has(key)) return;
    seen.add(key);
    out.push(ref);
  };
  // A position's numbers: those inside [start, end).
  const numbersIn = (start: number, end: number) => numbers.flatMap((n, idx) => (n.index >= start && n.index < end ? [idx] : []));
  // An amendment names its law in its title (中华人民共和国刑法修正案（十二） → 中华人民共和国刑法),
  // and in its text only as 刑法第…条.
  const amended = /^(.{2,60}?)修正案(?:[（(][^）)]{1,8}[）)])?$/u.exec(selfTitle);
  if (amended) add({ title: amended[1]!, docNumber: null });
  // Short names the text gives (以下简称《办法》): what they name is cited under its full title.
  const shortNames = new Set<string>();
  for (const t of titles) {
    // A number inside the title is part of it (《关于印发…的通知》 may hold its own 〔2019〕).
    for (const idx of numbersIn(t.start, t.end)) used.add(idx);
    const form = titleForm(t.title);
    if (SHORT_NAME_BEFORE.test(text.slice(Math.max(0, t.start - 8), t.start))) {
      shortNames.add(form);
      continue;
    }
    if (form === '' || shortNames.has(form) || GENERIC_TITLE.test(form) || !DOCUMENT_TITLE.test(form)) continue;
    let docNumber: string | null = null;
    const after = text.slice(t.end).match(/^[\s\u3000]*/u)![0].length + t.end;
    const paren = parens.find((p) => p.start === after);
    // 《…准入标准》（附件2）: a part of this very text.
    if (paren && /附件/u.test(text.slice(paren.start, paren.end))) continue;
    if (paren) {
      for (const idx of numbersIn(paren.start, paren.end)) {
        if (docNumber === null) docNumber = numbers[idx]!.normalized;
        used.add(idx);
      }
    }
    add({ title: t.title, docNumber });
  }
  // Numbers alone: 按照穗府办规〔2020〕10号文执行.
  numbers.forEach((n, idx) => {
    if (used.has(idx) || titles.some((t) => n.index >= t.start && n.index < t.end)) return;
    add({ title: null, docNumber: n.normalized });
  });
  return out;
}
