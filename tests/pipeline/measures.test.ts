import { readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { processText } from '../../pipeline/index.ts';
import { extractMeasures, findAmounts, findResponsible, measureBasis, sentenceKind, type ExtractedMeasure } from '../../pipeline/measures.ts';
import type { PolicyDocument, Provision } from '../../pipeline/types.ts';

const seed = (name: string) => readFileSync(fileURLToPath(new URL(`../../seeds/${name}`, import.meta.url)), 'utf8');
const docs002 = processText(seed('002_82c496b701662624.txt'), { fileName: '002.txt' }).documents;
const docs004 = processText(seed('004_817478271669fba5.txt'), { fileName: '004.txt' }).documents;

function doc(docs: readonly PolicyDocument[], number: string): PolicyDocument {
  const d = docs.find((x) => x.docNumber === number);
  if (!d) throw new Error(`no ${number}`);
  return d;
}
const at = (d: PolicyDocument, path: string) => d.measures.filter((m) => m.path === path) as ExtractedMeasure[];
const NO_DATES = { effective: null, expires: null, signedOn: null };
const item = (path: string, text: string, level: Provision['level'] = 'item'): Provision => ({ path, label: path, level, text, heading: null });

describe('cue words', () => {
  it('reads prohibitions, grants, targets and requirements, in that priority', () => {
    expect(sentenceKind('政府投资基金不得投资于限制类产业。')).toBe('prohibition');
    expect(sentenceKind('严禁挪用专项资金。')).toBe('prohibition');
    expect(sentenceKind('按照规定给予最高1000万元的一次性奖励。')).toBe('support');
    expect(sentenceKind('各地要对符合条件的企业给予补贴。')).toBe('support');
    expect(sentenceKind('到2027年,初步建成现代科技金融体系。')).toBe('target');
    expect(sentenceKind('力争科技型企业贷款余额位居全国前列。')).toBe('target');
    expect(sentenceKind('基金设立发起部门应当就投向领域征求意见。')).toBe('requirement');
    expect(sentenceKind('地方基金要找准定位。')).toBe('requirement');
    expect(sentenceKind('企业必须按期报送。')).toBe('requirement');
    expect(sentenceKind('鼓励金融机构加大投放。')).toBe('support');
  });

  it('does not take nouns for verbs (要素, 纲要, 相应, 适应) or cited titles for cues', () => {
    expect(sentenceKind('引导金融要素服务区域发展。')).toBeNull();
    expect(sentenceKind('以《粤港澳大湾区发展规划纲要》总体布局为重点。')).toBeNull();
    expect(sentenceKind('营造与科技创新相适应的生态。')).toBeNull();
    expect(sentenceKind('根据《关于禁止商业贿赂行为的暂行规定》制定。')).toBeNull();
  });

  it('leaves guiding ideology, purpose and the text’s own validity alone', () => {
    expect(sentenceKind('坚持以习近平新时代中国特色社会主义思想为指导,支持科技创新。')).toBeNull();
    expect(sentenceKind('为加强政府投资基金布局规划和投向指导,根据有关规定,制定本办法。')).toBeNull();
    expect(sentenceKind('本办法自发布之日起施行,有效期5年。')).toBeNull();
  });
});

describe('amounts and responsible bodies', () => {
  it('keeps caps, floors and rates as written', () => {
    expect(findAmounts('按照规定分阶段给予不超过总投入30%、最高3000万元的经费支持。')).toEqual(['不超过总投入30%', '最高3000万元']);
    expect(findAmounts('单个企业年度贴息金额最高2000万元,贴息对应的贷款每年2000亿元、三年总规模6000亿元。')).toEqual([
      '最高2000万元',
      '每年2000亿元',
      '三年总规模6000亿元',
    ]);
    expect(findAmounts('按照规定给予累计不超过2000万元的经费支持。')).toEqual(['累计不超过2000万元']);
    expect(findAmounts('贷款额度可放大至1.5倍。')).toEqual(['1.5倍']);
    expect(findAmounts('新建中试平台最高可获1亿元补助。')).toEqual(['最高可获1亿元']);
    expect(findAmounts('出让年限最高不超过50年,服务1000家企业,到2027年。')).toEqual([]);
  });

  it('reads the closing bracket of a task, and nothing from a bracket that explains', () => {
    expect(findResponsible('……降低担保费率。(省科技厅、省财政厅、广东金融监管局按职责分工负责)')).toEqual(['省科技厅', '省财政厅', '广东金融监管局']);
    expect(findResponsible('……。（省委组织部，省科技厅、省地方金融管理局等按职责分工负责）')).toEqual(['省委组织部', '省科技厅', '省地方金融管理局']);
    expect(findResponsible('支持上海市知识产权保护中心松江分中心(松江区知识产权保护中心)建设。')).toEqual([]);
    expect(findResponsible('用好合格境外机构投资者(QFII)')).toEqual([]);
  });
});

describe('windows, deadlines and targets', () => {
  it('gives a dated grant its own measure and window, apart from the unit’s other grants', () => {
    const ms = extractMeasures(
      [item('7', '发挥作用。省财政对在2025年5月1日至2027年12月31日发放的贷款给予财政贴息,最高2000万元。省级财政连续三年对担保体系增资。对担保业务给予代偿补偿。', 'subitem')],
      NO_DATES,
    );
    expect(ms.map((m) => [m.kind, m.startsOn, m.endsOn, m.term ?? null])).toEqual([
      ['support', '2025-05-01', '2027-12-31', null],
      ['support', null, null, '连续三年'],
    ]);
    expect(ms[0]!.basis).toContain('2025年5月1日至2027年12月31日');
  });

  it('counts 连续三年 from a start the sentence gives, and 自施行之日起 from the document', () => {
    const [a] = extractMeasures([item('(一)', '自2025年起连续三年给予补贴。')], NO_DATES);
    expect([a!.startsOn, a!.endsOn]).toEqual(['2025-01-01', '2027-12-31']);
    const [b] = extractMeasures([item('(一)', '自本办法施行之日起3年内,对新设企业给予奖励。')], { ...NO_DATES, effective: '2026-01-01' });
    expect([b!.startsOn, b!.endsOn]).toEqual(['2026-01-01', '2028-12-31']);
    const [c] = extractMeasures([item('(一)', '申请人应当于2026年6月底前提交材料。')], NO_DATES);
    expect([c!.kind, c!.startsOn, c!.endsOn]).toEqual(['requirement', null, '2026-06-30']);
  });

  it('keeps relative and recurring deadlines as written, with no end date', () => {
    const [a] = extractMeasures([item('第十二条', '在第一笔实缴资金到位后20个工作日内,应进行登记。', 'article')], NO_DATES);
    expect(a).toMatchObject({ kind: 'requirement', endsOn: null, deadline: '20个工作日内' });
    const [b] = extractMeasures([item('第七条', '投向评价按年度开展,每年第三季度前完成上一年度基金投向评价工作。', 'article')], NO_DATES);
    expect(b).toMatchObject({ kind: 'requirement', endsOn: null, deadline: '每年第三季度前' });
  });

  it('puts a target’s year in targetYear, never in endsOn', () => {
    const [t] = extractMeasures([item('一', '到2027年底,初步建成科技金融体系。')], NO_DATES);
    expect(t).toMatchObject({ kind: 'target', startsOn: null, endsOn: null, targetYear: 2027 });
  });

  it('finds the basis sentence of a stored measure from its text and end', () => {
    const text = '发挥作用。省财政对在2025年5月1日至2027年12月31日发放的贷款给予财政贴息。';
    expect(measureBasis(text, '2027-12-31')).toBe('省财政对在2025年5月1日至2027年12月31日发放的贷款给予财政贴息。');
  });

  it('gives each measure the sentence its end date comes from, the one measureBasis finds in the stored text', () => {
    const ctx = { effective: '2026-01-01', expires: '2030-12-31', signedOn: '2025-12-20' };
    const units = [
      item('7', '发挥作用。省财政对在2025年5月1日至2027年12月31日发放的贷款给予财政贴息,最高2000万元。省级财政连续三年对担保体系增资。', 'subitem'),
      // A deadline first, the end date in a later sentence of the same measure: the date's sentence.
      item('(二)', '企业应当在20个工作日内提交申请。申请人应当于2026年6月底前提交全部材料。(省财政厅负责)'),
      item('(三)', '自本办法施行之日起3年内,对新设企业给予奖励。'),
      item('(四)', '到2027年底,初步建成科技金融体系。'),
    ];
    const ms = extractMeasures(units, ctx);
    const dated = ms.filter((m) => m.endsOn !== null);
    expect(dated.map((m) => [m.path, m.endsOn, m.basis])).toEqual([
      ['7', '2027-12-31', '省财政对在2025年5月1日至2027年12月31日发放的贷款给予财政贴息,最高2000万元。'],
      ['(二)', '2026-06-30', '申请人应当于2026年6月底前提交全部材料。'],
      ['(三)', '2028-12-31', '自本办法施行之日起3年内,对新设企业给予奖励。'],
    ]);
    for (const m of dated) expect(measureBasis(m.text, m.endsOn, ctx)).toBe(m.basis);
    // No end date: the sentence of the term or target year, never an expiry.
    expect(ms.find((m) => m.term === '连续三年')!.basis).toBe('省级财政连续三年对担保体系增资。');
    expect(ms.find((m) => m.path === '(四)')).toMatchObject({ endsOn: null, targetYear: 2027, basis: '到2027年底,初步建成科技金融体系。' });
  });

  it('fills basis on the seeds’ dated measures as measureBasis reads them back from the record', () => {
    for (const d of [...docs002, ...docs004]) {
      const ctx = { effective: d.validity.effective, expires: d.validity.expires, signedOn: d.signedOn };
      for (const m of d.measures) {
        expect(m).toHaveProperty('basis');
        if (m.endsOn !== null) expect(m.basis).toBe(measureBasis(m.text, m.endsOn, ctx));
      }
    }
    expect(at(doc(docs002, '粤金管〔2025〕24号'), '三/(二)/7')[0]!.basis).toMatch(/^省财政对在2025年5月1日至2027年12月31日发放的/);
  });
});

describe('seed 002: the four policies', () => {
  const gd = doc(docs002, '粤金管〔2025〕24号');
  const sh = doc(docs002, '沪府办规〔2025〕15号');
  const d1752 = doc(docs002, '发改财金规〔2025〕1752号');
  const d1753 = doc(docs002, '发改财金规〔2025〕1753号');

  it('Guangdong task 7: the interest subsidy window ends 2027-12-31, before a document that has no end', () => {
    expect(gd.validity.expires).toBeNull();
    const [subsidy, rest] = at(gd, '三/(二)/7');
    expect(subsidy).toMatchObject({
      kind: 'support',
      startsOn: '2025-05-01',
      endsOn: '2027-12-31',
      amounts: ['最高2000万元', '每年2000亿元', '三年总规模6000亿元'],
    });
    expect(subsidy!.basis).toMatch(/^省财政对在2025年5月1日至2027年12月31日发放的/);
    expect(subsidy!.responsible).toEqual([
      '省地方金融管理局',
      '省发展改革委',
      '省科技厅',
      '省工业和信息化厅',
      '省财政厅',
      '人民银行广东省分行',
      '广东金融监管局',
      '人民银行深圳市分行',
      '深圳金融监管局',
    ]);
    expect(rest).toMatchObject({ kind: 'support', startsOn: null, endsOn: null, term: '连续三年' });
  });

  it('Guangdong: the 到2027年底 goal is a target with no end; every task names its bodies', () => {
    expect(at(gd, '一')).toEqual([expect.objectContaining({ kind: 'target', endsOn: null, targetYear: 2027 })]);
    expect(at(gd, '三/(一)/5')[0]!.responsible).toEqual(['广东证监局', '深圳证监局', '广州期货交易所']);
    for (let n = 1; n <= 15; n++) {
      const m = gd.measures.find((x) => x.path.endsWith(`/${n}`));
      expect(m, `task ${n}`).toBeDefined();
      expect(m!.responsible.length, `task ${n}`).toBeGreaterThan(0);
    }
    // Tasks 13 and 14 assign work to the bracketed bodies without a grant: requirements.
    expect(at(gd, '三/(三)/13')[0]!.kind).toBe('requirement');
    expect(gd.measures.every((m) => m.endsOn === null || m.path === '三/(二)/7')).toBe(true);
  });

  it('Shanghai: caps as written, no window of their own (they run with the measures, 2026-01-01 to 2030-12-31)', () => {
    expect(sh.validity).toMatchObject({ effective: '2026-01-01', expires: '2030-12-31' });
    expect(at(sh, '二/(八)')).toEqual([
      expect.objectContaining({ kind: 'support', amounts: ['不超过总投入15%', '最高5000万元', '最高1000万元', '5000万元'], startsOn: null, endsOn: null }),
    ]);
    expect(at(sh, '一/(一)')[0]!.amounts).toEqual(['不超过总投入30%', '最高3000万元']);
    expect(at(sh, '一/(二)')[0]!.amounts).toEqual(['不超过揭榜额30%', '最高2000万元']);
    expect(at(sh, '二/(六)')[0]!.amounts).toEqual(['累计不超过2000万元']);
    expect(at(sh, '三/(十八)')[0]!.amounts).toEqual(['最高500万元', '不超过总运营支出30%', '最高200万元']);
    expect(sh.measures.every((m) => m.kind === 'support' && m.endsOn === null && m.responsible.length === 0)).toBe(true);
    // The closing (本措施自…实施,有效期至…) is validity, not a measure.
    expect(sh.measures.some((m) => m.path === '结尾')).toBe(false);
  });

  it('1752: prohibitions and requirements by article, the 20-working-day registration deadline', () => {
    const kinds = d1752.measures.map((m) => `${m.path}:${m.kind}`);
    expect(kinds).toEqual(
      expect.arrayContaining(['第五条:prohibition', '第五条:requirement', '第六条:prohibition', '第十条:requirement', '第十二条:requirement']),
    );
    expect(at(d1752, '第六条')[0]!.text).toContain('(五)开展承担无限责任的投资');
    expect(at(d1752, '第十二条')[0]).toMatchObject({ deadline: '20个工作日内', endsOn: null });
    // Definitions, purpose and the validity article are not measures.
    expect(d1752.measures.map((m) => m.path)).not.toEqual(expect.arrayContaining(['第一条', '第三条', '第十四条']));
    expect(d1752.measures.every((m) => m.endsOn === null)).toBe(true);
  });

  it('1753: the yearly deadlines are kept as written', () => {
    expect(at(d1753, '第五条')[0]).toMatchObject({ kind: 'requirement', deadline: '每个会计年度结束后6个月内' });
    expect(at(d1753, '第七条')[0]).toMatchObject({ kind: 'requirement', deadline: '每年第三季度前' });
    expect(d1753.measures.some((m) => m.path === '第十二条')).toBe(false);
  });

  it('news items carry no measures', () => {
    expect(docs002.filter((d) => d.kind === 'news').every((d) => d.measures.length === 0)).toBe(true);
  });
});

describe('seed 004: the guidance (一)–(十八)', () => {
  const g = docs004.find((d) => d.kind === 'policy')!;
  const items = ['一', '二', '三', '四', '五', '六', '七', '八', '九', '十', '十一', '十二', '十三', '十四', '十五', '十六', '十七', '十八'];

  it('gives every item a measure; all grant support, (十二) also requires', () => {
    for (const n of items) {
      const ms = g.measures.filter((m) => m.path.endsWith(`/(${n})`));
      expect(ms.map((m) => m.kind), `(${n})`).toContain('support');
    }
    expect(g.measures.filter((m) => m.path === '五/(十二)').map((m) => m.kind)).toEqual(['requirement', 'support']);
    expect(g.measures.filter((m) => m.path === '五/(十二)')[0]!.text).toMatch(/^健全金融机构服务制造业的内部机制。金融机构要把/);
  });

  it('has no amounts, bodies or windows in its items, and its 到2027年 is a target', () => {
    const itemMeasures = g.measures.filter((m) => m.path.includes('/'));
    expect(itemMeasures.every((m) => m.amounts.length === 0 && m.responsible.length === 0 && m.endsOn === null)).toBe(true);
    expect(g.measures.filter((m) => m.path === '一')).toEqual([expect.objectContaining({ kind: 'target', targetYear: 2027, endsOn: null })]);
  });
});
