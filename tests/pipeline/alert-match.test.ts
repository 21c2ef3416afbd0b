import { describe, expect, it } from 'vitest';
import { matchesDocument, parseFilters, selectChanges, wantsTopic, warningThreshold, warnDaysOf } from '../../pipeline/alert-match.ts';

const GUANGDONG = { title: '广东省推动金融服务科技强省建设工作方案', docNumber: '粤金管〔2025〕24号', issuers: [] as string[], text: '…给予财政贴息，单个企业年度贴息金额最高2000万元…' };
const G60 = { title: '关于支持长三角G60科创走廊策源地建设的若干措施', docNumber: '沪府办规〔2025〕15号', issuers: ['上海市人民政府办公厅'], text: '按照规定分阶段给予不超过揭榜额30%、最高2000万元的经费支持。' };
const FUND = { title: '关于加强政府投资基金布局规划和投向指导的工作办法(试行)', docNumber: '发改财金规〔2025〕1752号', issuers: ['国家发展改革委', '财政部'] };

describe('parseFilters', () => {
  it('drops unknown fields and empty lists and sorts warning days largest first', () => {
    expect(parseFilters({ regions: ['广东'], keywords: [], warnDays: [7, 90, 30, 30], changes: ['amount', 'bogus'], other: 1 })).toEqual({
      regions: ['广东'],
      warnDays: [90, 30, 7],
      changes: ['amount'],
    });
    expect(parseFilters(null)).toEqual({});
  });
});

describe('matchesDocument', () => {
  it('matches everything when no filter is given', () => {
    expect(matchesDocument({}, FUND)).toBe(true);
  });

  it('matches a region by name in the title or issuers, or by the abbreviation the 文号 starts with', () => {
    expect(matchesDocument({ regions: ['广东'] }, GUANGDONG)).toBe(true);
    expect(matchesDocument({ regions: ['广东省'] }, { ...GUANGDONG, title: '推动金融服务科技强省建设工作方案' })).toBe(true);
    expect(matchesDocument({ regions: ['上海'] }, G60)).toBe(true);
    expect(matchesDocument({ regions: ['广东'] }, G60)).toBe(false);
    expect(matchesDocument({ regions: ['广东', '上海'] }, FUND)).toBe(false);
  });

  it('matches a 文号 prefix in any bracket style', () => {
    expect(matchesDocument({ numberPrefixes: ['粤金管'] }, GUANGDONG)).toBe(true);
    expect(matchesDocument({ numberPrefixes: ['发改财金规[2025]'] }, FUND)).toBe(true);
    expect(matchesDocument({ numberPrefixes: ['粤金管'] }, { ...GUANGDONG, docNumber: null })).toBe(false);
  });

  it('matches issuers by part of their name and keywords in the title or the text', () => {
    expect(matchesDocument({ issuers: ['财政部'] }, FUND)).toBe(true);
    expect(matchesDocument({ issuers: ['科技部'] }, FUND)).toBe(false);
    expect(matchesDocument({ keywords: ['贴息'] }, GUANGDONG)).toBe(true);
    expect(matchesDocument({ keywords: ['G60'] }, G60)).toBe(true);
    expect(matchesDocument({ keywords: ['ｇ６０'] }, G60)).toBe(true);
    expect(matchesDocument({ keywords: ['贴息'] }, FUND)).toBe(false);
  });

  it('needs every field given to match', () => {
    expect(matchesDocument({ regions: ['上海'], keywords: ['经费支持'] }, G60)).toBe(true);
    expect(matchesDocument({ regions: ['上海'], keywords: ['贴息'] }, G60)).toBe(false);
  });
});

describe('wantsTopic', () => {
  it('takes every document topic unless told, and only the named ones when told', () => {
    expect(wantsTopic({}, 'revised')).toBe(true);
    expect(wantsTopic({ alertKinds: ['expiring'] }, 'expiring')).toBe(true);
    expect(wantsTopic({ alertKinds: ['expiring'] }, 'new')).toBe(false);
    expect(wantsTopic({ alertKinds: ['source-broken', 'source-recovered'] }, 'new')).toBe(false);
  });
});

describe('warningThreshold', () => {
  it('names the tightest threshold crossed', () => {
    expect(warningThreshold([90, 30, 7], 77)).toBe(90);
    expect(warningThreshold([90, 30, 7], 30)).toBe(30);
    expect(warningThreshold([90, 30, 7], 20)).toBe(30);
    expect(warningThreshold([90, 30, 7], 0)).toBe(7);
    expect(warningThreshold([90, 30, 7], 91)).toBeNull();
    expect(warningThreshold([90, 30, 7], -1)).toBeNull();
    expect(warnDaysOf({})).toEqual([90, 30, 7]);
  });
});

describe('selectChanges', () => {
  const amount = { op: 'modified', classes: [{ kind: 'amount', old: ['最高2000万元'], new: ['最高3000万元'] }] } as const;
  const wording = { op: 'modified', classes: [{ kind: 'wording' }] } as const;
  it('keeps only the changes of the classes asked for', () => {
    expect(selectChanges({ changes: ['amount', 'window'] }, [amount, wording])).toEqual([amount]);
    expect(selectChanges({ changes: ['amount'] }, [wording])).toEqual([]);
    expect(selectChanges({}, [amount, wording])).toEqual([amount, wording]);
  });
});
