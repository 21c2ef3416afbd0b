/**
 * The ingest worker records a page's documents in one call (`recordDocumentsWithChanges`), on
 * real Postgres and Redis: same counts as one by one, the changes of a revision recorded, and a
 * document the database refuses fails the job (to be retried) once the others are recorded.
 */
import { UnrecoverableError, type Job } from 'bullmq';
import { sql } from 'kysely';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { recordSnapshot } from '../../db/index.ts';
import { toJobError } from '../../workers/errors.ts';
import { ingestProcessor } from '../../workers/ingest.worker.ts';
import { clearDatabase, createTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { BULLETIN_TEXT, obliterate, testContext, testPrefix, testWorkerConfig } from './helpers.ts';

/** A policy of the bulletin (发改财金规〔2025〕1753号), refused by the test trigger. */
const REFUSED_TITLE = '政府投资基金投向评价管理办法(试行)';

let tdb: TestDatabase;
let ctx: ReturnType<typeof testContext>;

beforeAll(async () => {
  tdb = await createTestDatabase('postgres');
  ctx = testContext(tdb.db, testWorkerConfig(testPrefix()));
});
afterAll(async () => {
  await ctx?.close();
  await tdb?.close();
});
beforeEach(async () => {
  await clearDatabase(tdb.db);
  await obliterate(ctx.queues);
});

async function snapshotOf(text: string, location: string): Promise<number> {
  const snap = await recordSnapshot(tdb.db, { location, bytes: new TextEncoder().encode(text), contentType: 'text/plain; charset=utf-8', fetchedAt: new Date() });
  return snap.id;
}

const ingest = (snapshotId: number) => ingestProcessor(ctx)({ id: `ingest-test-${snapshotId}`, data: { snapshotId } } as Job<{ snapshotId: number }>);

async function titles(): Promise<string[]> {
  return (await tdb.db.selectFrom('documents').select('title').execute()).map((d) => d.title);
}

describe.sequential('the ingest worker recording a page in one call', () => {
  it('records a page, then a revision of it with its changes', async () => {
    expect((await ingest(await snapshotOf(BULLETIN_TEXT, 'https://example.test/bulletin'))).documents).toEqual({ new: 8, revised: 0, unchanged: 0 });
    const revised = BULLETIN_TEXT.replace('政府投资基金不得投资于《产业结构调整指导目录》中的限制类、淘汰类产业', '政府投资基金不得投资于《产业结构调整指导目录》中的限制类、淘汰类产业和高耗能项目');
    expect((await ingest(await snapshotOf(revised, 'https://example.test/bulletin-2'))).documents).toEqual({ new: 0, revised: 1, unchanged: 7 });
    const compared = await tdb.db.selectFrom('version_comparisons').innerJoin('versions', 'versions.id', 'version_comparisons.version_id').select('versions.seq').execute();
    expect(compared).toEqual([{ seq: 2 }]);
    // What the bulletin's texts cite, linked after recording (migration 0024): every version read,
    // and the 1753号 办法 cites the 国办 opinion it follows (国办发〔2025〕1号).
    expect(await tdb.db.selectFrom('versions').select('id').where('citations_read', '=', false).execute()).toEqual([]);
    const { rows } = await sql<{ target_key: string }>`
      select r.target_key from relations r join documents d on d.id = r.from_document_id
       where r.kind = 'cites' and d.doc_number = '发改财金规〔2025〕1753号' order by r.target_key`.execute(tdb.db);
    expect(rows.map((r) => r.target_key)).toContain('no:国办发〔2025〕1号');
  });

  it('fails the job for a refused document (to be retried) after recording the others; the retry records it', async () => {
    await sql`create function pt_test_refuse() returns trigger language plpgsql as $$
                begin
                  if new.title = ${sql.lit(REFUSED_TITLE)} then raise exception '测试拒绝: %', new.title; end if;
                  return new;
                end $$`.execute(tdb.db);
    await sql`create trigger pt_test_refuse before insert on documents for each row execute function pt_test_refuse()`.execute(tdb.db);
    const snapshotId = await snapshotOf(BULLETIN_TEXT, 'https://example.test/bulletin');
    let err: Error | null = null;
    try {
      await ingest(snapshotId);
    } catch (raw) {
      err = toJobError(raw);
    } finally {
      await sql`drop trigger pt_test_refuse on documents`.execute(tdb.db);
      await sql`drop function pt_test_refuse()`.execute(tdb.db);
    }
    expect(err?.message).toBe(`测试拒绝: ${REFUSED_TITLE}`);
    expect(err).not.toBeInstanceOf(UnrecoverableError);
    expect(await titles()).toHaveLength(7);
    expect(await titles()).not.toContain(REFUSED_TITLE);

    expect((await ingest(snapshotId)).documents).toEqual({ new: 1, revised: 0, unchanged: 7 });
    expect(await titles()).toContain(REFUSED_TITLE);
  });
});
