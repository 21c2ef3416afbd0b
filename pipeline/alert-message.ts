/**
 * What a reader of an alert sees, in Simplified Chinese: the e-mail subject and body, the
 * webhook's `summary`, the feed entry's title and content. Pure: the alert's stored payload in,
 * strings out (no database, no clock).
 *
 * @example
 * renderAlertMessage({ id: 7, kind: 'measure_expiring', payload: { topic: 'expiring', document: { title: '广东省推动金融服务科技强省建设工作方案', docNumber: '粤金管〔2025〕24号', … }, measure: { path: '三/(二)/7', … }, endsOn: '2027-12-31', daysLeft: 77, threshold: 90 } })
 * // → { subject: '【措施即将到期】广东省推动金融服务科技强省建设工作方案（粤金管〔2025〕24号）三/(二)/7 于2027年12月31日到期', … }
 */
import type { ChangeClass, ChangeClassKind } from './change-kind.ts';
import type { AlertTopic } from './alert-match.ts';
import type { IsoDate, MeasureKind } from './types.ts';

/** A document as an alert names it. */
export interface AlertDocument {
  readonly id: number;
  readonly title: string;
  readonly docNumber: string | null;
  readonly issuers: readonly string[];
  readonly signedOn: IsoDate | null;
  readonly effective: IsoDate | null;
  readonly expires: IsoDate | null;
}

/** One changed provision of a revision, with what kind of change it is. */
export interface AlertChange {
  readonly op: string;
  readonly oldPath: string | null;
  readonly newPath: string | null;
  readonly classes: readonly ChangeClass[];
  /** The provision's text before and after (shortened for long articles). */
  readonly oldText: string | null;
  readonly newText: string | null;
}

/** A measure as an expiry alert names it. */
export interface AlertMeasure {
  readonly path: string;
  readonly kind: MeasureKind | null;
  readonly startsOn: IsoDate | null;
  readonly endsOn: IsoDate;
  readonly amounts: readonly string[];
  readonly text: string | null;
}

/**
 * The stored payload of an alert (`alerts.payload`), everything a message needs. Source-health
 * alerts (`source-broken`, `source-recovered`) carry their own fields (`location`, `reason`, …).
 */
export interface AlertPayload {
  readonly topic?: AlertTopic;
  readonly document?: AlertDocument;
  /** Revisions: the version number (seq) of the new text, and the dates it carries. */
  readonly version?: { readonly id: number; readonly seq: number; readonly signedOn: IsoDate | null; readonly publishedOn: IsoDate | null; readonly effective: IsoDate | null; readonly expires: IsoDate | null };
  readonly changes?: readonly AlertChange[];
  /** Changes of the revision the subscription did not ask for (`--changes`). */
  readonly otherChanges?: number;
  /** Repeals: the document that repeals, and from when. */
  readonly repealedBy?: { readonly id: number; readonly title: string; readonly docNumber: string | null } | null;
  readonly repealedOn?: IsoDate | null;
  readonly measure?: AlertMeasure;
  readonly endsOn?: IsoDate;
  readonly daysLeft?: number;
  readonly threshold?: number;
  readonly basis?: string | null;
  readonly [extra: string]: unknown;
}

/** An alert as the renderers read it. */
export interface AlertView {
  readonly id: number;
  readonly kind: string;
  readonly payload: AlertPayload;
  /** Name of the subscription, shown in the footer. */
  readonly subscriptionName?: string;
}

export interface AlertMessage {
  /** E-mail subject and feed entry title (one line). */
  readonly subject: string;
  /** One or two sentences: the webhook's `summary`, the feed entry's summary. */
  readonly summary: string;
  /** Plain-text body: document, number, articles, dates. */
  readonly text: string;
}

/** Reader-facing names of the change classes. */
export const CHANGE_CLASS_NAMES: Readonly<Record<ChangeClassKind, string>> = {
  amount: '金额或上限调整',
  window: '期限或时间调整',
  'support-added': '新增支持措施',
  'support-removed': '取消支持措施',
  'requirement-added': '新增要求',
  'requirement-removed': '取消要求',
  'prohibition-added': '新增禁止性规定',
  'prohibition-removed': '取消禁止性规定',
  scope: '适用范围调整',
  wording: '文字表述修改',
};

