import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { cleanLine, comparable, joinBrokenLines, normalizeForCompare } from '../../pipeline/normalize.ts';

const seed = (name: string): string => readFileSync(new URL(`../../seeds/${name}`, import.meta.url), 'utf8');
/** The shared corpus of real texts, next to the checkout (as in segment.test.ts). */
const corpus = (path: string): string => readFileSync(new URL(`../../../shared/corpus/real/${path}`, import.meta.url), 'utf8');
const nonEmpty = (text: string): string[] => text.split(/\r?\n/).map(cleanLine).filter((l) => l !== '');

describe('cleanLine', () => {
  it('trims ASCII, NBSP, ideographic, en/em and zero-width blanks and the BOM at both ends', () => {
    expect(cleanLine('\uFEFF\u3000\u3000第一条 为加强管理，制定本办法。\u00a0\t ')).toBe('第一条 为加强管理，制定本办法。');
    expect(cleanLine('\u2002\u2003\u200b国家发展改革委\u200b\u2003')).toBe('国家发展改革委');
  });

  it('keeps blanks inside the line as they are', () => {
    expect(cleanLine('  财  政  部  ')).toBe('财  政  部');
    expect(cleanLine('广州市民政局\u3000\u3000广州市财政局\u3000')).toBe('广州市民政局\u3000\u3000广州市财政局');
  });

  it('returns an empty string for a line of blanks only', () => {
    expect(cleanLine(' \u3000\u00a0\t\u200b')).toBe('');
  });
});

describe('normalizeForCompare', () => {
  it('makes full-width and half-width punctuation, digits and spacing compare equal', () => {
    expect(comparable('（一）１ 号，')).toBe('(一)1号,');
    expect(comparable('（一）１ 号，')).toBe(comparable('(一)1号,'));
    expect(comparable('目标：到２０２７年；完成！是否？')).toBe('目标:到2027年;完成!是否?');
  });

  it('unifies quotes to " and \' and square brackets to 〔〕', () => {
    expect(comparable('“投向领域”和‘跟跑’')).toBe('"投向领域"和\'跟跑\'');
    expect(comparable('发改财金规[2025]1752 号')).toBe('发改财金规〔2025〕1752号');
    expect(comparable('发改财金规【2025】1752号')).toBe(comparable('发改财金规〔2025〕1752号'));
    expect(comparable('发改财金规［2025］1752号')).toBe('发改财金规〔2025〕1752号');
  });

  it('removes every kind of whitespace, also inside numbers and across lines', () => {
    expect(comparable('〔2025〕1 号\n\u3000\u3000第二条\u00a0本办法\t所称\u200b基金')).toBe('〔2025〕1号第二条本办法所称基金');
  });

  it('keeps characters outside the Basic Multilingual Plane, and a lone surrogate, as they are, in texts of any length', () => {
    expect(comparable('𠀀 𪚥（扩展B）😀\uD800尾')).toBe('𠀀𪚥(扩展B)😀\uD800尾');
    const long = '第一条　𠀀本办法，'.repeat(5000);
    expect(comparable(long)).toBe('第一条𠀀本办法,'.repeat(5000));
    expect(normalizeForCompare(long).text).toBe(comparable(long));
  });

  it('keeps 、 and 。 and the case of letters', () => {
    expect(comparable('科技、产业。CVC与cvc')).toBe('科技、产业。CVC与cvc');
  });

  it('maps each normalized character back to its original index', () => {
    const n = normalizeForCompare('（一）１ 号，');
    expect(n.text).toBe('(一)1号,');
    expect(n.map).toEqual([0, 1, 2, 3, 5, 6]);
  });

  it('has a map whose every entry points at a character that normalizes to the same one', () => {
    const original = `${seed('002_82c496b701662624.txt').slice(0, 20000)}\u3000“引号”［2025］𠀀１２ＡＢ`;
    const n = normalizeForCompare(original);
    expect(n.map.length).toBe(n.text.length);
    expect(n.text).toBe(comparable(original));
    for (let i = 0; i < n.text.length; i++) {
      const from = n.map[i]!;
      if (comparable(original[from]!) !== n.text[i]) {
        throw new Error(`map[${i}] = ${from}: ${JSON.stringify(original[from])} does not give ${JSON.stringify(n.text[i])}`);
      }
      if (i > 0 && from <= n.map[i - 1]!) throw new Error(`map is not increasing at ${i}`);
    }
  });
});

