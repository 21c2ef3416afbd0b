/**
 * Raising alerts on real Postgres: the expiry scan on the seeds (one alert per threshold crossed,
 * nothing twice), revisions filtered by change class, and the Atom feed of a subscription.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ingestOne, type AlertCollector } from '../../cli/ingest.command.ts';
import { listAlerts } from '../../db/alert-delivery.repository.ts';
import { raiseExpiryAlerts } from '../../db/alerts.repository.ts';
import { saveSubscription } from '../../db/subscriptions.repository.ts';
import type { AlertChange } from '../../pipeline/alert-message.ts';
import { runCli } from '../cli/run-cli.ts';
import { clearDatabase, createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { parseXml } from './xml.ts';

const ROOT = join(import.meta.dirname, '..', '..');
const RULES_2016 = join(ROOT, 'tests', 'fixtures', 'measures', 'fagai-caijin-2016-2800.txt');
const G60_V1 = readFileSync(join(ROOT, 'tests', 'fixtures', 'revisions', 'g60-measures', 'v1.txt'), 'utf8');

let tdb: TestDatabase;
let dir: string;

beforeAll(async () => {
  tdb = await createTestDatabase('postgres');
  dir = mkdtempSync(join(tmpdir(), 'pt-alerts-'));
});
afterAll(async () => {
  await tdb?.close();
  rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  await clearDatabase(tdb.db);
});

async function ingest(...paths: string[]): Promise<number[]> {
  const alerts: AlertCollector = { ids: [], error: null };
  for (const p of paths) {
    const r = await ingestOne(tdb.db, p, undefined, alerts);
    expect(r.error).toBeNull();
  }
  expect(alerts.error).toBeNull();
  return alerts.ids;
}

function file(name: string, text: string): string {
  const p = join(dir, name);
  writeFileSync(p, text);
  return p;
}

describe.sequential('raising alerts', () => {
  it('warns 90 days ahead of the Guangdong interest subsidy window on 2027-10-15, and not at 30 or 7 days', async () => {
    await ingest(...readdirSync(join(ROOT, 'seeds')).filter((f) => f.endsWith('.txt')).map((f) => join(ROOT, 'seeds', f)));
    const { subscription: sub } = await saveSubscription(tdb.db, {
      channel: 'webhook', target: 'http://127.0.0.1:9/gd', name: '广东金融', secret: 's', filters: { regions: ['广东'], alertKinds: ['expiring'], warnDays: [90, 30, 7] },
    });
    const first = await raiseExpiryAlerts(tdb.db, { on: '2027-10-15' });
    expect(first.created).toHaveLength(1);
    const [alert] = await listAlerts(tdb.db, { subscriptionId: sub.id });
    expect(alert).toMatchObject({ kind: 'measure_expiring', threshold: 90, dueOn: '2027-12-31' });
    expect(alert!.payload).toMatchObject({
      document: { docNumber: '粤金管〔2025〕24号' },
      measure: { path: '三/(二)/7', endsOn: '2027-12-31' },
      daysLeft: 77,
    });
    const again = await raiseExpiryAlerts(tdb.db, { on: '2027-10-15' });
    expect(again.created).toEqual([]);
    // The next days inside the 90-day threshold raise nothing more; 30 and 7 days out, one each.
    expect((await raiseExpiryAlerts(tdb.db, { on: '2027-10-16' })).created).toEqual([]);
    expect((await raiseExpiryAlerts(tdb.db, { on: '2027-12-01' })).created).toHaveLength(1);
    expect((await raiseExpiryAlerts(tdb.db, { on: '2027-12-25' })).created).toHaveLength(1);
    const thresholds = (await listAlerts(tdb.db, { subscriptionId: sub.id })).map((a) => a.threshold).sort((a, b) => b! - a!);
    expect(thresholds).toEqual([90, 30, 7]);
    // The day after the end: expired, once.
    const { subscription: gone } = await saveSubscription(tdb.db, {
      channel: 'email', target: 'gd@example.com', name: 'gd', secret: null, filters: { numberPrefixes: ['粤金管'], alertKinds: ['expired'] },
    });
    expect((await raiseExpiryAlerts(tdb.db, { on: '2028-01-01' })).created).toHaveLength(1);
    expect((await raiseExpiryAlerts(tdb.db, { on: '2028-01-02' })).created).toEqual([]);
    expect((await listAlerts(tdb.db, { subscriptionId: gone.id }))[0]).toMatchObject({ kind: 'measure_expired', dueOn: '2027-12-31' });
  });

  it('tells a subscriber to every end of the seeds’ ends on their days, once each, and never of a 到2027年 target', async () => {
    const { subscription: sub } = await saveSubscription(tdb.db, {
      channel: 'email', target: 'all-ends@example.com', name: '全部到期', secret: null, filters: { alertKinds: ['expiring', 'expired'], warnDays: [90, 30, 7] },
    });
    await ingest(...readdirSync(join(ROOT, 'seeds')).filter((f) => f.endsWith('.txt')).map((f) => join(ROOT, 'seeds', f)), RULES_2016);
    const days = ['2027-10-15', '2027-10-15', '2027-12-01', '2027-12-31', '2028-01-01', '2030-10-15', '2030-12-24', '2030-12-31', '2031-01-01'];
    const created: number[] = [];
    for (const on of days) created.push((await raiseExpiryAlerts(tdb.db, { on })).created.length);
    expect(created).toEqual([1, 0, 1, 1, 1, 3, 3, 2, 1]);
    const alerts = (await listAlerts(tdb.db, { subscriptionId: sub.id })).map((a) => {
      const p = a.payload as { document: { docNumber: string }; measure?: { path: string } };
      return [a.kind, p.document.docNumber, p.measure?.path ?? null, a.dueOn, a.threshold];
    });
    expect(alerts.sort((x, y) => String(x).localeCompare(String(y)))).toEqual(
      [
        ['measure_expiring', '粤金管〔2025〕24号', '三/(二)/7', '2027-12-31', 90],
        ['measure_expiring', '粤金管〔2025〕24号', '三/(二)/7', '2027-12-31', 30],
        ['measure_expiring', '粤金管〔2025〕24号', '三/(二)/7', '2027-12-31', 7],
        ['measure_expired', '粤金管〔2025〕24号', '三/(二)/7', '2027-12-31', null],
        ...['发改财金规〔2025〕1752号', '发改财金规〔2025〕1753号'].flatMap((n) => [
          ['document_expiring', n, null, '2030-12-30', 90],
          ['document_expiring', n, null, '2030-12-30', 7],
          ['document_expired', n, null, '2030-12-30', null],
        ]),
        ['document_expiring', '沪府办规〔2025〕15号', null, '2030-12-31', 90],
        ['document_expiring', '沪府办规〔2025〕15号', null, '2030-12-31', 7],
        ['document_expired', '沪府办规〔2025〕15号', null, '2030-12-31', null],
      ].sort((x, y) => String(x).localeCompare(String(y))),
    );
  });

  it('tells an amount-only subscriber of 最高2000万元 → 最高3000万元 and not of a wording edit', async () => {
    const amounts = await saveSubscription(tdb.db, { channel: 'webhook', target: 'http://127.0.0.1:9/amounts', name: 'amounts', secret: 's', filters: { changes: ['amount'] } });
    const everything = await saveSubscription(tdb.db, { channel: 'webhook', target: 'http://127.0.0.1:9/all', name: 'all', secret: 's', filters: {} });
    const v1 = await ingest(file('g60-v1.txt', G60_V1));
    expect(v1).toHaveLength(2); // new_document for both

    const raised = G60_V1.replace('加快攻克关键共性技术。按照规定分阶段给予不超过揭榜额30%、最高2000万元', '加快攻克关键共性技术。按照规定分阶段给予不超过揭榜额30%、最高3000万元');
    expect(raised).not.toBe(G60_V1);
    expect(await ingest(file('g60-v2.txt', raised))).toHaveLength(2);
    const [amountAlert] = await listAlerts(tdb.db, { subscriptionId: amounts.subscription.id });
    expect(amountAlert!.kind).toBe('revised_document');
    const changes = amountAlert!.payload.changes as AlertChange[];
    expect(changes).toHaveLength(1);
    expect(changes[0]!.classes).toContainEqual({ kind: 'amount', old: ['最高2000万元'], new: ['最高3000万元'] });

    const reworded = raised.replace('加快攻克关键共性技术', '加速攻克关键共性技术');
    expect(reworded).not.toBe(raised);
    const v3 = await ingest(file('g60-v3.txt', reworded));
    expect(v3).toHaveLength(1);
    const [wordingAlert] = await listAlerts(tdb.db, { subscriptionId: everything.subscription.id });
    expect(wordingAlert!.id).toBe(v3[0]);
    expect((wordingAlert!.payload.changes as AlertChange[])[0]!.classes).toEqual([{ kind: 'wording' }]);
    expect(await listAlerts(tdb.db, { subscriptionId: amounts.subscription.id })).toHaveLength(2);

    // Ingesting the same text again raises nothing new.
    expect(await ingest(file('g60-v3-again.txt', reworded))).toEqual([]);
  });

  it('prints a subscription\'s alerts as an Atom feed that parses as XML', async () => {
    const env = { DATABASE_URL: tdb.url!, REDIS_URL: 'redis://127.0.0.1:1' };
    const sub = await runCli(['subscribe', '--email', 'feed@example.com', '--name', '<广东> & "金融"', '--region', '广东', '--warn-days', '90,30,7'], env);
    expect(sub.code).toBe(0);
    const id = /#(\d+)/.exec(sub.stdout)![1]!;
    const ingestRun = await runCli(['ingest', join(ROOT, 'seeds', '002_82c496b701662624.txt')], env);
    expect(ingestRun.code).toBe(0);
    expect(ingestRun.stderr).toMatch(/1 alert recorded as pending \(cannot reach Redis/);
    expect((await raiseExpiryAlerts(tdb.db, { on: '2027-10-15' })).created).toHaveLength(1);
    const feed = await runCli(['feed', id, '--limit', '10'], env);
    expect(feed.code).toBe(0);
    const doc = await parseXml(feed.stdout);
    expect(doc.error).toBeNull();
    expect(doc.root).toBe('feed');
    expect(doc.title).toBe('政策提醒：<广东> & "金融"');
    expect(doc.entries.map((e) => e.id)).toHaveLength(2);
    expect(doc.entries[0]!.title).toMatch(/^【措施即将到期】《广东省推动金融服务科技强省建设工作方案》（粤金管〔2025〕24号）第三\/\(二\)\/7项支持措施将于2027年12月31日到期$/);
    expect(doc.entries[1]!.title).toMatch(/^【新文件】《广东省推动金融服务科技强省建设工作方案》/);
    expect((await listAlerts(tdb.db)).map((a) => a.status)).toEqual(['pending', 'pending']);
  });
});
