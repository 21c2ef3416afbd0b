/**
 * Factories for PolicyDocument values: plain functions, so that db tests do not depend on how
 * the pipeline produces them.
 */
import type { PolicyDocument, Provision } from '../../pipeline/types.ts';

type Overrides = Partial<Omit<PolicyDocument, 'validity'>> & { validity?: Partial<PolicyDocument['validity']> };

/** Provisions `第一条` … with the given texts. */
export function articles(texts: readonly string[]): Provision[] {
  const cn = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '十一', '十二', '十三', '十四', '十五'];
  return texts.map((text, i) => {
    const label = `第${cn[i] ?? String(i + 1)}条`;
    return { path: label, label, level: 'article', text, heading: null };
  });
}

const DEFAULT_ARTICLES = [
  '为加强政府投资基金布局规划和投向指导，根据有关规定，制定本办法。',
  '政府投资基金应当聚焦重大战略、重点领域和市场不能充分发挥作用的薄弱环节。',
  '本办法自发布之日起施行，有效期5年。',
];

/** A policy with three articles; `overrides` replace fields (validity merged). `text` follows the provisions unless given. */
export function makeDocument(overrides: Overrides = {}): PolicyDocument {
  const provisions = overrides.provisions ?? articles(DEFAULT_ARTICLES);
  const { validity, ...rest } = overrides;
  return {
    title: '关于加强政府投资基金布局规划和投向指导的工作办法（试行）',
    docNumber: '发改财金规〔2025〕1752号',
    issuers: ['国家发展改革委', '财政部'],
    signedOn: '2025-12-31',
    kind: 'policy',
    provisions,
    measures: [],
    text: provisions.map((p) => `${p.label} ${p.text}`).join('\n'),
    notice: null,
    docNumberRaw: null,
    publishedOn: null,
    ...rest,
    validity: { effective: '2025-12-31', expires: '2030-12-30', basis: null, repeals: [], ...validity },
  };
}

/** The same document with full-width punctuation turned half-width and spaces moved: not a change. */
export function punctuationVariant(doc: PolicyDocument): PolicyDocument {
  const swap = (s: string) => s.replaceAll('，', ',').replaceAll('（', '(').replaceAll('）', ')').replaceAll('。', '。 ');
  return {
    ...doc,
    provisions: doc.provisions.map((p) => ({ ...p, text: swap(p.text) })),
    text: swap(doc.text),
  };
}