describe('joinBrokenLines on the newspaper page of seed 000', () => {
  const out = joinBrokenLines(seed('000_df4984a052cb43cf.txt').split('\n'));

  it('joins a paragraph cut into 14-character column lines with blank lines between them', () => {
    expect(out).toContain(
      '济南高新区前瞻布局未来产业，启动未来产业先导区创建，成立未来产业联盟，谋划“3+X”未来产业发展规划，加快推动新型工业软件、第三代半导体、细胞与基因技术等未来产业布点、成链、建群，量子信息产业初步形成通信、测量、计算链式布局，空天信息产业卫星制造、平台建设、场景应用等全环节加快贯通，15个集群入选山东省未来产业集群。',
    );
    expect(out).toContain('“国家高新区作为链接科技创新与产业落地的关键平台，是承接未来产业落地和示范的首选区域。”朱常海说。');
    expect(out).toContain('《意见》对照新型工业化重点领域，围绕 5个方面提出 18项针对性支持举措。');
  });

  it('joins a line ending in a mid-sentence closing quote (突破“碎片化”) to the next', () => {
    expect(out.some((l) => l.includes('《意见》以系统性顶层设计突破“碎片化”政策局限，彰显中国构建适配新型工业化金融体系的战略布局和决心。'))).toBe(true);
  });

  it('keeps the section headings on their own line, followed by their paragraph', () => {
    const h1 = out.indexOf('建设未来产业先导区');
    expect(h1).toBeGreaterThan(0);
    expect(out[h1 + 1]).toBe('2024年，工业和信息化部等七部门联合印发《关于推动未来产业创新发展的实施意见》，提出支持地方因地制宜、先行先试，建设一批未来产业先导区。');
    const h2 = out.indexOf('构建未来产业创新生态');
    expect(h2).toBeGreaterThan(h1);
    expect(out[h2 + 1]!.startsWith('“‘十五五’是推动高质量发展、塑造未来新优势的关键阶段，')).toBe(true);
  });

  it('keeps the page headline apart from the first story', () => {
    expect(out.slice(0, 3)).toEqual([
      '七部门颁文：金融支持新型工业化',
      '国家高新区加快打造未来产业“试验场”▲▲上接1版',
      expect.stringMatching(/^济南高新区前瞻布局未来产业，启动/),
    ]);
  });

  it('reads justified spacing inside a column line as part of the column (色 化 发 展)', () => {
    expect(out.some((l) => l.startsWith('《意见》提出，到 2027 年，我国支持制造业高端化智能化绿色 化 发 展 的 金 融 体 系 基 本成熟，产品更加丰富，'))).toBe(true);
  });
});

describe('joinBrokenLines on the newspaper page of seed 003', () => {
  const out = joinBrokenLines(seed('003_3828fc71092360d9.txt').split('\n'));

  it('joins a long paragraph cut in mid-sentence to its continuation', () => {
    expect(out).toContain(
      '张云明介绍说,“十四五”期间,国家对企业孵化、技术交易等科技服务持续给予税收政策支持。今年5月发布的《关于加快推进科技服务业高质量发展的实施意见》,为新时期科技服务业发展提供了政策保障。',
    );
    expect(out.some((l) => l.includes('目前北京市科技贷款余额4.2万亿元,同比增长8.8%。'))).toBe(true);
    expect(out.some((l) => l.includes('在全国范围内设立联合研发中心合计35个。') && l.startsWith('在国家高新区纳米新材料产业协同创新网络平台,'))).toBe(true);
  });

  it('joins a short line that leaves a quotation open', () => {
    expect(out.some((l) => l.startsWith('“中部地区国家高新区联盟的成立,将为我们构筑一个广阔的交流合作平台,'))).toBe(true);
  });

  it('keeps headings and the byline separate', () => {
    expect(out.slice(0, 3)).toEqual(['金融赋能科技服务业正当其时', '► 本报记者 邓淑华', expect.stringMatching(/^10月29日,/)]);
    for (const h of ['政策为金融赋能领航', '探索高效配置金融资源', '四个强化助力金融赋能', '高质量发展“链”接力 显著增强']) {
      expect(out).toContain(h);
    }
  });
});

