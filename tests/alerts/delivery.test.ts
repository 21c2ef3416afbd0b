/**
 * Delivery through the `deliver` queue on real Redis and Postgres, to a real HTTP server that
 * checks each signature and a real SMTP server: signed webhooks, Chinese e-mail, retries with
 * backoff, `failed` after the last attempt, `alerts --failed` and `alerts retry`, and the
 * daily scan run twice sending nothing twice.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { listAlerts } from '../../db/alert-delivery.repository.ts';
import { raiseIngestAlerts } from '../../db/alerts.repository.ts';
import { recordDocument } from '../../db/record.ts';
import { newSecret, saveSubscription } from '../../db/subscriptions.repository.ts';
import type { SubscriptionFilters } from '../../pipeline/alert-match.ts';
import { queueDeliveries } from '../../workers/alert-queue.ts';
import { ALERT_SCAN_SCHEDULER } from '../../workers/alert-schedule.ts';
import { createLogger } from '../../workers/logger.ts';
import { startWorkers, type WorkerRuntime } from '../../workers/runtime.ts';
import { runCli } from '../cli/run-cli.ts';
import { clearDatabase, createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { makeDocument } from '../helpers/documents.ts';
import { deletePrefix, REDIS_URL, testPrefix, testWorkerConfig, until } from '../workers/helpers.ts';
import { startHookReceiver, startMailReceiver, type HookReceiver, type MailReceiver } from './helpers.ts';
import { decodeMail } from './mail.ts';

let tdb: TestDatabase;
let hooks: HookReceiver;
let mail: MailReceiver;
let runtime: WorkerRuntime;
const prefix = testPrefix();

beforeAll(async () => {
  tdb = await createTestDatabase('postgres');
  hooks = await startHookReceiver();
  mail = await startMailReceiver();
  runtime = await startWorkers({
    db: tdb.db,
    redisUrl: REDIS_URL,
    config: testWorkerConfig(prefix, { jobAttempts: 3, jobBackoffMs: 100, smtpUrl: mail.url, alertFrom: 'policy-tracker <alerts@test.local>' }),
    logger: createLogger('silent'),
    queues: ['deliver', 'alert-scan'],
  });
});
afterAll(async () => {
  await runtime?.close();
  await deletePrefix(REDIS_URL, prefix);
  await hooks?.close();
  await mail?.close();
  await tdb?.close();
});
beforeEach(async () => {
  await clearDatabase(tdb.db);
  hooks.received.length = 0;
  hooks.arrivals.length = 0;
  mail.mails.length = 0;
  hooks.behave(() => ({ status: 200 }));
});

let serial = 0;
/** A subscription, then a new document recorded and its alerts queued. @returns the alert ids. */
async function alertFor(channel: 'webhook' | 'email', filters: SubscriptionFilters = {}): Promise<{ ids: number[]; subscriptionId: number }> {
  serial++;
  const secret = channel === 'webhook' ? newSecret() : null;
  const target = channel === 'webhook' ? `${hooks.url}?s=${serial}` : `reader${serial}@example.com`;
  const { subscription } = await saveSubscription(tdb.db, { channel, target, name: `订阅${serial}`, secret, filters });
  if (secret) hooks.secret = secret;
  const doc = makeDocument({ docNumber: `发改财金规〔2025〕${1700 + serial}号`, title: `关于政府投资基金的工作办法（第${serial}号）`, validity: { effective: '2026-01-01', expires: '2030-12-31' } });
  const r = await recordDocument(tdb.db, doc, { source: `https://example.gov.cn/${serial}`, seenAt: new Date() });
  const ids = await raiseIngestAlerts(tdb.db, r);
  await queueDeliveries(runtime.context.queues, ids);
  return { ids, subscriptionId: subscription.id };
}

const statusOf = async (id: number) => (await listAlerts(tdb.db)).find((a) => a.id === id)?.status;