const OP_NAMES: Readonly<Record<string, string>> = { modified: '修改', added: '新增', deleted: '删除', moved: '移动', renumbered: '重新编号' };
const MEASURE_KIND_NAMES: Readonly<Record<MeasureKind, string>> = { support: '支持措施', requirement: '要求', prohibition: '禁止性规定', target: '目标' };

/** `2027-12-31` → `2027年12月31日`. */
export function chineseDate(d: IsoDate | null | undefined): string {
  if (!d) return '未知';
  const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(d);
  return m ? `${m[1]}年${Number(m[2])}月${Number(m[3])}日` : d;
}

/** `《标题》（文号）`, the number left out when unknown. */
function named(doc: { title: string; docNumber: string | null } | undefined | null): string {
  if (!doc) return '（未知文件）';
  return `《${doc.title}》${doc.docNumber ? `（${doc.docNumber}）` : ''}`;
}

/** Long texts shortened for a message. */
function clip(text: string | null | undefined, max = 300): string {
  if (!text) return '';
  const t = text.replace(/\s+/gu, ' ').trim();
  return t.length > max ? `${t.slice(0, max)}…` : t;
}

function describeClass(c: ChangeClass): string {
  const name = CHANGE_CLASS_NAMES[c.kind];
  if (c.kind === 'amount') return `${name}：${c.old.join('、') || '无'} → ${c.new.join('、') || '无'}`;
  if (c.kind === 'window') {
    const side = (ws: typeof c.old, text: string) => text || ws.map((w) => w.deadline ?? `${chineseDate(w.startsOn)}至${chineseDate(w.endsOn)}`).join('、') || '无';
    return `${name}：${side(c.old, c.oldText)} → ${side(c.new, c.newText)}`;
  }
  if (c.kind === 'scope') return `${name}：${clip(c.old, 80) || '无'} → ${clip(c.new, 80) || '无'}`;
  return name;
}

function documentLines(doc: AlertDocument | undefined): string[] {
  if (!doc) return [];
  return [
    `文件：《${doc.title}》`,
    `文号：${doc.docNumber ?? '无'}`,
    doc.issuers.length ? `发布机关：${doc.issuers.join('、')}` : null,
    doc.signedOn ? `成文日期：${chineseDate(doc.signedOn)}` : null,
    `施行日期：${chineseDate(doc.effective)}`,
    `有效期至：${doc.expires ? chineseDate(doc.expires) : '未载明'}`,
  ].filter((l): l is string => l !== null);
}

function changeLines(changes: readonly AlertChange[]): string[] {
  const out: string[] = [];
  for (const c of changes) {
    const where = c.op === 'added' ? c.newPath : c.op === 'deleted' ? c.oldPath : c.oldPath !== c.newPath && c.oldPath && c.newPath ? `${c.oldPath} → ${c.newPath}` : (c.newPath ?? c.oldPath);
    out.push(`■ ${where ?? ''}（${OP_NAMES[c.op] ?? c.op}）${c.classes.map(describeClass).join('；')}`);
    if (c.oldText) out.push(`  原文：${clip(c.oldText)}`);
    if (c.newText) out.push(`  新文：${clip(c.newText)}`);
  }
  return out;
}

function classCounts(changes: readonly AlertChange[]): string {
  const counts = new Map<ChangeClassKind, number>();
  for (const c of changes) for (const k of new Set(c.classes.map((x) => x.kind))) counts.set(k, (counts.get(k) ?? 0) + 1);
  return [...counts].map(([k, n]) => `${CHANGE_CLASS_NAMES[k]}${n > 1 ? `${n}处` : ''}`).join('、');
}

