import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { classifyChange, type ChangeClass } from '../../pipeline/change-kind.ts';
import { compareProvisions } from '../../pipeline/compare.ts';
import { processText } from '../../pipeline/index.ts';
import type { PolicyDocument } from '../../pipeline/types.ts';

const ROOT = join(import.meta.dirname, '../..');
const CORPUS = join(ROOT, '..', 'shared', 'corpus', 'real');
const REVISIONS = join(ROOT, 'tests', 'fixtures', 'revisions');

function policy(text: string, name: string, number?: string): PolicyDocument {
  const docs = processText(text, { fileName: name }).documents.filter((d) => d.kind === 'policy');
  return number ? docs.find((d) => d.docNumber === number)! : docs[0]!;
}

/** Every modified provision of a pair, with its classes, keyed by `old → new`. */
function classify(oldDoc: PolicyDocument, newDoc: PolicyDocument): Map<string, ChangeClass[]> {
  const out = new Map<string, ChangeClass[]>();
  for (const c of compareProvisions(oldDoc.provisions, newDoc.provisions).changes) {
    if (c.op !== 'modified') continue;
    const classes = classifyChange(
      c.oldText!,
      c.newText!,
      oldDoc.measures.filter((m) => m.path === c.old),
      newDoc.measures.filter((m) => m.path === c.new),
    );
    out.set(`${c.old} → ${c.new}`, classes);
  }
  return out;
}

function pair(dir: string, oldName: string, newName: string): Map<string, ChangeClass[]> {
  return classify(policy(readFileSync(join(dir, oldName), 'utf8'), oldName), policy(readFileSync(join(dir, newName), 'utf8'), newName));
}

const kinds = (cs: ChangeClass[] | undefined) => (cs ?? []).map((c) => c.kind);

describe('edits of the seed policies', () => {
  const SEED = readFileSync(join(ROOT, 'seeds', '002_82c496b701662624.txt'), 'utf8');

  it('a cap raised in the Shanghai measures is an amount change with old and new values', () => {
    const edited = SEED.replace('按照规定分阶段给予不超过总投入15%、最高5000万元的经费支持。鼓励卫星', '按照规定分阶段给予不超过总投入15%、最高3000万元的经费支持。鼓励卫星');
    const changes = classify(policy(SEED, 'a', '沪府办规〔2025〕15号'), policy(edited, 'b', '沪府办规〔2025〕15号'));
    expect(changes.get('二/(八) → 二/(八)')).toEqual([{ kind: 'amount', old: ['最高5000万元'], new: ['最高3000万元'] }]);
  });

  it('the Guangdong interest subsidy window moved is a window change with the old and new dates', () => {
    const edited = SEED.replace('2025年5月1日至2027年12月31日发放的', '2025年5月1日至2028年6月30日发放的');
    const changes = classify(policy(SEED, 'a', '粤金管〔2025〕24号'), policy(edited, 'b', '粤金管〔2025〕24号'));
    const [window] = changes.get('三/(二)/7 → 三/(二)/7')!;
    expect(window).toMatchObject({
      kind: 'window',
      old: [{ startsOn: '2025-05-01', endsOn: '2027-12-31', deadline: null }],
      new: [{ startsOn: '2025-05-01', endsOn: '2028-06-30', deadline: null }],
    });
    expect(kinds(changes.get('三/(二)/7 → 三/(二)/7'))).toEqual(['window']);
  });

  it('a grant struck out is support-removed; a prohibition added to 1752 is prohibition-added', () => {
    const noGuarantee = SEED.replace('健全代偿补偿机制,对符合条件的高新技术企业融资担保业务给予代偿补偿。', '健全代偿补偿机制。');
    const gd = classify(policy(SEED, 'a', '粤金管〔2025〕24号'), policy(noGuarantee, 'b', '粤金管〔2025〕24号'));
    expect(kinds(gd.get('三/(二)/7 → 三/(二)/7'))).toEqual(['support-removed']);
    const stricter = SEED.replace('防止盲目跟风、一哄而上和低水平重复建设。', '防止盲目跟风、一哄而上和低水平重复建设,不得投资于产能过剩行业。');
    const d1752 = classify(policy(SEED, 'a', '发改财金规〔2025〕1752号'), policy(stricter, 'b', '发改财金规〔2025〕1752号'));
    expect(kinds(d1752.get('第五条 → 第五条'))).toEqual(['prohibition-added']);
  });

  it('a new deadline is a window change; 应当 swapped for 须 is wording', () => {
    const later = SEED.replace('在第一笔实缴资金到位后20个工作日内', '在第一笔实缴资金到位后30个工作日内');
    const d = classify(policy(SEED, 'a', '发改财金规〔2025〕1752号'), policy(later, 'b', '发改财金规〔2025〕1752号'));
    expect(d.get('第十二条 → 第十二条')![0]).toMatchObject({ kind: 'window', old: [{ deadline: '20个工作日内' }], new: [{ deadline: '30个工作日内' }] });
    const swapped = SEED.replace('基金设立发起部门应当就投向领域征求同级发展改革部门意见', '基金设立发起部门须就投向领域征求同级发展改革部门意见');
    const w = classify(policy(SEED, 'a', '发改财金规〔2025〕1752号'), policy(swapped, 'b', '发改财金规〔2025〕1752号'));
    expect(kinds(w.get('第十条 → 第十条'))).toEqual(['wording']);
  });
});

