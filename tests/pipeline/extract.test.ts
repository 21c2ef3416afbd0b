import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { decodeBytes } from '../../pipeline/decode.ts';
import { detectFormat, extractText } from '../../pipeline/extract.ts';
import { cleanLine } from '../../pipeline/normalize.ts';

const seed = (name: string): string => readFileSync(new URL(`../../seeds/${name}`, import.meta.url), 'utf8');
const fixture = (name: string): string => readFileSync(new URL(`../fixtures/extract/${name}`, import.meta.url), 'utf8');
const fixtureBytes = (name: string): Uint8Array => readFileSync(new URL(`../fixtures/extract/${name}`, import.meta.url));
const lines = (text: string): string[] => text.split('\n');

describe('detectFormat', () => {
  it('trusts an HTML or Markdown content type and the file extension', () => {
    expect(detectFormat('第一条 为了规范会计行为。', { contentType: 'text/html; charset=gbk' })).toBe('html');
    expect(detectFormat('第一条 为了规范会计行为。', { contentType: 'text/markdown' })).toBe('markdown');
    expect(detectFormat('第一条 为了规范会计行为。', { fileName: 'page.shtml' })).toBe('html');
    expect(detectFormat('第一条 为了规范会计行为。', { fileName: 'law.md' })).toBe('markdown');
  });

  it('sniffs the content when the name says .txt', () => {
    expect(detectFormat(seed('004_817478271669fba5.txt'), { fileName: '004_817478271669fba5.txt' })).toBe('markdown');
    expect(detectFormat(seed('002_82c496b701662624.txt'), { fileName: '002_82c496b701662624.txt' })).toBe('text');
    expect(detectFormat(fixture('gov-page.html'), { fileName: 'page.txt' })).toBe('html');
    expect(detectFormat('<div><p>第一条</p><p>第二条</p><p>第三条</p><br><br></div>')).toBe('html');
    expect(detectFormat('第一条 为了规范会计行为，制定本法。\n第二条 本法适用于……')).toBe('text');
  });
});

describe('extractText on seed 002 (a bulletin with a breadcrumb)', () => {
  const source = seed('002_82c496b701662624.txt');
  const x = extractText(source, { fileName: '002_82c496b701662624.txt' });
  const out = lines(x.text);

  it('drops the breadcrumb line', () => {
    expect(out[0]).toBe('简报·第294期(下)');
    expect(x.text).not.toContain('您当前所在位置');
    expect(x.text).not.toContain('实时动态 > 简报');
  });

  it('keeps every line from 政策速递 to the end, in order', () => {
    const src = source.split('\n').map(cleanLine).filter((l) => l !== '');
    const from = src.indexOf('政策速递');
    expect(from).toBeGreaterThan(0);
    expect(out.slice(out.indexOf('政策速递'))).toEqual(src.slice(from));
  });

  it('keeps the attribution lines that end the news stories', () => {
    expect(out).toContain('来源:中国经营报 石健 2026-01-10');
    expect(out).toContain('中国产业经济信息网 郭倩 2026-01-12');
    expect(out).toContain('来源:工人日报 2026-01-06');
    expect(x.publishedOn).toBeNull();
    expect(x.source).toBeNull();
  });
});

describe('extractText on seed 004 (a gov.cn page saved as Markdown)', () => {
  const x = extractText(seed('004_817478271669fba5.txt'), { fileName: '004_817478271669fba5.txt' });
  const out = lines(x.text);

  it('reads the title, the publish date and the source of the page', () => {
    expect(x.format).toBe('markdown');
    expect(x.title).toBe('中国人民银行等七部门联合印发《关于金融支持新型工业化的指导意见》');
    expect(x.publishedOn).toBe('2025-08-05');
    expect(x.source).toBe('中国人民银行网站');
  });

  it('drops the publish-time line and keeps the title line', () => {
    expect(out[0]).toBe('中国人民银行等七部门联合印发《关于金融支持新型工业化的指导意见》');
    expect(out[1]!.startsWith('为深入贯彻党的二十届三中全会精神，')).toBe(true);
    expect(x.text).not.toContain('16:28');
  });

  it('strips the stray heading marks and keeps the headings', () => {
    expect(out).toContain('一、总体要求');
    expect(out).toContain('四、支持产业合理布局和拓展发展空间');
    expect(out.filter((l) => l.startsWith('#'))).toEqual([]);
  });

  it('drops the whole footer block and ends with the signing date', () => {
    for (const marker of ['主办单位', '运行维护单位', '版权所有', '网站标识码', 'ICP备', '公网安备', '中文域名']) {
      expect(x.text).not.toContain(marker);
    }
    expect(out.slice(-3)).toEqual(['中国证监会', '国家外汇局', '2025年7月29日']);
  });
});

