import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { processBytes, processText } from '../../pipeline/index.ts';
import type { PolicyDocument } from '../../pipeline/types.ts';

const SEEDS = join(import.meta.dirname, '..', '..', 'seeds');
const CORPUS = join(import.meta.dirname, '..', '..', '..', 'shared', 'corpus', 'real');
const seed = (name: string) => processText(readFileSync(join(SEEDS, name), 'utf8'), { fileName: name }).documents;
const corpus = (path: string) => processText(readFileSync(join(CORPUS, path), 'utf8'), { fileName: path }).documents;

const paths = (d: PolicyDocument, level?: string) => d.provisions.filter((p) => !level || p.level === level).map((p) => p.path);
const byNumber = (docs: PolicyDocument[], n: string) => {
  const d = docs.find((x) => x.docNumber === n);
  if (!d) throw new Error(`no document ${n} among ${docs.map((x) => x.docNumber).join(', ')}`);
  return d;
};

describe('seed 002: a bulletin with four policies and four news stories', () => {
  const docs = seed('002_82c496b701662624.txt');

  it('yields four policies, then the four stories after 行业创新动态 as news', () => {
    expect(docs.map((d) => [d.kind, d.docNumber])).toEqual([
      ['policy', '发改财金规〔2025〕1752号'],
      ['policy', '发改财金规〔2025〕1753号'],
      ['policy', '粤金管〔2025〕24号'],
      ['policy', '沪府办规〔2025〕15号'],
      ['news', null],
      ['news', null],
      ['news', null],
      ['news', null],
    ]);
    expect(docs.slice(4).map((d) => d.title)).toEqual([
      '数据科技概念首提“技术成果走向市场”提速',
      '“人工智能+制造”重磅政策发布 产业链迎红利释放期',
      '北京:新建中试平台最高可获1亿元补助',
      '央行发布多项金融政策',
    ]);
  });

  it('reads the 1752号 办法 as the issued document with the notice number, date and four signers', () => {
    const d = byNumber(docs, '发改财金规〔2025〕1752号');
    expect(d.title).toBe('关于加强政府投资基金布局规划和投向指导的工作办法(试行)');
    expect(d.issuers).toEqual(['国家发展改革委', '财政部', '科技部', '工业和信息化部']);
    expect(d.signedOn).toBe('2025-12-31');
    expect(d.notice?.title).toBe('国家发展改革委等部门关于印发《关于加强政府投资基金布局规划和投向指导的工作办法(试行)》的通知');
    expect(paths(d, 'article')).toEqual(
      ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '十一', '十二', '十三', '十四'].map((n) => `第${n}条`),
    );
    expect(paths(d, 'item')).toEqual(['(一)', '(二)', '(三)', '(四)', '(五)'].map((i) => `第六条/${i}`));
    expect(d.validity).toMatchObject({ effective: '2025-12-31', expires: '2030-12-30' });
    expect(d.validity.basis).toContain('有效期5年');
  });

  it('keeps the paragraph after an article’s items with the article, not the last item', () => {
    const d = byNumber(docs, '发改财金规〔2025〕1752号');
    const art6 = d.provisions.find((p) => p.path === '第六条')!;
    expect(art6.text).toBe('政府投资基金不得有以下投资行为:\n财政部门、基金监管部门另有规定的从其规定。');
    expect(d.provisions.find((p) => p.path === '第六条/(五)')!.text).toBe('开展承担无限责任的投资。');
  });

  it('reads the 1753号 办法 with 12 articles and the repeal of 发改财金规〔2016〕2800号', () => {
    const d = byNumber(docs, '发改财金规〔2025〕1753号');
    expect(paths(d, 'article')).toHaveLength(12);
    expect(d.validity.repeals).toEqual([
      { title: '国家发展改革委关于印发〈政府出资产业投资基金管理暂行办法〉的通知', docNumber: '发改财金规〔2016〕2800号' },
    ]);
  });

  it('nests the Guangdong tasks 1–15 under 三’s (一)(二)(三)', () => {
    const d = byNumber(docs, '粤金管〔2025〕24号');
    expect(d.title).toBe('广东省推动金融服务科技强省建设工作方案');
    expect(d.signedOn).toBe('2025-12-18');
    expect(d.issuers).toHaveLength(10);
    expect(paths(d, 'subitem')).toEqual([
      ...[1, 2, 3, 4, 5, 6].map((n) => `三/(一)/${n}`),
      ...[7, 8, 9, 10, 11].map((n) => `三/(二)/${n}`),
      ...[12, 13, 14, 15].map((n) => `三/(三)/${n}`),
    ]);
    expect(d.provisions.find((p) => p.path === '三/(一)')).toMatchObject({ level: 'item', heading: '实施科技金融强基工程', text: '' });
    expect(d.validity.expires).toBeNull();
  });

  it('repairs the Shanghai number and reads items (一)–(二十三) under 一、–四、', () => {
    const d = byNumber(docs, '沪府办规〔2025〕15号');
    expect(d.docNumberRaw).toBe('沪府办规〔202515');
    expect(d.signedOn).toBe('2025-12-02');
    expect(paths(d, 'part')).toEqual(['一', '二', '三', '四']);
    const items = paths(d, 'item');
    expect(items).toHaveLength(23);
    expect(items[0]).toBe('一/(一)');
    expect(items[5]).toBe('二/(六)');
    expect(items[22]).toBe('四/(二十三)');
    expect(d.validity).toMatchObject({ effective: '2026-01-01', expires: '2030-12-31' });
    // The validity sentence after the last item is the closing part, not text of (二十三).
    expect(d.provisions.at(-1)).toMatchObject({ level: 'closing', path: '结尾' });
    expect(d.provisions.find((p) => p.path === '四/(二十三)')!.text).not.toContain('有效期');
  });

  it('gives news stories no provisions and no validity', () => {
    for (const d of docs.filter((x) => x.kind === 'news')) {
      expect(d.provisions).toEqual([]);
      expect(d.validity).toEqual({ effective: null, expires: null, basis: null, repeals: [] });
    }
    // The 央行 story numbers its points 一、…八、 but is still news.
    expect(docs[7]!.text).toContain('一、下调各类结构性货币政策工具利率0.25个百分点');
  });
});

