/**
 * A worker process killed with SIGKILL while a webhook POST is in flight: after a restart the
 * alert is delivered and marked sent. Delivery is at least once; receivers dedupe on
 * X-Policy-Alert-Id, so what counts is one distinct alert id per alert.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Redis } from 'ioredis';
import { listAlerts } from '../../db/alert-delivery.repository.ts';
import { raiseIngestAlerts } from '../../db/alerts.repository.ts';
import { recordDocument } from '../../db/record.ts';
import { newSecret, saveSubscription } from '../../db/subscriptions.repository.ts';
import { queueDeliveries } from '../../workers/alert-queue.ts';
import { closeQueues, openQueues } from '../../workers/queues.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { makeDocument } from '../helpers/documents.ts';
import { deletePrefix, REDIS_URL, spawnCli, stop, testPrefix, until, workerEnv, type CliProcess } from '../workers/helpers.ts';
import { startHookReceiver, type HookReceiver } from './helpers.ts';

let tdb: TestDatabase;
let hooks: HookReceiver;
const prefix = testPrefix();
const workers: CliProcess[] = [];

beforeAll(async () => {
  tdb = await createTestDatabase('postgres');
  hooks = await startHookReceiver();
});
afterAll(async () => {
  for (const w of workers) await stop(w);
  await deletePrefix(REDIS_URL, prefix);
  await hooks?.close();
  await tdb?.close();
});

describe('a worker killed mid-delivery', () => {
  it('delivers every alert after a restart, each alert id seen by the receiver, each alert sent once in the record', async () => {
    const secret = newSecret();
    hooks.secret = secret;
    await saveSubscription(tdb.db, { channel: 'webhook', target: hooks.url, name: 'crash', secret, filters: {} });
    const ids: number[] = [];
    for (const n of [1, 2]) {
      const r = await recordDocument(tdb.db, makeDocument({ docNumber: `发改财金规〔2025〕${1800 + n}号`, title: `关于基金的办法（${n}）` }), { source: `s${n}`, seenAt: new Date() });
      ids.push(...(await raiseIngestAlerts(tdb.db, r)));
    }
    expect(ids).toHaveLength(2);
    // The first POST is held for long enough to kill the worker while it waits for the answer.
    hooks.behave((n) => ({ status: 200, delayMs: n === 1 ? 8_000 : 0 }));
    const env = workerEnv(prefix, tdb.url!, REDIS_URL, { POLICY_TRACKER_CONCURRENCY: 'fetch=1,ingest=1,alert-scan=1,deliver=1', POLICY_TRACKER_LOG_LEVEL: 'warn' });
    const first = spawnCli(['worker'], env);
    workers.push(first);

    const redis = new Redis(REDIS_URL, { maxRetriesPerRequest: null });
    const queues = openQueues(redis, prefix, { attempts: 8, backoffMs: 300 });
    try {
      await queueDeliveries(queues, ids);
    } finally {
      await closeQueues(queues);
      await redis.quit();
    }
    await until(() => hooks.arrivals.length >= 1, 30_000, 'the first POST');
    const inFlight = Number(hooks.arrivals[0]);
    expect((await listAlerts(tdb.db)).find((a) => a.id === inFlight)?.status).toBe('sending');
    first.child.kill('SIGKILL');
    await first.exited;

    const second = spawnCli(['worker'], env);
    workers.push(second);
    await until(async () => (await listAlerts(tdb.db)).every((a) => a.status === 'sent'), 40_000, 'every alert to be sent');
    await stop(second);

    const alerts = await listAlerts(tdb.db);
    expect(alerts.map((a) => a.status)).toEqual(['sent', 'sent']);
    expect(alerts.find((a) => a.id === inFlight)!.attempts).toBe(2);
    // What the receiver saw: every alert, by id; the one in flight when the worker died arrived
    // twice with the same id (at-least-once), which a receiver dedupes on X-Policy-Alert-Id.
    expect(new Set(hooks.arrivals)).toEqual(new Set(ids.map(String)));
    expect(hooks.arrivals.filter((a) => a === String(inFlight))).toHaveLength(2);
    await until(() => hooks.received.length === hooks.arrivals.length, 10_000, 'the held answer');
    expect(hooks.received.every((h) => h.validSignature)).toBe(true);
  });
});