describe('joinBrokenLines never joins', () => {
  it.each([
    '第一章 总则',
    '第一节 一般规定',
    '第一条 为加强政府投资基金布局规划，制定本办法。',
    '第二十三条之一 本条所称基金……',
    '一、总体要求',
    '（一）实施科技金融强基工程',
    '(一)实施科技金融强基工程',
    '1.用足用好政策工具箱。',
    '1．用足用好政策工具箱。',
    '1、用足用好政策工具箱。',
    '（1）按月报送。',
    '①按月报送。',
    '2025年12月31日',
    '发改财金规〔2025〕1752号',
  ])('a line that ends with a comma to the numbered or structural line %s', (next) => {
    expect(joinBrokenLines(['各有关单位要做好以下工作，', next])).toEqual(['各有关单位要做好以下工作，', next]);
  });

  it('a numbered heading to the paragraph under it', () => {
    const lines = ['二、聚焦重点,强化重点领域金融服务', '以习近平新时代中国特色社会主义思想为指导，深入贯彻落实党的二十大精神，完整、准确、全面贯彻新发展理念。'];
    expect(joinBrokenLines(lines)).toEqual(lines);
  });

  it('a line ending with sentence-final punctuation, or a quotation closed after it', () => {
    const lines = ['现就有关事项通知如下：', '经研究，同意设立专项资金；', '“是承接未来产业落地和示范的首选区域。”', '的支持力度进一步加大。'];
    expect(joinBrokenLines(lines)).toEqual(lines);
  });

  it('a measure ending with its responsible bodies in brackets to the next document title', () => {
    const lines = [
      '15.探索打造“粤金常青”市场化识别模式。以市场化为原则,以应用场景为载体,鼓励企业风险投资。(省地方金融管理局、省科技厅按职责分工负责)',
      '上海市人民政府办公厅印发《关于支持长三角G60科创走廊策源地建设的若干措施》的通知',
    ];
    expect(joinBrokenLines(lines)).toEqual(lines);
  });

  it('signature lines, a date and the document-number line', () => {
    const lines = ['国家发展改革委', '财  政  部', '2025年12月31日', '发改财金规〔2025〕1752号', '各省、自治区、直辖市发展改革委：'];
    expect(joinBrokenLines(lines)).toEqual(lines);
  });

  it('anything in a law: a corpus law comes out as its non-empty lines', () => {
    const text = corpus('kuaiji-fa/new.md').replace(/<!--[\s\S]*?-->/g, '');
    expect(joinBrokenLines(text.split('\n'))).toEqual(nonEmpty(text));
  });

  it('anything in a well-formed policy: a corpus notice comes out as its non-empty lines', () => {
    const text = corpus('policies/gz-dibao-biaozhun-2025.md');
    expect(joinBrokenLines(text.split('\n'))).toEqual(nonEmpty(text));
  });
});

describe('joinBrokenLines', () => {
  it('drops a paragraph that repeats the one just before it, after joining', () => {
    const out = joinBrokenLines([
      '田轩表示，地方实践为全国未来产业区域布局提供了三点关键经验，',
      '',
      '一是立足本地资源禀赋。',
      '田轩表示，地方实践为全国未来产业区域布局提供了三点关键经验，一是立足本地资源禀赋。',
      '下一段。',
    ]);
    expect(out).toEqual(['田轩表示，地方实践为全国未来产业区域布局提供了三点关键经验，一是立足本地资源禀赋。', '下一段。']);
  });

  it('changes nothing when run again on its own output (segment joins the extracted text again)', () => {
    for (const name of ['000_df4984a052cb43cf.txt', '001_88d425484b8ca9dd.txt', '002_82c496b701662624.txt', '003_3828fc71092360d9.txt', '004_817478271669fba5.txt']) {
      const once = joinBrokenLines(seed(name).split('\n'));
      expect(joinBrokenLines(once)).toEqual(once);
    }
  });

  it('keeps short repeated lines such as flattened table cells', () => {
    expect(joinBrokenLines(['/', '/', '基层处'])).toEqual(['/', '/', '基层处']);
  });

  it('trims every line, drops blank lines, and joins a line cut after a comma', () => {
    expect(joinBrokenLines(['\u3000\u3000第一条 为加强政府投资基金布局规划和投向指导，', '   ', '\u00a0根据有关规定，制定本办法。  '])).toEqual([
      '第一条 为加强政府投资基金布局规划和投向指导，根据有关规定，制定本办法。',
    ]);
  });

  it('puts the space back between Latin words cut at a line end, not between CJK characters', () => {
    expect(joinBrokenLines(['鼓励企业风险投资（Corporate', 'Venture Capital）发展，', '支持百亿元以上项目。'])).toEqual([
      '鼓励企业风险投资（Corporate Venture Capital）发展，支持百亿元以上项目。',
    ]);
  });
});
