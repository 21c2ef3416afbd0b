/**
 * A record filled from the seeds, the 1752号 办法 revised with a new 第二条, and the untrusted
 * policy (a `<script>` inside an article) in two versions; and a started server on port 0.
 */
import { randomUUID } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { FastifyInstance } from 'fastify';
import { expect } from 'vitest';
import { alertsDb } from '../../db/alerts.repository.ts';
import { ingestOne } from '../../cli/ingest.command.ts';
import { buildServer, type ServerOptions } from '../../web/server.ts';
import { SEED_002, seed002WithInsertedArticle, UNTRUSTED_V1, UNTRUSTED_V2 } from '../fixtures/diff/revisions.ts';
import { createTestDatabase, type TestDatabase } from '../helpers/database.ts';

export const SEEDS_DIR = join(import.meta.dirname, '..', '..', 'seeds');
export const NUMBER_1752 = '发改财金规〔2025〕1752号';
export const UNTRUSTED_NUMBER = '测府办规〔2026〕3号';
/** The day the pages compute statuses for (screenshots stay the same from run to run). */
export const TODAY = '2026-06-01';

export async function filledDatabase(): Promise<TestDatabase> {
  const t = await createTestDatabase('postgres');
  const work = mkdtempSync(join(tmpdir(), 'pt-web-'));
  try {
    const revised = join(work, 'bulletin-inserted.txt');
    writeFileSync(revised, seed002WithInsertedArticle());
    const seeds = ['000_df4984a052cb43cf.txt', '001_88d425484b8ca9dd.txt', '002_82c496b701662624.txt', '003_3828fc71092360d9.txt', '004_817478271669fba5.txt'].map((f) => join(SEEDS_DIR, f));
    expect(seeds).toContain(SEED_002);
    for (const f of [...seeds, revised, UNTRUSTED_V1, UNTRUSTED_V2]) {
      const r = await ingestOne(t.db, f);
      expect(r.error).toBeNull();
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
  return t;
}

export async function startServer(t: TestDatabase, options: ServerOptions): Promise<{ app: FastifyInstance; base: string }> {
  const app = await buildServer(t.db, { today: () => TODAY, ...options });
  await app.listen({ host: '127.0.0.1', port: 0 });
  const addr = app.server.address();
  if (typeof addr !== 'object' || addr === null) throw new Error('server has no address');
  return { app, base: `http://127.0.0.1:${addr.port}` };
}

export async function documentId(t: TestDatabase, docNumber: string): Promise<number> {
  const row = await t.db.selectFrom('documents').select('id').where('doc_number', '=', docNumber).executeTakeFirstOrThrow();
  return row.id;
}

/** A failed delivery as the deliver worker leaves it after its last attempt. */
export async function insertFailedAlert(t: TestDatabase, subscriptionId: number, docId: number, error: string): Promise<number> {
  const row = await alertsDb(t.db)
    .insertInto('alerts')
    .values({
      subscription_id: subscriptionId,
      kind: 'new_document',
      dedupe_key: `test:${randomUUID()}`,
      document_id: docId,
      payload: JSON.stringify({ topic: 'new', document: { id: docId, title: '关于印发《政府投资基金布局规划和投向指导工作办法（试行）》的通知', docNumber: NUMBER_1752, issuers: ['国家发展改革委'], signedOn: '2025-12-26', effective: null, expires: null } }),
      status: 'failed',
      attempts: 5,
      last_error: 'HTTP 500 Internal Server Error from the receiver',
      response: 'HTTP/1.1 500 Internal Server Error\nreceiver down for maintenance',
    })
    .returning('id')
    .executeTakeFirstOrThrow();
  return Number(row.id);
}