describe('seed 004: a government page wrapping the guidance in a press release', () => {
  const docs = seed('004_817478271669fba5.txt');

  it('yields the guidance with seven issuers, signed 2025-07-29', () => {
    expect(docs).toHaveLength(1);
    const d = docs[0]!;
    expect(d.kind).toBe('policy');
    expect(d.title).toBe('关于金融支持新型工业化的指导意见');
    expect(d.issuers).toEqual(['中国人民银行', '工业和信息化部', '国家发展改革委', '财政部', '金融监管总局', '中国证监会', '国家外汇局']);
    expect(d.signedOn).toBe('2025-07-29');
  });

  it('reads items (一)–(十八) under 一、–六、 despite the stray ## marks', () => {
    const d = docs[0]!;
    expect(paths(d, 'part')).toEqual(['一', '二', '三', '四', '五', '六']);
    expect(paths(d, 'item').map((p) => p.split('/')[1])).toEqual(
      ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '十一', '十二', '十三', '十四', '十五', '十六', '十七', '十八'].map((n) => `(${n})`),
    );
    expect(paths(d, 'item')[3]).toBe('三/(四)');
    expect(d.provisions.find((p) => p.path === '一')!.heading).toBe('总体要求');
  });

  it('drops the site footer and keeps the split paragraph of (二) with it', () => {
    const d = docs[0]!;
    expect(d.text).not.toMatch(/ICP|版权所有|主办单位/);
    const item2 = d.provisions.find((p) => p.path === '二/(二)')!;
    expect(item2.text).toContain('专精特新中小企业上市培育');
  });

  it('does not take the 到2027年 target for an expiry', () => {
    expect(docs[0]!.validity.expires).toBeNull();
  });
});