describe('the revised fixtures', () => {
  it('fund-measures: what 第七条 supports widened is scope; 有效期5年 → 3年 is a window', () => {
    const edited = pair(join(REVISIONS, 'fund-measures'), 'v1.txt', 'v2-edited.txt');
    expect(edited.get('第七条 → 第七条')).toEqual([
      {
        kind: 'scope',
        old: '根据基金定位重点支持国家现代化产业体系建设、关键核心技术攻关等重点领域',
        new: '根据基金定位重点支持现代化产业体系和新型基础设施建设、关键核心技术攻关等重点领域',
      },
    ]);
    const validity = pair(join(REVISIONS, 'fund-measures'), 'v1.txt', 'v2-validity.txt');
    expect(validity.get('第十四条 → 第十四条')).toEqual([{ kind: 'window', old: [], new: [], oldText: '有效期5年', newText: '有效期3年' }]);
  });

  it('g60-measures: a renamed plan is wording; the validity moved to 2028 is a window', () => {
    const g60 = pair(join(REVISIONS, 'g60-measures'), 'v1.txt', 'v2.txt');
    expect(kinds(g60.get('一/(五) → 一/(五)'))).toEqual(['wording']);
    expect(g60.get('结尾 → 结尾')).toEqual([
      { kind: 'window', old: [], new: [], oldText: '有效期至2030年12月31日', newText: '有效期至2028年12月31日' },
    ]);
  });
});

describe('real amendments (shared/corpus/real)', () => {
  it('统计法: fines raised are amounts; 不得泄露 added is a prohibition', () => {
    const tongji = pair(join(CORPUS, 'tongji-fa'), 'old.md', 'new.md');
    expect(tongji.get('第六章/第四十一条 → 第六章/第四十四条')![0]).toEqual({ kind: 'amount', old: ['五万元', '二十万元'], new: ['十万元', '五十万元'] });
    expect(kinds(tongji.get('第一章/第九条 → 第一章/第十一条'))).toEqual(['prohibition-added']);
    expect(kinds(tongji.get('第二章/第十四条 → 第二章/第十六条'))).toEqual(['wording']);
  });

  it('会计法: 帐簿 → 账簿 is wording; a new 应当 sentence is a requirement added', () => {
    const kuaiji = pair(join(CORPUS, 'kuaiji-fa'), 'old.md', 'new.md');
    for (const k of ['第一章/第三条 → 第一章/第三条', '第二章/第十五条 → 第二章/第十五条', '第二章/第十七条 → 第二章/第十七条']) {
      expect(kinds(kuaiji.get(k)), k).toEqual(['wording']);
    }
    expect(kinds(kuaiji.get('第一章/第二条 → 第一章/第二条'))).toEqual(['requirement-added']);
  });

  it('科学技术奖励条例: a reporting duty added is a requirement; 国务院 → 国家 is wording', () => {
    const keji = pair(join(CORPUS, 'keji-jiangli-tiaoli'), 'old.md', 'new.md');
    expect(kinds(keji.get('第一章/第四条 → 第一章/第四条'))).toEqual(['requirement-added']);
    expect(kinds(keji.get('第一章/第二条 → 第一章/第二条'))).toEqual(['wording']);
  });
});