describe('extractText on a corpus law in Markdown', () => {
  const source = readFileSync(new URL('../../../shared/corpus/real/kuaiji-fa/new.md', import.meta.url), 'utf8');
  const x = extractText(source, { fileName: 'new.md' });
  const out = lines(x.text);

  it('strips heading marks and the <!-- INFO END --> comment', () => {
    expect(x.title).toBe('中华人民共和国会计法');
    expect(out[0]).toBe('中华人民共和国会计法');
    expect(x.text).not.toContain('<!--');
    expect(x.text).not.toContain('INFO END');
    expect(out).toContain('第一章 总 则');
    expect(out).toContain('第六章 附 则');
    expect(out.filter((l) => l.startsWith('#'))).toEqual([]);
  });

  it('keeps every article, one paragraph per line', () => {
    const articles = (s: string[]) => s.filter((l) => /^第[一二三四五六七八九十百]+条 /u.test(l));
    const src = source.split('\n').map(cleanLine);
    expect(articles(out)).toEqual(articles(src));
    expect(out).toContain('第三条 各单位必须依法设置会计账簿，并保证其真实、完整。');
    expect(x.publishedOn).toBeNull();
  });
});

describe('extractText on HTML pages', () => {
  it('takes a gov-site page down to its TRS_Editor content, with title, date and source', () => {
    const x = extractText(fixture('gov-page.html'));
    expect(x.format).toBe('html');
    expect(x.title).toBe('广州市民政局\u00a0\u00a0广州市财政局关于印发我市2025年最低生活保障及相关社会救助标准的通知');
    expect(x.publishedOn).toBe('2025-06-03');
    expect(x.source).toBe('广州市民政局');
    expect(lines(x.text)).toEqual([
      '广州市民政局\u00a0\u00a0广州市财政局关于印发我市2025年最低生活保障及相关社会救助标准的通知',
      '穗民规字〔2025〕2号',
      '各区人民政府，市政府各部门、各直属机构：',
      '经市人民政府同意，现公布我市2025年城乡最低生活保障、最低生活保障边缘家庭认定、特困人员基本生活、孤儿养育、事实无人抚养儿童基本生活补贴、流浪乞讨受助人员基本饮食等标准。为保障困难群众基本生活权益，适时在重大节假日期间组织开展走访、慰问等工作，增强群众获得感、幸福感、安全感，现就有关事项通知如下：',
      '一、社会救助标准',
      '（一）全市城乡最低生活保障标准为每人每月1309元。',
      '（二）最低生活保障边缘家庭认定标准按最低生活保障标准的1.5倍确定，为每人每月1963.5元。',
      '类别 标准（元/人·月）',
      '城乡最低生活保障 1309',
      '孤儿养育 2976',
      '本通知有效期1年。《广州市民政局 广州市财政局关于提高我市2024年最低生活保障及相关社会救助标准的通知》（穗民规字〔2024〕5号）同时废止。',
      '广州市民政局\u3000\u3000广州市财政局',
      '2025年5月30日',
    ]);
  });

  it('leaves out scripts, navigation, breadcrumb, tool bars, related links and the footer', () => {
    const x = extractText(fixture('gov-page.html'));
    for (const chrome of ['统计代码', 'inline script', '办事服务', '您当前所在位置', '政务公开', '分享到', '打印本页', '关闭窗口', '相关链接', '主办单位', '版权所有', 'ICP备', '公网安备', '请输入关键字', '浏览次数']) {
      expect(x.text).not.toContain(chrome);
    }
  });

  it('finds the content of a page without a known container by its Chinese text', () => {
    const x = extractText(fixture('no-container.html'));
    expect(x.title).toBe('中华人民共和国统计法');
    expect(x.publishedOn).toBe('2024-09-14');
    expect(x.source).toBe('全国人大网');
    expect(lines(x.text)).toEqual([
      '第一章\u3000总\u3000则',
      '第一条\u3000为了科学、有效地组织统计工作，保障统计资料的真实性、准确性、完整性和及时性，加强统计监督，发挥统计在了解国情国力、服务经济社会高质量发展中的重要作用，推动全面建设社会主义现代化国家，制定本法。',
      '第二条\u3000本法适用于各级人民政府、县级以上人民政府统计机构和有关部门组织实施的统计活动。',
      // The source wraps this paragraph after the comma: no space is left between the CJK characters.
      '统计的基本任务是对经济社会发展情况进行统计调查、统计分析，提供统计资料和统计咨询意见，实行统计监督。',
      '第三条\u3000统计工作坚持中国共产党的领导。',
      '国家建立集中统一的统计系统，实行统一领导、分级负责的统计管理体制。',
      '第四条\u3000国务院和地方各级人民政府、各有关部门应当加强对统计工作的组织领导，为统计工作提供必要的保障。',
      '第五条\u3000国家加强统计科学研究，根据经济社会发展的新情况，健全科学合理的统计标准和统计指标体系，将新经济新领域纳入统计调查范围，并不断改进统计调查方法，提高统计的科学性。',
    ]);
  });

  it('gives the same text for a GBK page with <meta charset=gb2312> once decoded as for its UTF-8 original', () => {
    const fromGbk = extractText(decodeBytes(fixtureBytes('gb2312-meta.gbk.html')).text);
    const fromUtf8 = extractText(fixture('gb2312-meta.utf8.html'));
    expect(fromGbk).toEqual(fromUtf8);
    expect(lines(fromGbk.text)).toEqual([
      '穗民规字〔2025〕2号',
      '各区人民政府，市政府各部门、各直属机构：',
      '（一）全市城乡最低生活保障标准为每人每月1309元。',
      '本通知有效期1年。《广州市民政局 广州市财政局关于提高我市2024年最低生活保障及相关社会救助标准的通知》（穗民规字〔2024〕5号）同时废止。',
      '广州市民政局\u3000\u3000广州市财政局',
      '2025年5月30日',
    ]);
    expect(fromGbk.title).toBe('广州市民政局 广州市财政局关于印发我市2025年最低生活保障及相关社会救助标准的通知');
  });

  it('decodes entities and turns <br> and block elements into line breaks', () => {
    const x = extractText('<html><body><div class="content"><p>第一条&nbsp;为了规范会计行为&#65292;制定本法&#x3002;</p>国家发展改革委<br/>财政部<div>2025年12月31日</div></div></body></html>');
    expect(lines(x.text)).toEqual(['第一条\u00a0为了规范会计行为，制定本法。', '国家发展改革委', '财政部', '2025年12月31日']);
  });
});

