/** findCitations on real texts: which documents a text names, read by hand from the files. */
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { findCitations } from '../../pipeline/citations.ts';
import { processText } from '../../pipeline/index.ts';

const SEEDS = join(import.meta.dirname, '..', '..', 'seeds');
const CORPUS = join(import.meta.dirname, '..', '..', '..', 'shared', 'corpus', 'real');
const docs = (path: string) => processText(readFileSync(path, 'utf8'), { fileName: path }).documents;
const cited = (path: string, k = 0) => {
  const d = docs(path)[k]!;
  return findCitations(d.text, d);
};

describe('findCitations', () => {
  it('reads each title with the number in brackets after it, and leaves out the short names the text defines', () => {
    // 根据《国务院关于…的意见》（国发〔2015〕52号，以下简称《国务院意见》）…（粤民规字〔2021〕1号，以下简称《省实施办法》）
    expect(cited(join(CORPUS, 'policies', 'gz-canji-liangxiang-butie-2022.md'))).toEqual([
      { title: '国务院关于全面建立困难残疾人生活补贴和重度残疾人护理补贴制度的意见', docNumber: '国发〔2015〕52号' },
      { title: '民政部 财政部 中国残联关于进一步完善困难残疾人生活补贴和重度残疾人护理补贴制度的意见', docNumber: '民发〔2021〕70号' },
      { title: '广东省民政厅 广东省财政厅 广东省残疾人联合会关于印发<广东省困难残疾人生活补贴和重度残疾人护理补贴实施办法>的通知', docNumber: '粤民规字〔2021〕1号' },
      { title: '广州市民政局 广州市财政局 广州市残疾人联合会关于做好困难残疾人生活补贴和重度残疾人护理补贴工作的通知', docNumber: '穗民〔2017〕384号' },
    ]);
  });

  it('names the measures a 实施细则 implements, and not the 细则 itself', () => {
    const refs = cited(join(CORPUS, 'policies', 'gz-yinjin-rencai-xize-2022.md'));
    expect(refs.map((r) => r.docNumber)).toEqual(['穗府办规〔2020〕10号', '穗人社规字〔2019〕2号']);
    expect(refs.map((r) => r.title)).not.toContain('办法');
  });

  it('leaves out an attachment of the text itself and what is not a document (a certificate)', () => {
    const menzhen = cited(join(CORPUS, 'policies', 'gz-menzhen-teding-bingzhong-2019.md'));
    expect(menzhen.map((r) => r.title)).not.toContain('广州市社会医疗保险门诊特定病种准入标准'); // （附件2）
    expect(menzhen.map((r) => r.docNumber)).toContain('穗人社发〔2014〕52号');
    const butie = cited(join(CORPUS, 'policies', 'gz-canji-liangxiang-butie-2022.md'));
    expect(butie.map((r) => r.title)).not.toContain('残疾人证'); // 持有在有效期限内的《残疾人证》
  });

  it('reads the laws a regulation names, by title alone', () => {
    expect(cited(join(CORPUS, 'policies', 'shichang-zhuti-dengji-tiaoli-2021.md')).map((r) => r.title)).toEqual([
      '中华人民共和国电子商务法',
      '中华人民共和国公司登记管理条例',
      '中华人民共和国企业法人登记管理条例',
      '中华人民共和国合伙企业登记管理办法',
      '农民专业合作社登记管理条例',
      '企业法人法定代表人登记管理规定',
    ]);
  });

  it('names the law an amendment amends, from its title', () => {
    expect(cited(join(CORPUS, 'xingfa', 'amendment.md'))).toEqual([{ title: '中华人民共和国刑法', docNumber: null }]);
  });

  it('reads the policies a news story reports on (seed 002), each once', () => {
    const story = docs(join(SEEDS, '002_82c496b701662624.txt')).find((d) => d.title.startsWith('北京:新建中试平台'))!;
    expect(findCitations(story.text, story)).toEqual([{ title: '关于进一步提升本市中试服务能力促进科技创新和产业创新融合发展的若干措施', docNumber: null }]);
    const policy = docs(join(SEEDS, '002_82c496b701662624.txt'))[1]!;
    const refs = findCitations(policy.text, policy);
    expect(refs.map((r) => r.docNumber)).toEqual(['国办发〔2025〕1号', '发改财金规〔2016〕2800号']);
    expect(refs.map((r) => r.docNumber)).not.toContain(policy.docNumber);
  });
});
