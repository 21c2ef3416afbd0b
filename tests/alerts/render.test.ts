/** Pure parts of alerts: the signature a receiver verifies, the Chinese messages, Atom escaping. */
import { createHmac } from 'node:crypto';
import { describe, expect, it } from 'vitest';
import { escapeXml, renderAtomFeed } from '../../pipeline/alert-feed.ts';
import { renderAlertMessage } from '../../pipeline/alert-message.ts';
import { signatureHeader, verifySignature, webhookBody } from '../../workers/webhook.ts';

const doc = { id: 3, title: '关于支持长三角G60科创走廊策源地建设的若干措施', docNumber: '沪府办规〔2025〕15号', issuers: ['上海市人民政府办公厅'], signedOn: '2025-12-01', effective: '2026-01-01', expires: '2030-12-31' };

describe('webhook signature', () => {
  it('is the hex HMAC-SHA256 of "<t>.<body>" under the secret, checked in time', () => {
    const body = '{"id":1,"summary":"新收录"}';
    const header = signatureHeader('s3cret', body, 1_800_000_000);
    const expected = createHmac('sha256', 's3cret').update(`1800000000.${body}`).digest('hex');
    expect(header).toBe(`t=1800000000,v1=${expected}`);
    expect(verifySignature('s3cret', body, header, 1_800_000_100)).toBe(true);
    expect(verifySignature('s3cret', `${body} `, header, 1_800_000_100)).toBe(false);
    expect(verifySignature('other', body, header, 1_800_000_100)).toBe(false);
    expect(verifySignature('s3cret', body, header, 1_800_000_301)).toBe(false); // replayed too late
  });

  it('sends the payload with the alert id, kind and Chinese summary', () => {
    const body = JSON.parse(webhookBody({ id: 9, kind: 'new_document', createdAt: new Date('2026-01-02T03:04:05Z'), subscription: { id: 2, name: 'x' }, summary: '新收录', payload: { topic: 'new', document: doc } }));
    expect(body).toEqual({ id: 9, kind: 'new_document', topic: 'new', document: doc, createdAt: '2026-01-02T03:04:05.000Z', subscription: { id: 2, name: 'x' }, summary: '新收录' });
  });
});

describe('messages', () => {
  it('names the changed articles of a revision and what kind of change each is', () => {
    const m = renderAlertMessage({
      id: 5,
      kind: 'revised_document',
      payload: {
        topic: 'revised',
        document: doc,
        version: { id: 8, seq: 2, signedOn: null, publishedOn: '2026-03-01', effective: null, expires: null },
        changes: [{ op: 'modified', oldPath: '一/(二)', newPath: '一/(二)', classes: [{ kind: 'amount', old: ['最高2000万元'], new: ['最高3000万元'] }], oldText: '…最高2000万元的经费支持。', newText: '…最高3000万元的经费支持。' }],
        otherChanges: 1,
      },
      subscriptionName: '金额',
    });
    expect(m.subject).toBe('【文件修订】《关于支持长三角G60科创走廊策源地建设的若干措施》（沪府办规〔2025〕15号） 1处条款变化');
    expect(m.summary).toBe('《关于支持长三角G60科创走廊策源地建设的若干措施》（沪府办规〔2025〕15号）出现新版本（第2版），1处条款变化：金额或上限调整。');
    expect(m.text).toContain('■ 一/(二)（修改）金额或上限调整：最高2000万元 → 最高3000万元');
    expect(m.text).toContain('（另有1处变化不在订阅范围内）');
    expect(m.text).toContain('policy-tracker 提醒 #5 · 订阅「金额」');
  });

  it('says when a repealed document stops', () => {
    const m = renderAlertMessage({ id: 1, kind: 'repeal', payload: { topic: 'repeal', document: { ...doc, title: '政府投资基金暂行管理办法', docNumber: '财预〔2015〕210号' }, repealedBy: { id: 4, title: '新办法', docNumber: '财预〔2025〕1号' }, repealedOn: '2026-01-01' } });
    expect(m.summary).toBe('《政府投资基金暂行管理办法》（财预〔2015〕210号）已被《新办法》（财预〔2025〕1号）废止，自2026年1月1日起不再执行。');
  });
});

describe('Atom feed', () => {
  it('escapes every text and drops characters XML cannot carry', () => {
    expect(escapeXml('a<b>&"c\'\u0001d')).toBe('a&lt;b&gt;&amp;&quot;c&apos;d');
    const xml = renderAtomFeed({
      subscription: { id: 7, name: '</title><script>' },
      updated: '2026-01-01T00:00:00.000Z',
      alerts: [{ id: 3, kind: 'new_document', createdAt: '2026-02-01T00:00:00.000Z', payload: { topic: 'new', document: { ...doc, title: 'A & B <C>' } } }],
    });
    expect(xml).toContain('<id>urn:policy-tracker:subscription:7</id>');
    expect(xml).toContain('<title>政策提醒：&lt;/title&gt;&lt;script&gt;</title>');
    expect(xml).toContain('<updated>2026-02-01T00:00:00.000Z</updated>');
    expect(xml).toContain('<id>urn:policy-tracker:alert:3</id>');
    expect(xml).toContain('<title>【新文件】《A &amp; B &lt;C&gt;》（沪府办规〔2025〕15号）</title>');
    expect(xml).not.toMatch(/<script>/);
  });
});
