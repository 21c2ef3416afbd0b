import { describe, expect, it } from 'vitest';
import { findDocNumbers, normalizeDocNumber } from '../../pipeline/docnumber.ts';
import { dateLine, issuerNames, noticeIssuedTitle } from '../../pipeline/lines.ts';
import { parseMarker } from '../../pipeline/markers.ts';
import { parseChineseNumber, toChineseNumber } from '../../pipeline/numerals.ts';

describe('Chinese numerals', () => {
  it('reads the numerals used in article numbers and dates', () => {
    expect(['一', '十', '十二', '二十三', '一百', '一百零三', '一百二十三', '两千', '二〇二五', '１２'].map(parseChineseNumber)).toEqual([
      1, 10, 12, 23, 100, 103, 123, 2000, 2025, 12,
    ]);
  });
  it('writes numbers back the way articles are numbered', () => {
    expect([1, 10, 12, 20, 103, 110, 452].map(toChineseNumber)).toEqual(['一', '十', '十二', '二十', '一百零三', '一百一十', '四百五十二']);
  });
  it('round-trips every article number up to 1000', () => {
    for (let n = 1; n <= 1000; n++) expect(parseChineseNumber(toChineseNumber(n))).toBe(n);
  });
});

describe('numbering markers', () => {
  it('normalizes labels of both families', () => {
    const labels = ['第一条 为加强', '第一条为完善', '第二十三条之一 已满', '第一章 总 则', '第 五 条 abc', '一、总体要求', '（一）优化', '(二十三)设立', '1.探索', '12．用足', '3、abc', '（1）ab', '①ab'].map(
      (s) => parseMarker(s)?.label,
    );
    expect(labels).toEqual(['第一条', '第一条', '第二十三条之一', '第一章', '第五条', '一', '(一)', '(二十三)', '1', '12', '3', '(1)', '①']);
  });
  it('gives each rung its contract level', () => {
    expect(['第一编 总则', '第一章 总则', '第一节 x', '第一条 x', '一、x', '（一）x', '1.x', '（1）x'].map((s) => parseMarker(s)?.level)).toEqual([
      'part', 'chapter', 'section', 'article', 'part', 'item', 'subitem', 'point',
    ]);
  });
  it('does not take numbers and dates for markers', () => {
    expect(parseMarker('1.5%的贷款')).toBeNull();
    expect(parseMarker('2025年12月31日')).toBeNull();
    expect(parseMarker('第三款规定')).toBeNull();
  });
});

describe('document numbers', () => {
  it('normalizes bracket styles and spaces', () => {
    expect(normalizeDocNumber('粤金管[2025]24号')).toBe('粤金管〔2025〕24号');
    expect(normalizeDocNumber('穗府办规（2024）13 号')).toBe('穗府办规〔2024〕13号');
    expect(normalizeDocNumber('国办发〔2025〕1 号')).toBe('国办发〔2025〕1号');
  });
  it('repairs the broken number of the Shanghai measures', () => {
    const [m] = findDocNumbers('沪府办规〔202515');
    expect(m).toMatchObject({ normalized: '沪府办规〔2025〕15号', raw: '沪府办规〔202515', repaired: true });
  });
  it('finds numbers inside sentences without the words before them', () => {
    expect(findDocNumbers('根据《意见》(国办发〔2025〕1 号)等').map((m) => m.normalized)).toEqual(['国办发〔2025〕1号']);
    expect(findDocNumbers('（2021年7月27日中华人民共和国国务院令第746号公布）').map((m) => m.normalized)).toEqual(['中华人民共和国国务院令第746号']);
  });
});

describe('line classification', () => {
  it('reads signature lines with odd spacing', () => {
    expect(issuerNames('财  政  部')).toEqual(['财政部']);
    expect(issuerNames('广东证监局  人民银行深圳市分行  深圳金融监管局')).toEqual(['广东证监局', '人民银行深圳市分行', '深圳金融监管局']);
    expect(issuerNames('为加强政府投资基金布局规划')).toBeNull();
  });
  it('reads Arabic and Chinese-numeral date lines', () => {
    expect(dateLine('2025年12月31日')).toBe('2025-12-31');
    expect(dateLine('二〇二五年十二月三十一日')).toBe('2025-12-31');
    expect(dateLine('2025年2月30日')).toBeNull();
  });
  it('finds the title a notice issues', () => {
    expect(noticeIssuedTitle('国家发展改革委等部门关于印发《关于加强政府投资基金布局规划和投向指导的工作办法(试行)》的通知')).toBe(
      '关于加强政府投资基金布局规划和投向指导的工作办法(试行)',
    );
    expect(noticeIssuedTitle('广州市人民政府办公厅关于印发广州市公共租赁住房管理办法的通知')).toBe('广州市公共租赁住房管理办法');
    expect(noticeIssuedTitle('关于加强数据科技创新的实施意见')).toBeNull();
  });
});