/** Renders one alert. Unknown kinds get a generic message naming the kind. */
export function renderAlertMessage(alert: AlertView): AlertMessage {
  const p = alert.payload;
  const doc = p.document;
  let subject: string;
  let summary: string;
  let body: string[];
  switch (alert.kind) {
    case 'new_document': {
      subject = `【新文件】${named(doc)}`;
      summary = `新收录${named(doc)}${doc?.issuers.length ? `，发布机关：${doc.issuers.join('、')}` : ''}，施行日期：${chineseDate(doc?.effective)}，有效期至：${doc?.expires ? chineseDate(doc.expires) : '未载明'}。`;
      body = documentLines(doc);
      break;
    }
    case 'revised_document': {
      const changes = p.changes ?? [];
      subject = `【文件修订】${named(doc)} ${changes.length}处条款变化`;
      summary = `${named(doc)}出现新版本（第${p.version?.seq ?? '?'}版），${changes.length}处条款变化：${classCounts(changes) || '无'}。`;
      body = [
        ...documentLines(doc),
        p.version ? `新版本：第${p.version.seq}版${p.version.publishedOn ? `，发布于${chineseDate(p.version.publishedOn)}` : ''}${p.version.effective ? `，自${chineseDate(p.version.effective)}起施行` : ''}` : '',
        '',
        '变化的条款：',
        ...changeLines(changes),
        p.otherChanges ? `（另有${p.otherChanges}处变化不在订阅范围内）` : '',
      ];
      break;
    }
    case 'repeal': {
      subject = `【文件废止】${named(doc)}`;
      summary = `${named(doc)}已被${p.repealedBy ? named(p.repealedBy) : '另一文件'}废止${p.repealedOn ? `，自${chineseDate(p.repealedOn)}起不再执行` : ''}。`;
      body = [...documentLines(doc), `废止文件：${p.repealedBy ? named(p.repealedBy) : '未知'}`, `废止日期：${chineseDate(p.repealedOn)}`];
      break;
    }
    case 'document_expiring':
    case 'document_expired': {
      const expired = alert.kind === 'document_expired';
      subject = expired ? `【已到期】${named(doc)}已于${chineseDate(p.endsOn)}到期` : `【即将到期】${named(doc)}将于${chineseDate(p.endsOn)}到期`;
      summary = expired
        ? `${named(doc)}的有效期已于${chineseDate(p.endsOn)}届满。`
        : `${named(doc)}将于${chineseDate(p.endsOn)}到期，还有${p.daysLeft ?? '?'}天（${p.threshold ?? '?'}天提醒）。`;
      body = [...documentLines(doc), `到期日：${chineseDate(p.endsOn)}`, p.basis ? `依据：${clip(p.basis)}` : ''];
      break;
    }
    case 'measure_expiring':
    case 'measure_expired': {
      const expired = alert.kind === 'measure_expired';
      const m = p.measure;
      const what = `${named(doc)}${m ? `第${m.path}项` : ''}${m?.kind ? MEASURE_KIND_NAMES[m.kind] : '措施'}`;
      subject = expired ? `【措施已到期】${what}已于${chineseDate(p.endsOn)}到期` : `【措施即将到期】${what}将于${chineseDate(p.endsOn)}到期`;
      summary = expired
        ? `${what}的执行期限已于${chineseDate(p.endsOn)}届满。`
        : `${what}将于${chineseDate(p.endsOn)}到期，还有${p.daysLeft ?? '?'}天（${p.threshold ?? '?'}天提醒）。`;
      body = [
        ...documentLines(doc),
        `条款：${m?.path ?? '未知'}`,
        m?.text ? `内容：${clip(m.text, 500)}` : '',
        m?.amounts.length ? `金额：${m.amounts.join('、')}` : '',
        `期限：${m?.startsOn ? `${chineseDate(m.startsOn)}至` : '至'}${chineseDate(p.endsOn)}`,
        p.basis && p.basis !== m?.text ? `依据：${clip(p.basis)}` : '',
      ];
      break;
    }
    case 'source-broken':
    case 'source-recovered': {
      const broken = alert.kind === 'source-broken';
      const location = String(p.location ?? '');
      subject = broken ? `【信息源异常】${location}` : `【信息源恢复】${location}`;
      summary = broken ? `信息源 ${location} 无法正常抓取（${String(p.reason ?? '未知原因')}）：${clip(String(p.detail ?? ''), 200)}` : `信息源 ${location} 已恢复正常抓取。`;
      body = [summary];
      break;
    }
    default:
      subject = `【提醒】${named(doc)}`;
      summary = `${named(doc)}：${alert.kind}`;
      body = documentLines(doc);
  }
  const footer = ['', '——', `policy-tracker 提醒 #${alert.id}${alert.subscriptionName ? ` · 订阅「${alert.subscriptionName}」` : ''}`];
  const text = [summary, '', ...body.filter((l, i, a) => l !== '' || (i > 0 && a[i - 1] !== '')), ...footer].join('\n');
  return { subject: subject.replace(/\s+/gu, ' ').trim(), summary, text };
}