describe('extractText on Markdown and text', () => {
  it('strips emphasis, link syntax, images and comments and keeps the link text', () => {
    const x = extractText('# 关于印发《办法》的通知\n\n**第一条** 见[《管理办法》](http://example.gov.cn/a.html)，*依法*执行。<!-- note -->\n\n![图片](a.png)\n\n---\n\n> 第二条 本办法自发布之日起施行。\n', { fileName: 'a.md' });
    expect(x.title).toBe('关于印发《办法》的通知');
    expect(lines(x.text)).toEqual(['关于印发《办法》的通知', '第一条 见《管理办法》，依法执行。', '第二条 本办法自发布之日起施行。']);
  });

  it('reads a 发布日期 line into publishedOn and never takes the signing date', () => {
    const x = extractText('关于做好2025年社会救助工作的通知\n发布日期：2024-09-12  浏览次数：-\n各区民政局：\n现就有关事项通知如下。\n广州市民政局\n2024年9月10日\n');
    expect(x.publishedOn).toBe('2024-09-12');
    expect(x.source).toBeNull();
    expect(lines(x.text)).toEqual(['关于做好2025年社会救助工作的通知', '各区民政局：', '现就有关事项通知如下。', '广州市民政局', '2024年9月10日']);
    const signedOnly = extractText('关于做好社会救助工作的通知\n广州市民政局\n2025年12月31日\n');
    expect(signedOnly.publishedOn).toBeNull();
    expect(signedOnly.text).toContain('2025年12月31日');
  });

  it('drops breadcrumbs and footer lines but keeps policy sentences that mention 版权', () => {
    const x = extractText(
      [
        '当前位置：首页 > 政务公开 > 政策文件',
        '第十条 侵犯他人版权所有权益的，依法承担法律责任',
        '著作权人对作品享有的版权所有权利受法律保护，任何单位不得侵害。',
        'Copyright © 2025 某市人民政府 版权所有',
        '【打印本页】【关闭窗口】',
        '粤ICP备12345678号 粤公网安备44010402000001号',
      ].join('\n'),
    );
    expect(lines(x.text)).toEqual(['第十条 侵犯他人版权所有权益的，依法承担法律责任', '著作权人对作品享有的版权所有权利受法律保护，任何单位不得侵害。']);
  });

  it('returns empty text for a page that is only chrome', () => {
    const x = extractText('您当前所在位置:主页 > 实时动态\n版权所有：某网站');
    expect(x.text).toBe('');
    expect(x.format).toBe('text');
  });
});
