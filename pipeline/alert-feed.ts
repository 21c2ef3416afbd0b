/**
 * Alerts as an Atom 1.0 feed (RFC 4287), one per subscription. Pure: data in, XML string out;
 * every text is escaped and characters XML cannot carry are dropped. The CLI prints it
 * (`policy-tracker feed <id>`); the web server serves the same string.
 *
 * @example
 * renderAtomFeed({ subscription: { id: 3, name: '广东金融' }, updated: '2027-10-15T00:00:00Z', alerts: [...] })
 * // → '<?xml version="1.0" encoding="utf-8"?>\n<feed xmlns="http://www.w3.org/2005/Atom">…'
 */
import { renderAlertMessage, type AlertPayload } from './alert-message.ts';

export interface FeedAlert {
  readonly id: number;
  readonly kind: string;
  readonly payload: AlertPayload;
  /** When the alert was raised (ISO 8601). */
  readonly createdAt: string;
}

export interface FeedInput {
  readonly subscription: { readonly id: number; readonly name: string };
  /** Newest first. */
  readonly alerts: readonly FeedAlert[];
  /** Feed `updated` when there are no alerts (ISO 8601); otherwise the newest alert's time. */
  readonly updated: string;
  /** Where the feed is served, for `<link rel="self">` (omitted when unknown). */
  readonly selfUrl?: string | null;
}

/** Characters outside XML 1.0's Char production (controls other than tab, LF, CR; lone surrogates; U+FFFE/F). */
const NOT_XML_CHAR = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/gu;

/** Escapes text for XML content and attribute values. */
export function escapeXml(text: string): string {
  return text
    .replace(NOT_XML_CHAR, '')
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;')
    .replace(/>/g, '&gt;')
    .replace(/"/g, '&quot;')
    .replace(/'/g, '&apos;');
}

/** Atom ids: stable URNs, independent of where the feed is served. */
export const feedId = (subscriptionId: number) => `urn:policy-tracker:subscription:${subscriptionId}`;
export const entryId = (alertId: number) => `urn:policy-tracker:alert:${alertId}`;

/** Renders the feed. */
export function renderAtomFeed(input: FeedInput): string {
  const { subscription: sub } = input;
  const updated = input.alerts[0]?.createdAt ?? input.updated;
  const out = [
    '<?xml version="1.0" encoding="utf-8"?>',
    '<feed xmlns="http://www.w3.org/2005/Atom" xml:lang="zh-CN">',
    `  <id>${escapeXml(feedId(sub.id))}</id>`,
    `  <title>${escapeXml(`政策提醒：${sub.name}`)}</title>`,
    `  <subtitle>${escapeXml('policy-tracker 订阅的新文件、修订、废止与到期提醒')}</subtitle>`,
    `  <updated>${escapeXml(updated)}</updated>`,
    '  <author><name>policy-tracker</name></author>',
    '  <generator>policy-tracker</generator>',
  ];
  if (input.selfUrl) out.push(`  <link rel="self" type="application/atom+xml" href="${escapeXml(input.selfUrl)}"/>`);
  for (const a of input.alerts) {
    const m = renderAlertMessage({ id: a.id, kind: a.kind, payload: a.payload, subscriptionName: sub.name });
    out.push(
      '  <entry>',
      `    <id>${escapeXml(entryId(a.id))}</id>`,
      `    <title>${escapeXml(m.subject)}</title>`,
      `    <updated>${escapeXml(a.createdAt)}</updated>`,
      `    <category term="${escapeXml(a.kind)}"/>`,
      `    <summary>${escapeXml(m.summary)}</summary>`,
      `    <content type="text">${escapeXml(m.text)}</content>`,
      '  </entry>',
    );
  }
  out.push('</feed>', '');
  return out.join('\n');
}
