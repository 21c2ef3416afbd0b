import { readFileSync, readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import type { RepealedRef } from '../../pipeline/types.ts';
import {
  analyseValidity,
  analyseValidityWithEvidence,
  findRepeals,
  findValiditySentences,
} from '../../pipeline/validity.ts';

const SEED_002 = fileURLToPath(new URL('../../seeds/002_82c496b701662624.txt', import.meta.url));
const CORPUS = fileURLToPath(new URL('../../../shared/corpus/real/', import.meta.url));
const POLICIES = `${CORPUS}policies/`;

/** Lines strictly between the line `from` and the next line `to` (both compared trimmed). */
function between(lines: readonly string[], from: string, to: string): string {
  const i = lines.findIndex((l) => l.trim() === from);
  const j = lines.findIndex((l, k) => k > i && l.trim() === to);
  if (i < 0 || j < 0) throw new Error(`cannot cut ${from} … ${to}`);
  return lines.slice(i + 1, j).join('\n');
}

describe('seed 002 (a bulletin with four policies)', () => {
  const lines = readFileSync(SEED_002, 'utf8').split('\n');
  const d1752 = between(
    lines,
    '关于加强政府投资基金布局规划和投向指导的工作办法(试行)',
    '国家发展改革委关于印发《政府投资基金投向评价管理办法(试行)》的通知',
  );
  const d1753 = between(
    lines,
    '政府投资基金投向评价管理办法(试行)',
    '广东省地方金融管理局等十部门关于印发《广东省推动金融服务科技强省建设工作方案》的通知',
  );
  const guangdong = between(
    lines,
    '广东省推动金融服务科技强省建设工作方案',
    '上海市人民政府办公厅印发《关于支持长三角G60科创走廊策源地建设的若干措施》的通知',
  );
  const shanghai = between(lines, '关于支持长三角G60科创走廊策源地建设的若干措施', '行业创新动态');

  it('reads 发改财金规〔2025〕1752号: 自发布之日起正式实施,有效期5年 from the signing date', () => {
    expect(analyseValidity({ text: d1752, signedOn: '2025-12-31' })).toEqual({
      effective: '2025-12-31',
      expires: '2030-12-30',
      basis: '本办法由国家发展改革委负责解释,自发布之日起正式实施,有效期5年,根据情况适时修订调整。',
      repeals: [],
    });
  });

  it('reads 发改财金规〔2025〕1753号 and the 2016 notice it repeals, inner 〈〉 kept', () => {
    expect(analyseValidity({ text: d1753, signedOn: '2025-12-31' })).toEqual({
      effective: '2025-12-31',
      expires: '2030-12-30',
      basis: '本办法由国家发展改革委负责解释,自发布之日起正式实施,有效期5年,根据情况适时修订调整。',
      repeals: [{ title: '国家发展改革委关于印发〈政府出资产业投资基金管理暂行办法〉的通知', docNumber: '发改财金规〔2016〕2800号' }],
    });
  });

  it('does not count the documents 1753号 only cites as repealed', () => {
    const titles = analyseValidity({ text: d1753, signedOn: '2025-12-31' }).repeals.map((r) => r.docNumber);
    expect(d1753).toContain('(国办发〔2025〕1 号)');
    expect(titles).toEqual(['发改财金规〔2016〕2800号']);
  });

  it('reads the Shanghai measures: 自2026年1月1日起实施,有效期至2030年12月31日', () => {
    expect(analyseValidity({ text: shanghai, signedOn: '2025-12-02' })).toEqual({
      effective: '2026-01-01',
      expires: '2030-12-31',
      basis: '本措施自2026年1月1日起实施,有效期至2030年12月31日。',
      repeals: [],
    });
  });

  it('gives the Guangdong 工作方案 no expiry: 到2027年底 is a target, 2025年5月1日至2027年12月31日 a measure window', () => {
    expect(guangdong).toContain('到2027年底');
    expect(guangdong).toContain('2025年5月1日至2027年12月31日发放');
    expect(analyseValidity({ text: guangdong, signedOn: '2025-12-18' })).toEqual({
      effective: null,
      expires: null,
      basis: null,
      repeals: [],
    });
  });

  it('falls back to the publish date, and to null, when the signing date is unknown', () => {
    expect(analyseValidity({ text: d1752, signedOn: null, publishedOn: '2026-01-05' })).toMatchObject({
      effective: '2026-01-05',
      expires: '2031-01-04',
    });
    expect(analyseValidity({ text: d1752, signedOn: null })).toMatchObject({ effective: null, expires: null });
  });

  it('names the phrases and the provision the validity rests on', () => {
    const provisions = [
      { path: '第十三条', label: '第十三条', level: 'article' as const, heading: null, text: '各级发展改革部门…' },
      {
        path: '第十四条',
        label: '第十四条',
        level: 'article' as const,
        heading: null,
        text: '本办法由国家发展改革委负责解释,自发布之日起正式实施,有效期5年,根据情况适时修订调整。党中央、国务院对具体政府投资基金投向另有规定的,从其规定执行。',
      },
    ];
    const { evidence } = analyseValidityWithEvidence({ text: d1752, signedOn: '2025-12-31', provisions });
    expect(evidence.path).toBe('第十四条');
    expect(evidence.effective).toMatchObject({ kind: 'relative', phrase: '自发布之日起正式实施', event: '发布', anchor: 'signedOn', offset: null });
    expect(evidence.expires).toMatchObject({ kind: 'term', phrase: '有效期5年', months: 60 });
  });

  it('lists the validity and repeal sentences of 1753号', () => {
    expect(findValiditySentences(d1753).map((s) => [s.tier, s.kinds, s.text.slice(0, 12)])).toEqual([
      [1, ['effective', 'expiry'], '本办法由国家发展改革委负'],
      [1, ['repeal'], '本办法发布后,《国家发展'],
    ]);
  });
});

describe('analyseValidity rules', () => {
  const signedOn = '2025-03-10';
  const cases: ReadonlyArray<{ name: string; text: string; effective: string | null; expires: string | null }> = [
    { name: 'explicit date, 起施行', text: '本通知自2024年3月4日起施行。', effective: '2024-03-04', expires: null },
    { name: 'explicit date without 起', text: '第二十三条  本办法自2019年2月1日实施，有效期5年。', effective: '2019-02-01', expires: '2024-01-31' },
    { name: 'date + 起执行, 有效期两年', text: '本通知自2025年1月1日起执行，有效期两年。', effective: '2025-01-01', expires: '2026-12-31' },
    { name: 'Chinese-numeral date, 有效期为三年', text: '本办法自二〇二五年一月一日起施行，有效期为三年。', effective: '2025-01-01', expires: '2027-12-31' },
    { name: '自印发之日起 + 有效期1年', text: '本通知自印发之日起施行，有效期1年。', effective: '2025-03-10', expires: '2026-03-09' },
    { name: '自发文之日起', text: '本意见自发文之日起施行。', effective: '2025-03-10', expires: null },
    { name: '自颁布之日起', text: '本条例自颁布之日起施行。', effective: '2025-03-10', expires: null },
    { name: '自公布之日起30日后施行', text: '本办法自公布之日起30日后施行。', effective: '2025-04-09', expires: null },
    { name: '自印发之日起三十日后施行', text: '本规定自印发之日起三十日后施行。', effective: '2025-04-09', expires: null },
    { name: '有效期至 a month: end of that month', text: '本方案自印发之日起实施，有效期至2030年12月。', effective: '2025-03-10', expires: '2030-12-31' },
    { name: '试行 with 试行期', text: '本办法自2024年1月1日起试行，试行期2年。', effective: '2024-01-01', expires: '2025-12-31' },
    { name: '起…至…止', text: '本办法自2024年1月1日起至2027年12月31日止施行。', effective: '2024-01-01', expires: '2027-12-31' },
    { name: '有效期自…至…', text: '本意见有效期自2026年1月1日至2028年12月31日。', effective: '2026-01-01', expires: '2028-12-31' },
    { name: '执行至…年底', text: '本政策自2025年1月1日起执行，执行至2027年底。', effective: '2025-01-01', expires: '2027-12-31' },
    { name: '…起施行，…废止', text: '本办法自2020年1月1日起施行，2024年12月31日废止。', effective: '2020-01-01', expires: '2024-12-31' },
    { name: '自…起失效: the day before', text: '本办法自2020年1月1日起施行，自2025年1月1日起失效。', effective: '2020-01-01', expires: '2024-12-31' },
    { name: 'subjectless 有效期 sentence right after the clause', text: '本通知自印发之日起施行。\n有效期5年。', effective: '2025-03-10', expires: '2030-03-09' },
    { name: 'half-width punctuation', text: '本实施细则自印发之日起施行,有效期5年。', effective: '2025-03-10', expires: '2030-03-09' },
    { name: 'a term with no known start stays unknown', text: '本通知有效期1年。', effective: null, expires: null },
    { name: 'a licence validity is not the text’s', text: '第十三条 《司法鉴定许可证》《司法鉴定人执业证》有效期5年。\n第四十条 本条例自2021年1月1日起施行。', effective: '2021-01-01', expires: null },
    { name: 'a certificate term in a 本办法 sentence is not the text’s', text: '自本办法实施之日起申领的优待凭证设置2年有效期。\n本办法自2021年5月1日起施行。', effective: '2021-05-01', expires: null },
    { name: 'an evaluation result’s validity is not the text’s', text: '市民政部门每年开展星级评定，结果有效期三年。\n本办法自印发之日起施行，有效期5年。', effective: '2025-03-10', expires: '2030-03-09' },
    { name: 'a measure window is not the text’s', text: '省财政对在2025年5月1日至2027年12月31日发放的贷款给予贴息。', effective: null, expires: null },
    { name: 'targets are not expiries', text: '到2027年，建成一批平台。到2030年底，全面建成。\n本方案自印发之日起实施。', effective: '2025-03-10', expires: null },
    { name: 'a standard’s start date is not the text’s', text: '（一）本通知规定的标准均从2025年1月1日起执行。\n本通知有效期1年。', effective: null, expires: null },
    { name: 'a rule about other texts is not the text’s', text: '第二十九条 行政法规应当自公布之日起30日后施行。\n第四十条 本条例自2002年1月1日起施行。', effective: '2002-01-01', expires: null },
    { name: 'a part of the text starting later is not the text', text: '本办法第十二条自2026年1月1日起施行。\n本办法自2025年6月1日起施行。', effective: '2025-06-01', expires: null },
    { name: 'a header line 施行 beats 自公布之日起', text: '2006年1月11日 最高人民法院公告公布\n\n2006年1月23日 施行\n\n第二十条 本解释自公布之日起施行。', effective: '2006-01-23', expires: null },
    { name: 'an end before the start is dropped', text: '本办法自2025年1月1日起施行，有效期至2024年12月31日。', effective: '2025-01-01', expires: null },
    { name: 'silent text', text: '为加强管理，制定本办法。', effective: null, expires: null },
  ];
  for (const c of cases) {
    it(`${c.name}`, () => {
      const v = analyseValidity({ text: c.text, signedOn });
      expect([v.effective, v.expires]).toEqual([c.effective, c.expires]);
    });
  }

  it('keeps the basis in original characters and without the article label', () => {
    expect(analyseValidity({ text: '七、本通知自2024年3月4日起施行，有效期5年。', signedOn: null }).basis).toBe(
      '本通知自2024年3月4日起施行，有效期5年。',
    );
    expect(analyseValidity({ text: '第十九条 本办法自发布之日起施行', signedOn: null }).basis).toBe('本办法自发布之日起施行');
    expect(analyseValidity({ text: '本通知自印发之日起施行。\n有效期5年。', signedOn }).basis).toBe('本通知自印发之日起施行。有效期5年。');
  });
});

describe('findRepeals', () => {
  const cases: ReadonlyArray<{ name: string; text: string; repeals: RepealedRef[] }> = [
    {
      name: 'several titles with numbers in one sentence',
      text: '本通知自发布之日起施行。《甲办法》（穗府〔2019〕1号）、《乙规定》(穗府办〔2020〕2 号)同时废止。',
      repeals: [
        { title: '甲办法', docNumber: '穗府〔2019〕1号' },
        { title: '乙规定', docNumber: '穗府办〔2020〕2号' },
      ],
    },
    { name: 'a text named only by number', text: '穗府办〔2019〕13号文同时废止。', repeals: [{ title: null, docNumber: '穗府办〔2019〕13号' }] },
    { name: '同时失效', text: '原《丙通知》同时失效。', repeals: [{ title: '丙通知', docNumber: null }] },
    { name: '停止执行', text: '《丁办法》（粤府〔2018〕3号）停止执行。', repeals: [{ title: '丁办法', docNumber: '粤府〔2018〕3号' }] },
    {
      name: '不再执行 after a relative start',
      text: '《最高人民法院关于办理未成年人刑事案件适用法律的若干问题的解释》（法发〔1995〕9号）自本解释公布之日起不再执行。',
      repeals: [{ title: '最高人民法院关于办理未成年人刑事案件适用法律的若干问题的解释', docNumber: '法发〔1995〕9号' }],
    },
    {
      name: 'a year prefix is not part of the title',
      text: '本法自公布之日起施行。1950年6月29日中央人民政府颁布的《中华人民共和国工会法》同时废止。',
      repeals: [{ title: '中华人民共和国工会法', docNumber: null }],
    },
    {
      name: 'an order number before 公布的 is the repealed text’s number',
      text: '2014年2月14日原国家工商行政管理总局令第62号公布的《工商行政管理部门处理消费者投诉办法》同时废止。',
      repeals: [{ title: '工商行政管理部门处理消费者投诉办法', docNumber: '国家工商行政管理总局令第62号' }],
    },
    {
      name: 'a list after 同时废止：',
      text: '下列文件同时废止：\n1.《A办法》（穗府〔2010〕1号）\n2.《B办法》（穗府〔2011〕2号）\n本办法自2020年1月1日起施行。',
      repeals: [
        { title: 'A办法', docNumber: '穗府〔2010〕1号' },
        { title: 'B办法', docNumber: '穗府〔2011〕2号' },
      ],
    },
    { name: 'a cited text is not repealed', text: '根据《国务院办公厅关于促进政府投资基金高质量发展的指导意见》（国办发〔2025〕1号），制定本办法。', repeals: [] },
    {
      name: 'a text cited in the repeal sentence is not repealed',
      text: '根据《省规定》（粤府〔2020〕1号）要求，《市办法》（穗府〔2015〕9号）同时废止。',
      repeals: [{ title: '市办法', docNumber: '穗府〔2015〕9号' }],
    },
    { name: 'unnamed measures are not a repeal', text: '各地区的土地增值费征收办法，与本条例相抵触的，同时停止执行。', repeals: [] },
    { name: '废止的 is not a repeal', text: '知道是伪造或者废止的发票而受让。', repeals: [] },
    { name: 'the text’s own end is not a repeal', text: '本办法自2020年1月1日起施行，2024年12月31日废止。', repeals: [] },
  ];
  for (const c of cases) {
    it(c.name, () => {
      expect(findRepeals(c.text)).toEqual(c.repeals);
    });
  }
});

/** One corpus file as a careful reader reads it. */
interface CorpusCase {
  /** Signing / publishing date printed in the file (or null when it prints none). */
  readonly signedOn: string | null;
  readonly publishedOn?: string;
  /** The issued document starts at the first line beginning with this (the notice is cut off). */
  readonly from?: string;
  readonly effective: string | null;
  readonly expires: string | null;
  readonly repeals: readonly RepealedRef[];
  /** The text has a validity sentence, but it does not fix a date (本通知有效期1年 with no start). */
  readonly basisWithoutDates?: boolean;
}

const t = (title: string, docNumber: string | null = null): RepealedRef => ({ title, docNumber });

/**
 * Every file of corpus/real/policies, read by hand. Dates: the signing / publishing date printed in
 * the file (for LawRefBook laws the first header date: adoption and promulgation of the original text).
 */
const POLICY_TABLE: Readonly<Record<string, CorpusCase>> = {
  // 第十三条 licences 有效期5年 is a trap; 第四十条 本条例自2021年1月1日起施行。
  'beijing-sifa-jianding-tiaoli-2020.md': { signedOn: '2020-09-25', effective: '2021-01-01', expires: null, repeals: [] },
  // 本办法自发布之日起施行 (no 。). The file prints only the 部务会议 date.
  'daixin-nianxiujia-shishi-banfa-2008.md': { signedOn: '2008-07-17', effective: '2008-07-17', expires: null, repeals: [] },
  // 本法自公布之日起施行 (the 1992 promulgation); 1950年…颁布的《中华人民共和国工会法》同时废止。
  'gonghui-fa-2021.md': { signedOn: '1992-04-03', effective: '1992-04-03', expires: null, repeals: [t('中华人民共和国工会法')] },
  'guanshui-fa-2024.md': { signedOn: '2024-04-26', effective: '2024-12-01', expires: null, repeals: [t('中华人民共和国进出口关税条例')] },
  // 本办法自2019年2月1日实施，有效期5年 (no 起).
  'gz-canji-fuju-shipei-2019.md': { signedOn: '2019-01-17', from: '广州市残疾人辅助器具适配工作管理办法', effective: '2019-02-01', expires: '2024-01-31', repeals: [] },
  // No signing date in the file, only the web date; 在有效期限内的《残疾人证》 is a trap.
  'gz-canji-liangxiang-butie-2022.md': {
    signedOn: null,
    publishedOn: '2022-11-16',
    effective: '2022-11-16',
    expires: '2027-11-15',
    repeals: [t('广州市民政局 广州市财政局 广州市残疾人联合会关于做好困难残疾人生活补贴和重度残疾人护理补贴工作的通知', '穗民〔2017〕384号')],
  },
  // 试行办法: 自印发之日起施行，有效期3年; 评估结果有效期内 is a trap.
  'gz-changhu-xian-shixing-2024.md': { signedOn: '2024-01-03', from: '广州市长期护理保险试行办法', effective: '2024-01-03', expires: '2027-01-02', repeals: [] },
  // 本通知有效期1年 with no start clause (标准…从2025年1月1日起执行 are measures): unknown.
  'gz-dibao-biaozhun-2025.md': {
    signedOn: '2025-05-30',
    effective: null,
    expires: null,
    basisWithoutDates: true,
    repeals: [t('广州市民政局 广州市财政局关于提高我市2024年最低生活保障及相关社会救助标准的通知', '穗民规字〔2024〕5号')],
  },
  'gz-gongzu-zhufang-2024.md': { signedOn: '2024-07-26', publishedOn: '2024-09-12', from: '广州市公共租赁住房管理办法', effective: '2024-07-26', expires: '2029-07-25', repeals: [] },
  // 七、本通知自2024年3月4日起施行，有效期5年。
  'gz-huji-zhufang-baozhang-2024.md': { signedOn: '2024-03-04', effective: '2024-03-04', expires: '2029-03-03', repeals: [] },
  // Silent about its validity; 到2025年 is a target.
  'gz-jiating-yisheng-2023.md': { signedOn: '2023-10-19', publishedOn: '2023-11-07', from: '关于推进广州市家庭医生签约服务高质量发展实施方案', effective: null, expires: null, repeals: [] },
  // Re-issued 2025: 自印发之日起施行，有效期至2026年12月31日; repeals the 2023 issue of itself.
  'gz-jifen-ruhu-2025.md': {
    signedOn: '2025-06-30',
    from: '广州市积分制入户管理办法',
    effective: '2025-06-30',
    expires: '2026-12-31',
    repeals: [t('广州市人民政府办公厅关于印发广州市积分制入户管理办法的通知', '穗府办规〔2023〕1号')],
  },
  'gz-jiuye-jianxi-jidi-2019.md': {
    signedOn: '2019-10-09',
    from: '广州市就业见习基地管理办法',
    effective: '2019-10-09',
    expires: '2024-10-08',
    repeals: [t('广州市人力资源和社会保障局 广州市财政局关于印发〈广州市高校毕业生就业见习基地管理办法〉的通知', '穗人社发〔2015〕27号')],
  },
  // 星级评定 结果有效期三年 is a trap.
  'gz-jujia-yanglao-2022.md': { signedOn: '2022-09-06', from: '广州市居家社区养老服务管理办法', effective: '2022-09-06', expires: '2027-09-05', repeals: [] },
  'gz-laonian-zhucan-2024.md': { signedOn: '2024-03-14', publishedOn: '2024-10-15', from: '广州市老年人助餐配餐服务管理办法', effective: '2024-04-01', expires: '2029-03-31', repeals: [] },
  // Government order: 本办法自2021年5月1日起施行; 优待凭证设置2年有效期 is a trap.
  'gz-laonianren-youdai-ling179-2021.md': { signedOn: '2021-01-29', from: '广州市老年人优待办法', effective: '2021-05-01', expires: null, repeals: [] },
  'gz-linshi-jiuzhu-2021.md': {
    signedOn: '2021-12-01',
    from: '广州市临时救助实施细则',
    effective: '2021-12-01',
    expires: '2026-11-30',
    repeals: [t('广州市人民政府办公厅关于印发广州市临时救助办法的通知', '穗府办规〔2019〕13号')],
  },
  // The notice is the document: 十二、本通知自2019年7月1日起实施，有效期5年; three repealed notices.
  'gz-menzhen-teding-bingzhong-2019.md': {
    signedOn: '2019-06-14',
    effective: '2019-07-01',
    expires: '2024-06-30',
    repeals: [
      t('广州市人力资源和社会保障局 广州市财政局 广州市卫生局关于广州市社会医疗保险统筹基金支付门诊特定项目费用范围及标准的通知', '穗人社发〔2014〕52号'),
      t('广州市人力资源和社会保障局 广州市财政局 广州市卫生和计划生育委员会关于广州市职工社会医疗保险统筹基金支付门诊指定慢性病专科药费范围及标准的通知', '穗人社发〔2015〕58号'),
      t('广州市人力资源和社会保障局 广州市财政局 广州市卫生和计划生育委员会关于将多发性硬化症等疾病纳入广州市社会医疗保险门诊特定项目范围的通知', '穗人社规字〔2018〕6号'),
    ],
  },
  'gz-tekun-jiuzhu-2021.md': {
    signedOn: '2021-04-13',
    effective: '2021-04-13',
    expires: '2026-04-12',
    repeals: [
      t('广州市民政局关于进一步规范广州市特困人员救助供养管理工作的通知', '穗民规字〔2018〕10号'),
      t('广州市民政局 广州市财政局转发广东省民政厅关于加强特困供养人员护理工作的通知', '穗民规字〔2018〕11号'),
    ],
  },
  'gz-yinjin-rencai-banfa-2020.md': {
    signedOn: '2020-06-29',
    from: '广州市引进人才入户管理办法',
    effective: '2020-06-29',
    expires: '2025-06-28',
    repeals: [t('广州市人民政府办公厅关于印发广州市引进人才入户管理办法的通知', '穗府办规〔2018〕30号')],
  },
  'gz-yinjin-rencai-xize-2022.md': {
    signedOn: '2022-07-07',
    from: '广州市引进人才入户管理办法实施细则',
    effective: '2022-07-07',
    expires: '2027-07-06',
    repeals: [t('广州市人力资源和社会保障局关于印发广州市引进人才入户管理办法实施细则的通知', '穗人社规字〔2019〕2号')],
  },
  'jiancha-fa-2018.md': { signedOn: '2018-03-20', effective: '2018-03-20', expires: null, repeals: [t('中华人民共和国行政监察法')] },
  // （试行） with no term: the end is unknown.
  'jianchayuan-minshi-susong-jiandu-guize-shixing-2013.md': { signedOn: '2013-09-23', effective: '2013-09-23', expires: null, repeals: [] },
  'jianchayuan-xingshi-susong-guize-2019.md': {
    signedOn: '2019-12-02',
    effective: '2019-12-30',
    expires: null,
    repeals: [t('人民检察院刑事诉讼规则（试行）', '高检发释字〔2012〕2号')],
  },
  'longduan-minshi-jiufen-jieshi-2024.md': {
    signedOn: '2024-02-04',
    effective: '2024-07-01',
    expires: null,
    repeals: [t('最高人民法院关于审理因垄断行为引发的民事纠纷案件应用法律若干问题的规定', '法释〔2012〕5号')],
  },
  'qiye-pochan-fa-2006.md': { signedOn: '2006-08-27', effective: '2007-06-01', expires: null, repeals: [t('中华人民共和国企业破产法（试行）')] },
  // 暂行办法 with no term; three rules repealed, each named with the order that published it.
  'shichang-jianguan-tousu-jubao-zanxing-banfa.md': {
    signedOn: '2019-11-30',
    effective: '2020-01-01',
    expires: null,
    repeals: [
      t('产品质量申诉处理办法', '国家质量技术监督局令第51号'),
      t('工商行政管理部门处理消费者投诉办法', '国家工商行政管理总局令第62号'),
      t('食品药品投诉举报管理办法', '国家食品药品监督管理总局令第21号'),
    ],
  },
  'shichang-zhuti-dengji-tiaoli-2021.md': {
    signedOn: '2021-07-27',
    effective: '2022-03-01',
    expires: null,
    repeals: [
      t('中华人民共和国公司登记管理条例'),
      t('中华人民共和国企业法人登记管理条例'),
      t('中华人民共和国合伙企业登记管理办法'),
      t('农民专业合作社登记管理条例'),
      t('企业法人法定代表人登记管理规定'),
    ],
  },
  // No date printed in the file.
  'tanpaifang-jiaoyi-zanxing-tiaoli-2024.md': { signedOn: null, effective: '2024-05-01', expires: null, repeals: [] },
  // 有效期3年; 继续执行至全部完毕 is not a date.
  'tianhe-gangao-qingnian-2023.md': { signedOn: '2023-08-09', from: '第一条', effective: '2023-09-08', expires: '2026-09-07', repeals: [] },
  // 土地增值费征收办法…同时停止执行 names no text.
  'tudi-zengzhishui-zanxing-tiaoli.md': { signedOn: '1993-12-13', effective: '1994-01-01', expires: null, repeals: [] },
  // 自公布之日起施行, and the header says 2006年1月23日 施行.
  'weichengnianren-xingshi-jieshi-2006.md': {
    signedOn: '2006-01-11',
    effective: '2006-01-23',
    expires: null,
    repeals: [t('最高人民法院关于办理未成年人刑事案件适用法律的若干问题的解释', '法发〔1995〕9号')],
  },
  'wuren-jiashi-hangkongqi-zanxing-tiaoli-2023.md': { signedOn: null, effective: '2024-01-01', expires: null, repeals: [] },
  // 行政法规应当自公布之日起30日后施行 is about other texts.
  'xingzheng-fagui-zhiding-chengxu-tiaoli-2017.md': { signedOn: '2001-11-16', effective: '2002-01-01', expires: null, repeals: [t('行政法规制定程序暂行条例')] },
  'xuewei-fa-2024.md': { signedOn: '2024-04-26', effective: '2025-01-01', expires: null, repeals: [t('中华人民共和国学位条例')] },
  'zengzhishui-fa-2024.md': { signedOn: '2024-12-25', effective: '2026-01-01', expires: null, repeals: [t('中华人民共和国增值税暂行条例')] },
};

function bodyOf(file: string, from: string | undefined): string {
  const text = readFileSync(file, 'utf8');
  if (from === undefined) return text;
  const lines = text.split('\n');
  const i = lines.findIndex((l) => l.trim().startsWith(from));
  if (i < 0) throw new Error(`${file}: no line starts with ${from}`);
  return lines.slice(i).join('\n');
}

describe('corpus/real/policies, read by hand', () => {
  it('covers every file in the folder', () => {
    expect(Object.keys(POLICY_TABLE).sort()).toEqual(readdirSync(POLICIES).filter((f) => f.endsWith('.md')).sort());
  });

  for (const [file, c] of Object.entries(POLICY_TABLE)) {
    it(file, () => {
      const text = bodyOf(POLICIES + file, c.from);
      const v = analyseValidity({ text, signedOn: c.signedOn, publishedOn: c.publishedOn ?? null });
      expect({ effective: v.effective, expires: v.expires, repeals: v.repeals }).toEqual({
        effective: c.effective,
        expires: c.expires,
        repeals: c.repeals,
      });
      // A basis whenever a date was read, and for a validity sentence whose dates stay unknown.
      expect(v.basis !== null).toBe(c.effective !== null || c.expires !== null || c.basisWithoutDates === true);
    });
  }

  it('keeps the basis sentence of a law with its repeal clause, label removed', () => {
    const v = analyseValidity({ text: readFileSync(`${POLICIES}qiye-pochan-fa-2006.md`, 'utf8'), signedOn: '2006-08-27' });
    expect(v.basis).toBe('本法自2007年6月1日起施行，《中华人民共和国企业破产法（试行）》同时废止。');
  });
});

describe('corpus/real law versions', () => {
  const laws: ReadonlyArray<{ file: string; signedOn: string | null } & Omit<CorpusCase, 'signedOn'>> = [
    { file: 'xingfa/amendment.md', signedOn: '2023-12-29', effective: '2024-03-01', expires: null, repeals: [] },
    { file: 'xingfa/new.md', signedOn: '1979-07-01', effective: '1997-10-01', expires: null, repeals: [] },
    {
      file: 'fapiao-guanli-banfa/new.md',
      signedOn: '1993-12-23',
      effective: '1993-12-23',
      expires: null,
      repeals: [t('全国发票管理暂行办法'), t('关于对外商投资企业和外国企业发票管理的暂行规定')],
    },
    { file: 'guoji-haiyun-tiaoli/new.md', signedOn: '2001-12-11', effective: '2002-01-01', expires: null, repeals: [t('中华人民共和国海上国际集装箱运输管理规定')] },
    { file: 'npcsc-yishi-guize/new.md', signedOn: '1987-11-24', effective: '1987-11-24', expires: null, repeals: [] },
    { file: 'chuanyuan-tiaoli/new.md', signedOn: '2007-04-14', effective: '2007-09-01', expires: null, repeals: [] },
  ];
  for (const c of laws) {
    it(c.file, () => {
      const v = analyseValidity({ text: readFileSync(CORPUS + c.file, 'utf8'), signedOn: c.signedOn });
      expect({ effective: v.effective, expires: v.expires, repeals: v.repeals }).toEqual({
        effective: c.effective,
        expires: c.expires,
        repeals: c.repeals,
      });
    });
  }
});

// Throughput is measured by bench/segment (validity alone and within the pipeline), not here.
describe('text without sentence ends', () => {
  // A run-on text of 540,000 characters full of trigger words and without a 。: a scanner that tried
  // every start position against every later one would run into the test timeout here.
  it('finds no dates or repeals where no sentence states them', () => {
    const text = '本办法自发布之日起施行有效期5年根据《某办法》同时废止'.repeat(20000);
    const v = analyseValidity({ text, signedOn: '2025-01-01' });
    expect(v).toEqual({ effective: null, expires: null, basis: null, repeals: [] });
  });
});