describe('newspaper pages', () => {
  for (const [name, title] of [
    ['000_df4984a052cb43cf.txt', '七部门颁文：金融支持新型工业化'],
    ['001_88d425484b8ca9dd.txt', '多元主体协同攻坚： 31省份共绘未来产业新蓝图'],
    ['003_3828fc71092360d9.txt', '金融赋能科技服务业正当其时'],
  ] as const) {
    it(`${name} is news, with no invented articles`, () => {
      const docs = seed(name);
      expect(docs.map((d) => d.kind)).toEqual(docs.map(() => 'news'));
      expect(docs[0]!.title).toBe(title);
      for (const d of docs) expect(d.provisions).toEqual([]);
    });
  }

  it('joins the column lines of seed 000 into sentences', () => {
    const text = seed('000_df4984a052cb43cf.txt').map((d) => d.text).join('\n');
    expect(text).toContain('济南高新区前瞻布局未来产业，启动未来产业先导区创建，成立未来产业联盟，');
    expect(text).not.toMatch(/前瞻布局未来\n/);
  });
});

describe('laws and regulations with chapters, sections and inserted articles', () => {
  it('reads 刑法 with 编/章/节/条 and 第十七条之一', () => {
    const [d] = corpus('xingfa/new.md');
    expect(d!.kind).toBe('policy');
    expect(d!.title).toBe('中华人民共和国刑法');
    const p = d!.provisions;
    expect(p.find((x) => x.label === '第十七条之一')).toMatchObject({ path: '第一编/第二章/第一节/第十七条之一', level: 'article' });
    expect(p.filter((x) => x.level === 'part').map((x) => x.heading)).toEqual(['总则', '分则']);
    expect(p.find((x) => x.path === '第一编/第二章')!.heading).toBe('犯罪');
  });

  it('reads an amendment (刑法修正案) as a policy of the 常委会 with its eight numbered items', () => {
    const [d] = corpus('xingfa/amendment.md');
    expect(d!.kind).toBe('policy');
    expect(d!.title).toBe('中华人民共和国刑法修正案（十二）');
    expect(d!.issuers).toEqual(['全国人民代表大会常务委员会']);
    expect(d!.signedOn).toBe('2023-12-29');
    expect(d!.validity.effective).toBe('2024-03-01');
    expect(d!.provisions.map((x) => x.path)).toEqual(['一', '二', '三', '四', '五', '六', '七', '八']);
    expect(d!.provisions[6]!.text).toMatch(/^将刑法第三百九十三条修改为：“单位为谋取不正当利益而行贿/u);
  });

  // The issuer as the page names it: the body whose meeting adopted the text, or whose order published it.
  it.each([
    ['policies/beijing-sifa-jianding-tiaoli-2020.md', '北京市人民代表大会常务委员会'], // 北京市第十五届人民代表大会常务委员会第二十四次会议通过
    ['policies/daixin-nianxiujia-shishi-banfa-2008.md', '人力资源和社会保障部'], // 经人力资源和社会保障部第6次部务会议通过
    ['policies/shichang-jianguan-tousu-jubao-zanxing-banfa.md', '国家市场监督管理总局'], // 国家市场监督管理总局令第20号公布
    ['policies/gz-laonianren-youdai-ling179-2021.md', '广州市人民政府'], // an order: 广州市人民政府令 第179号
    ['policies/xingzheng-fagui-zhiding-chengxu-tiaoli-2017.md', '国务院'], // 中华人民共和国国务院令第321号公布
    ['tongji-fa/new.md', '全国人民代表大会常务委员会'],
    ['policies/gz-canji-liangxiang-butie-2022.md', '广州市民政局'], // the page's `来源:` / 广州市民政局
  ])('reads the issuer of %s from its header: %s', (file, issuer) => {
    const [d] = corpus(file);
    expect(d!.issuers).toEqual([issuer]);
    // Page metadata is not part of the text.
    expect(d!.text).not.toMatch(/^来源/mu);
  });

  it('takes the signing date from a signature followed by attachments or by the measures a notice re-publishes', () => {
    // 广州市医疗保障局 广州市财政局 / 广州市卫生健康委员会 / 2019年6月14日 / 附件1 / (tables)
    const [menzhen] = corpus('policies/gz-menzhen-teding-bingzhong-2019.md');
    expect(menzhen!.signedOn).toBe('2019-06-14');
    expect(menzhen!.validity).toMatchObject({ effective: '2019-07-01', expires: '2024-06-30' });
    // 广州市人民政府办公厅 / 2025年6月30日 / 广州市积分制入户管理办法 / 第一条 …: 自印发之日起施行 from that day.
    const [jifen] = corpus('policies/gz-jifen-ruhu-2025.md');
    expect(jifen!.signedOn).toBe('2025-06-30');
    expect(jifen!.validity).toMatchObject({ effective: '2025-06-30', expires: '2026-12-31' });
    // A date line with no issuing body above it is not a signature (the web date of this page).
    const [butie] = corpus('policies/gz-canji-liangxiang-butie-2022.md');
    expect(butie!.signedOn).toBeNull();
  });

  it('reads a law’s chapters, articles and items with paths from the top down', () => {
    const [d] = corpus('kuaiji-fa/new.md');
    expect(d!.title).toBe('中华人民共和国会计法');
    expect(d!.signedOn).toBe('2024-06-28');
    const articles = d!.provisions.filter((x) => x.level === 'article');
    expect(articles[0]!.path).toBe('第一章/第一条');
    expect(articles.at(-1)!.path).toBe('第六章/第五十一条');
    expect(d!.provisions.find((x) => x.path === '第一章')!.heading).toBe('总则');
    // Promulgation history lines are metadata, not a preamble.
    expect(d!.provisions.some((x) => x.level === 'preamble' && x.text.includes('会议通过'))).toBe(false);
  });

  it('reads a judicial interpretation whose 一、 headings sit above its articles', () => {
    const [d] = corpus('policies/longduan-minshi-jiufen-jieshi-2024.md');
    expect(d!.docNumber).toBe('法释〔2024〕6号');
    expect(d!.provisions.find((x) => x.label === '第一条')!.path).toBe('一/第一条');
    expect(d!.provisions.filter((x) => x.level === 'part')).toHaveLength(6);
  });

  it('reads a Guangzhou order whose number is split over two lines', () => {
    const [d] = corpus('policies/gz-laonianren-youdai-ling179-2021.md');
    expect(d!.title).toBe('广州市老年人优待办法');
    expect(d!.docNumber).toBe('广州市人民政府令第179号');
    expect(d!.provisions.filter((x) => x.level === 'article')).toHaveLength(19);
  });

  it('finds the issued document that follows its notice without a title line', () => {
    const [d] = corpus('policies/tianhe-gangao-qingnian-2023.md');
    expect(d!.title).toBe('广州市天河区深化支持港澳青年创新创业高质量发展实施办法');
    expect(d!.docNumber).toBe('穗天科工信规字〔2023〕1号');
    expect(d!.signedOn).toBe('2023-08-09');
  });
});

describe('GBK pages', () => {
  it('segments a GBK-encoded copy of seed 002 exactly like the UTF-8 one', async () => {
    const iconv = (await import('iconv-lite')).default;
    // GBK has no NBSP or em space: a GBK page indents with ASCII and ideographic spaces.
    const utf8 = readFileSync(join(SEEDS, '002_82c496b701662624.txt'), 'utf8').replace(/\u00a0/g, ' ').replace(/\u2003/g, '\u3000');
    const gbk = iconv.encode(utf8, 'gbk');
    expect(iconv.decode(gbk, 'gbk')).toBe(utf8);
    const fromGbk = processBytes(new Uint8Array(gbk), { fileName: 'page.txt' });
    const fromUtf8 = processText(utf8, { fileName: 'page.txt' });
    expect(fromGbk.charset).toMatch(/gb/i);
    expect(fromGbk.documents.map((d) => [d.docNumber, d.provisions.length])).toEqual(fromUtf8.documents.map((d) => [d.docNumber, d.provisions.length]));
  });
});