describe.sequential('delivery', () => {
  it('POSTs a signed JSON webhook with the alert id and a Chinese summary, and marks it sent', async () => {
    const { ids } = await alertFor('webhook');
    expect(ids).toHaveLength(1);
    await until(async () => (await statusOf(ids[0]!)) === 'sent', 15_000, 'the alert to be sent');
    expect(hooks.received).toHaveLength(1);
    const hook = hooks.received[0]!;
    expect(hook.validSignature).toBe(true);
    expect(hook.signature).toMatch(/^t=\d{10},v1=[0-9a-f]{64}$/);
    expect(hook.alertId).toBe(String(ids[0]));
    expect(hook.json).toMatchObject({ id: ids[0], kind: 'new_document', topic: 'new', document: { docNumber: `发改财金规〔2025〕${1700 + serial}号` } });
    expect(hook.json.summary).toMatch(/^新收录《关于政府投资基金的工作办法（第\d+号）》（发改财金规〔2025〕\d+号），发布机关：国家发展改革委、财政部，施行日期：2026年1月1日，有效期至：2030年12月31日。$/);
    const [row] = await listAlerts(tdb.db);
    expect(row).toMatchObject({ status: 'sent', attempts: 1, response: 'HTTP 200 ok' });
    expect(row!.sentAt).not.toBeNull();
  });

  it('sends an e-mail over SMTP with the subject and a Chinese body naming the document, number and dates', async () => {
    const { ids } = await alertFor('email');
    await until(async () => (await statusOf(ids[0]!)) === 'sent', 15_000, 'the e-mail to be sent');
    expect(mail.mails).toHaveLength(1);
    const m = decodeMail(mail.mails[0]!.raw);
    expect(mail.mails[0]!.to).toEqual([`reader${serial}@example.com`]);
    expect(mail.mails[0]!.from).toBe('alerts@test.local');
    expect(m.headers['x-policy-alert-id']).toBe(String(ids[0]));
    expect(m.subject).toBe(`【新文件】《关于政府投资基金的工作办法（第${serial}号）》（发改财金规〔2025〕${1700 + serial}号）`);
    expect(m.body).toContain(`文号：发改财金规〔2025〕${1700 + serial}号`);
    expect(m.body).toContain('施行日期：2026年1月1日');
    expect(m.body).toContain('有效期至：2030年12月31日');
    expect(m.body).toContain(`订阅「订阅${serial}」`);
  });

  it('retries a receiver that fails twice and sends the alert once, on the third attempt', async () => {
    hooks.behave((n) => ({ status: n <= 2 ? 500 : 200 }));
    const { ids } = await alertFor('webhook');
    await until(async () => (await statusOf(ids[0]!)) === 'sent', 15_000, 'the alert to be sent');
    expect(hooks.received.map((h) => h.status)).toEqual([500, 500, 200]);
    expect(new Set(hooks.received.map((h) => h.alertId))).toEqual(new Set([String(ids[0])]));
    expect(hooks.received.every((h) => h.validSignature)).toBe(true);
    expect((await listAlerts(tdb.db))[0]).toMatchObject({ status: 'sent', attempts: 3, lastError: null });
  });

  it('marks an alert failed after the last attempt, lists it, and sends it on `alerts retry` once the receiver accepts', async () => {
    hooks.behave(() => ({ status: 500 }));
    const { ids } = await alertFor('webhook');
    const id = ids[0]!;
    await until(async () => (await statusOf(id)) === 'failed', 15_000, 'the alert to fail');
    expect(hooks.received).toHaveLength(3);
    const env = { DATABASE_URL: tdb.url!, REDIS_URL, POLICY_TRACKER_QUEUE_PREFIX: prefix };
    const failed = await runCli(['alerts', '--failed', '--json'], env);
    const list = JSON.parse(failed.stdout).alerts as Array<{ id: number; status: string; attempts: number; lastError: string }>;
    expect(list).toHaveLength(1);
    expect(list[0]).toMatchObject({ id, status: 'failed', attempts: 3 });
    expect(list[0]!.lastError).toMatch(/answered HTTP 500 try later/);

    hooks.behave(() => ({ status: 200 }));
    const retry = await runCli(['alerts', 'retry', String(id)], env);
    expect(retry.stdout).toMatch(new RegExp(`retrying 1 alert \\(#${id}\\): queued for delivery`));
    await until(async () => (await statusOf(id)) === 'sent', 15_000, 'the retried alert to be sent');
    expect(hooks.accepted()).toHaveLength(1);
    expect(hooks.accepted()[0]!.alertId).toBe(String(id));
  });

  it('runs the expiry scan twice for a day and delivers each alert once; the daily scheduler exists', async () => {
    const secret = newSecret();
    hooks.secret = secret;
    await saveSubscription(tdb.db, { channel: 'webhook', target: `${hooks.url}?scan`, name: 'scan', secret, filters: { alertKinds: ['expiring'], warnDays: [90, 30, 7] } });
    await recordDocument(tdb.db, makeDocument({ docNumber: '发改财金规〔2025〕1999号', validity: { effective: '2026-01-01', expires: '2027-11-04' } }), { source: 'x', seenAt: new Date() });
    const q = runtime.context.queues['alert-scan'];
    await q.add('alert-scan', { date: '2027-10-15' }, { jobId: 'alert-scan-2027-10-15-first' });
    await q.add('alert-scan', { date: '2027-10-15' }, { jobId: 'alert-scan-2027-10-15-second' });
    await until(async () => (await q.getCompletedCount()) >= 2, 15_000, 'both scans to complete');
    await until(async () => hooks.accepted().length >= 1, 15_000, 'the delivery');
    await new Promise((r) => setTimeout(r, 500));
    const alerts = await listAlerts(tdb.db);
    expect(alerts).toHaveLength(1);
    expect(alerts[0]).toMatchObject({ kind: 'document_expiring', threshold: 30, status: 'sent' });
    expect(hooks.received).toHaveLength(1);
    expect(hooks.received[0]!.json).toMatchObject({ kind: 'document_expiring', daysLeft: 20, threshold: 30, endsOn: '2027-11-04' });
    const schedulers = await q.getJobSchedulers(0, -1);
    expect(schedulers.map((s) => [s.key, s.pattern, s.tz])).toContainEqual([ALERT_SCAN_SCHEDULER, '0 7 * * *', 'Asia/Shanghai']);
  });
});
