import { describe, expect, it } from 'vitest';
import { chinaDate, statusOn } from '../../db/status.ts';
import { versionInForce } from '../../db/document.repository.ts';
import { identityOf, lockIds, repealTargets, textHash, titleKey } from '../../db/identity.ts';

describe('statusOn', () => {
  const doc = { stored: 'active', endedOn: null, effective: '2026-01-01', expires: '2030-12-31' } as const;

  it('reads pending, in force and expired from the dates, on the day given', () => {
    expect(statusOn(doc, '2025-12-31')).toBe('pending');
    expect(statusOn(doc, '2026-01-01')).toBe('in_force');
    expect(statusOn(doc, '2030-12-31')).toBe('in_force');
    expect(statusOn(doc, '2031-01-01')).toBe('expired');
  });

  it('says repealed from the day the repeal takes effect, or at once when that day is unknown', () => {
    expect(statusOn({ ...doc, stored: 'repealed', endedOn: '2027-07-01' }, '2027-06-30')).toBe('in_force');
    expect(statusOn({ ...doc, stored: 'repealed', endedOn: '2027-07-01' }, '2027-07-01')).toBe('repealed');
    expect(statusOn({ ...doc, stored: 'repealed', endedOn: null }, '2026-02-01')).toBe('repealed');
  });

  it('says unknown, never in force, when no date is known', () => {
    expect(statusOn({ stored: 'active', endedOn: null, effective: null, expires: null }, '2026-01-01')).toBe('unknown');
    expect(statusOn({ stored: 'active', endedOn: null, effective: null, expires: '2027-01-01' }, '2026-01-01')).toBe('in_force');
  });

  it('dates today in Beijing time', () => {
    expect(chinaDate(new Date('2025-12-31T16:30:00Z'))).toBe('2026-01-01');
    expect(chinaDate(new Date('2025-12-31T15:59:59Z'))).toBe('2025-12-31');
  });
});

describe('versionInForce', () => {
  const v = (seq: number, effective: string | null, signedOn: string | null = null) => ({ id: seq, seq, effective, signedOn, expires: null });

  it('keeps the earlier text until a revision takes effect', () => {
    const versions = [v(1, '2025-01-01'), v(2, '2026-07-01', '2026-03-01')];
    expect(versionInForce(versions, '2026-06-30')?.seq).toBe(1);
    expect(versionInForce(versions, '2026-07-01')?.seq).toBe(2);
    expect(versionInForce(versions, '2024-12-31')).toBeNull();
  });

  it('falls back on the signing date, and takes an undated version as in force', () => {
    expect(versionInForce([v(1, '2025-01-01'), v(2, null, '2026-03-01')], '2026-02-01')?.seq).toBe(1);
    expect(versionInForce([v(1, '2025-01-01'), v(2, null, null)], '2025-02-01')?.seq).toBe(2);
  });
});

describe('identity', () => {
  const doc = { title: '《关于支持长三角G60科创走廊策源地建设的若干措施》', docNumber: null, docNumberRaw: null, issuers: ['上海市人民政府办公厅'] };

  it('keys a document by its normalized number, whatever the brackets, spaces or breakage', () => {
    for (const n of ['沪府办规〔2025〕15号', '沪府办规[2025]15 号', '沪府办规（2025）１５号', '沪府办规〔202515']) {
      expect(identityOf({ ...doc, docNumber: n }).identityKey).toBe('no:沪府办规〔2025〕15号');
    }
    expect(identityOf({ ...doc, docNumberRaw: '沪府办规〔202515' }).identityKey).toBe('no:沪府办规〔2025〕15号');
  });

  it('keys a number-less document by title comparison form and sorted issuers', () => {
    const a = identityOf({ ...doc, issuers: ['财  政  部', '科技部'] });
    const b = identityOf({ ...doc, title: '关于支持长三角G60科创走廊策源地建设的若干措施 ', issuers: ['科技部', '财政部'] });
    expect(a.identityKey).toBe(b.identityKey);
    expect(a.identityKey.startsWith('t:')).toBe(true);
    expect(titleKey('《办法（试行）》')).toBe(titleKey('办法(试行)'));
  });

  it('hashes texts equal when only punctuation width or spacing differ', () => {
    expect(textHash('第一条　为加强管理，制定本办法。')).toBe(textHash('第一条 为加强管理,制定本办法。'));
    expect(textHash('第一条 为加强管理，制定本办法。')).not.toBe(textHash('第一条 为加强监管，制定本办法。'));
  });

  it('names repeal targets once each, by number when given', () => {
    const targets = repealTargets([
      { title: '《暂行办法》', docNumber: '发改财金规[2016]2800号' },
      { title: '暂行办法', docNumber: '发改财金规〔2016〕2800号' },
      { title: '另一办法', docNumber: null },
      { title: null, docNumber: null },
    ]);
    expect(targets.map((t) => t.targetKey)).toEqual(['no:发改财金规〔2016〕2800号', 't:另一办法']);
  });

  it('orders lock ids so that every recording takes them in one order', () => {
    const ids = lockIds(['b', 'a', 'c', 'a']);
    expect(ids).toHaveLength(3);
    expect([...ids].sort((x, y) => (BigInt(x) < BigInt(y) ? -1 : 1))).toEqual(ids);
  });
});
