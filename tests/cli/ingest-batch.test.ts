/**
 * `ingest` records the documents of several sources together (`ingestSources`, batches of about
 * 200 documents through `recordDocumentsWithChanges`). These tests hold it to what recording
 * each document on its own (`recordDocumentWithChanges`, what ingest did before) gives on the
 * seed pages: the same outcomes in the same order, the same rows, one line per refused document,
 * and one document and one version when two runs race. In-process on both backends, and through
 * the command on Postgres.
 */
import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { sql, type Kysely } from 'kysely';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ingestSources, type AlertCollector, type InputResult } from '../../cli/ingest.command.ts';
import { raiseIngestAlerts } from '../../db/alerts.repository.ts';
import { recordDocumentWithChanges } from '../../db/changes.repository.ts';
import type { Database } from '../../db/schema.ts';
import { saveSubscription } from '../../db/subscriptions.repository.ts';
import { processBytes } from '../../pipeline/index.ts';
import { walkFiles } from '../../workers/walk-files.ts';
import { BACKENDS, clearDatabase, createTestDatabase, useTestDatabase, type TestDatabase } from '../helpers/database.ts';
import { runCli } from './run-cli.ts';

const SEEDS = join(import.meta.dirname, '..', '..', 'seeds');
const BULLETIN = join(SEEDS, '002_82c496b701662624.txt');
/** A policy of seed 002 (发改财金规〔2025〕1753号), refused by the test trigger when asked. */
const REFUSED_TITLE = '政府投资基金投向评价管理办法(试行)';

/** Seed 002 with 第五条 of the 1752号 办法 edited and the document re-dated: one revised policy. */
function revisedBulletin(): string {
  return readFileSync(BULLETIN, 'utf8')
    .replace('政府投资基金不得投资于《产业结构调整指导目录》中的限制类、淘汰类产业', '政府投资基金不得投资于《产业结构调整指导目录》中的限制类、淘汰类产业和高耗能项目')
    .replace('工业和信息化部\n2025年12月31日', '工业和信息化部\n2026年3月1日');
}

/** One recorded (or failed) document: file, title, outcome, version number, error line. */
type Outcome = readonly [file: string, title: string, outcome: string, seq: number | null, error: string | null];

/**
 * The reference: each document of each file recorded on its own, in order, as `ingest` did before
 * it batched (same places, same error lines).
 */
async function oneByOne(db: Kysely<Database>, files: readonly string[]): Promise<Outcome[]> {
  const out: Outcome[] = [];
  for (const file of files) {
    const page = processBytes(readFileSync(file), { fileName: file });
    const seen = { source: resolve(file), seenAt: new Date(), snapshotId: null };
    for (const doc of page.documents) {
      try {
        const r = await recordDocumentWithChanges(db, doc, seen);
        out.push([basename(file), doc.title, r.outcome, r.seq, null]);
      } catch (raw) {
        out.push([basename(file), doc.title, 'failed', null, `${file}: «${doc.title}»: ${(raw as Error).message.split('\n')[0]}`]);
      }
    }
  }
  return out;
}

function outcomesOf(results: readonly InputResult[]): Outcome[] {
  return results.flatMap((r) => r.documents.map((d): Outcome => [basename(r.source), d.title, d.outcome, d.seq, d.error]));
}

/** What the record holds, independent of ids: versions, where each was seen, recorded changes, statuses. */
async function recordState(db: Kysely<Database>): Promise<unknown> {
  const { rows } = await sql<{ row: string }>`
    select concat_ws(' | ', d.identity_key, d.status, v.seq, v.text_sha256,
                     (select string_agg(s.location, ',' order by s.location) from version_sources s where s.version_id = v.id),
                     (select summary::text from version_comparisons c where c.version_id = v.id),
                     (select md5(string_agg(concat_ws('/', c.prev_version_id = p.id, c.ord, c.op, c.old_path, c.new_path, c.similarity, c.diff::text, c.detail::text), ';' order by c.ord))
                        from changes c where c.version_id = v.id),
                     (select count(*) from provisions p where p.version_id = v.id)) as row
      from documents d join versions v on v.document_id = d.id
      left join versions p on p.document_id = d.id and p.seq = v.seq - 1
     order by 1`.execute(db);
  return rows.map((r) => r.row);
}

async function refuse(db: Kysely<Database>, title: string): Promise<void> {
  await sql`create function pt_test_refuse() returns trigger language plpgsql as $$
              begin
                if new.title = ${sql.lit(title)} then raise exception '测试拒绝: %', new.title; end if;
                return new;
              end $$`.execute(db);
  await sql`create trigger pt_test_refuse before insert on documents for each row execute function pt_test_refuse()`.execute(db);
}

async function stopRefusing(db: Kysely<Database>): Promise<void> {
  await sql`drop trigger if exists pt_test_refuse on documents`.execute(db);
  await sql`drop function if exists pt_test_refuse()`.execute(db);
}

let work: string;
let seedFiles: string[];
let revisedCopy: string;
let bulletinCopy: string;
let revisedAgain: string;

beforeAll(async () => {
  work = mkdtempSync(join(tmpdir(), 'pt-ingest-batch-'));
  seedFiles = await walkFiles(SEEDS);
  revisedCopy = join(work, '005_bulletin-revised.txt');
  writeFileSync(revisedCopy, revisedBulletin());
  bulletinCopy = join(work, '006_bulletin-copy.txt');
  copyFileSync(BULLETIN, bulletinCopy);
  revisedAgain = join(work, '007_bulletin-revised-again.txt');
  writeFileSync(revisedAgain, revisedBulletin().replace('第二条', '第二条　（经修订）'));
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe.each(BACKENDS)('ingestSources on %s', (backend) => {
  const t = useTestDatabase(backend);

  it('records the seeds and a revised copy with the outcomes and rows of one by one, whatever the batch size', async () => {
    const files = [...seedFiles, revisedCopy];
    const reference = await oneByOne(t.db, files);
    const referenceState = await recordState(t.db);
    expect(reference.map((o) => o[2]).filter((o) => o === 'new')).toHaveLength(12);
    expect(reference.filter((o) => o[2] === 'revised').map((o) => [o[0], o[3]])).toEqual([['005_bulletin-revised.txt', 2]]);
    expect(reference.filter((o) => o[2] === 'unchanged')).toHaveLength(7);

    for (const flushAt of [undefined, { documents: 3, textBytes: 1 << 30 }, { documents: 1000, textBytes: 20_000 }]) {
      await clearDatabase(t.db);
      const results = await ingestSources(t.db, files, flushAt ? { flushAt } : {});
      expect(results.map((r) => r.source)).toEqual(files);
      expect(outcomesOf(results)).toEqual(reference);
      expect(await recordState(t.db)).toEqual(referenceState);
    }
  });

  it('records three versions of a document and two copies of a page met in one batch oldest first, with their changes', async () => {
    // The revised copy (its 1752号 signed 2026-03-01) comes first, the seed's text (2025-12-31)
    // after it: the batch records the seed's 1752号 as the first version, the revised copy as the
    // second and the one revised again (same date, later file) as the third, the record one by
    // one leaves when the files come oldest first.
    const files = [revisedCopy, BULLETIN, bulletinCopy, revisedAgain];
    await oneByOne(t.db, [BULLETIN, revisedCopy, bulletinCopy, revisedAgain]);
    const referenceState = await recordState(t.db);
    await clearDatabase(t.db);
    const results = await ingestSources(t.db, files);
    expect(results.map((r) => r.source)).toEqual(files);
    expect(outcomesOf(results).map((o) => `${o[0]} ${o[2]} ${o[3]}`)).toEqual([
      '005_bulletin-revised.txt revised 2',
      ...Array(7).fill('005_bulletin-revised.txt new 1'),
      '002_82c496b701662624.txt new 1',
      ...Array(7).fill('002_82c496b701662624.txt unchanged 1'),
      '006_bulletin-copy.txt unchanged 1',
      ...Array(7).fill('006_bulletin-copy.txt unchanged 1'),
      '007_bulletin-revised-again.txt revised 3',
      ...Array(7).fill('007_bulletin-revised-again.txt unchanged 1'),
    ]);
    expect(await t.db.selectFrom('version_comparisons').select((eb) => eb.fn.countAll<number>().as('n')).executeTakeFirstOrThrow()).toEqual({ n: 2 });
    expect(await recordState(t.db)).toEqual(referenceState);
  });

  it('reports each source once, in input order, while batches are recorded as the next sources are read', async () => {
    const empty = join(work, 'empty.txt');
    writeFileSync(empty, '');
    const files = [BULLETIN, empty, join(SEEDS, '004_817478271669fba5.txt'), join(work, 'missing.txt'), revisedCopy, empty];
    const reported: string[] = [];
    const read: string[] = [];
    const results = await ingestSources(t.db, files, {
      flushAt: { documents: 3, textBytes: 1 << 30 },
      onRead: (source) => read.push(source),
      onResult: (r) => reported.push(`${basename(r.source)} ${r.error === null ? r.documents.map((d) => d.outcome[0]).join('') : 'error'}`),
    });
    expect(read).toEqual(files);
    expect(reported).toEqual([
      '002_82c496b701662624.txt nnnnnnnn',
      'empty.txt error',
      '004_817478271669fba5.txt n',
      'missing.txt error',
      '005_bulletin-revised.txt ruuuuuuu',
      'empty.txt error',
    ]);
    expect(results.map((r) => r.source)).toEqual(files);
  });

  it('raises the alerts of one by one for every recorded document', async () => {
    const files = [...seedFiles, revisedCopy];
    const subscribe = () => saveSubscription(t.db, { channel: 'webhook', target: 'http://127.0.0.1:9/all', name: 'all', secret: 's', filters: {} });
    const raised = async () => {
      const { rows } = await sql<{ row: string }>`
        select concat_ws(' | ', a.kind, d.title, v.seq) as row
          from alerts a join documents d on d.id = a.document_id left join versions v on v.id = a.version_id
         order by 1`.execute(t.db);
      return rows.map((r) => r.row);
    };
    await subscribe();
    for (const file of files) {
      const seen = { source: resolve(file), seenAt: new Date(), snapshotId: null };
      for (const doc of processBytes(readFileSync(file), { fileName: file }).documents) {
        await raiseIngestAlerts(t.db, await recordDocumentWithChanges(t.db, doc, seen));
      }
    }
    const reference = await raised();
    expect(reference.filter((a) => a.startsWith('revised_document'))).toHaveLength(1);
    expect(reference.filter((a) => a.startsWith('new_document'))).toHaveLength(5);

    await clearDatabase(t.db);
    await subscribe();
    const alerts: AlertCollector = { ids: [], error: null };
    await ingestSources(t.db, files, { alerts, flushAt: { documents: 3, textBytes: 1 << 30 } });
    expect(alerts.error).toBeNull();
    expect(alerts.ids).toHaveLength(reference.length);
    expect(await raised()).toEqual(reference);
  });

  it('records each document on its own when the batch call fails as a whole', async () => {
    const files = [...seedFiles, revisedCopy];
    const reference = await oneByOne(t.db, files);
    const referenceState = await recordState(t.db);
    await clearDatabase(t.db);
    // The batch function gone: every batch call fails before writing anything.
    await sql`alter function pt_record_documents(jsonb, bytea) rename to pt_record_documents_away`.execute(t.db);
    try {
      const results = await ingestSources(t.db, files, { flushAt: { documents: 5, textBytes: 1 << 30 } });
      expect(outcomesOf(results)).toEqual(reference);
      expect(await recordState(t.db)).toEqual(referenceState);
    } finally {
      await sql`alter function pt_record_documents_away(jsonb, bytea) rename to pt_record_documents`.execute(t.db);
    }
  });

  it('reports a document the database refuses on its own and records the others of its batch', async () => {
    await refuse(t.db, REFUSED_TITLE);
    try {
      const reference = await oneByOne(t.db, seedFiles);
      const referenceState = await recordState(t.db);
      const refused = reference.filter((o) => o[2] === 'failed');
      expect(refused).toEqual([['002_82c496b701662624.txt', REFUSED_TITLE, 'failed', null, `${BULLETIN}: «${REFUSED_TITLE}»: 测试拒绝: ${REFUSED_TITLE}`]]);
      await clearDatabase(t.db);
      const results = await ingestSources(t.db, seedFiles);
      expect(outcomesOf(results)).toEqual(reference);
      expect(await recordState(t.db)).toEqual(referenceState);
      expect(results.every((r) => r.error === null)).toBe(true);
    } finally {
      await stopRefusing(t.db);
    }
  });
});

describe('the ingest command batching on Postgres', () => {
  let tdb: TestDatabase;
  let env: Record<string, string>;

  beforeAll(async () => {
    tdb = await createTestDatabase('postgres');
    env = { DATABASE_URL: tdb.url! };
  });
  afterAll(async () => {
    await tdb.close();
  });

  it('prints the summary of one by one for the seeds and a revised copy, and the same JSON shape', async () => {
    await clearDatabase(tdb.db);
    const dir = join(work, 'with-revision');
    mkdirSync(dir);
    for (const f of seedFiles) copyFileSync(f, join(dir, basename(f)));
    copyFileSync(revisedCopy, join(dir, basename(revisedCopy)));
    const first = await runCli(['ingest', dir], env);
    expect(first.stderr).toBe('');
    expect(first.code).toBe(0);
    expect(first.stdout.trim()).toBe('6 inputs read (0 failed) · 20 documents: 12 new, 1 revised, 7 unchanged, 0 failed');

    const again = await runCli(['ingest', '--json', dir], env);
    expect(again.code).toBe(0);
    const out = JSON.parse(again.stdout) as { summary: unknown; inputs: { source: string; documents: Record<string, unknown>[]; error: unknown }[] };
    expect(Object.keys(out)).toEqual(['summary', 'inputs']);
    expect(out.summary).toEqual({ inputs: 6, failedInputs: 0, documents: { new: 0, revised: 0, unchanged: 20, failed: 0 } });
    expect(out.inputs.map((i) => basename(i.source))).toEqual([...seedFiles, revisedCopy].map((f) => basename(f)));
    expect(Object.keys(out.inputs[0]!)).toEqual(['source', 'documents', 'error']);
    expect(Object.keys(out.inputs[0]!.documents[0]!)).toEqual(['title', 'docNumber', 'kind', 'outcome', 'documentId', 'seq', 'error']);
  });

  it('prints a refused document and a bad file each on its own line, in input order, and records the rest', async () => {
    await clearDatabase(tdb.db);
    const dir = join(work, 'refused');
    mkdirSync(dir);
    const bulletin = join(dir, 'a-bulletin.txt');
    copyFileSync(BULLETIN, bulletin);
    writeFileSync(join(dir, 'b-empty.txt'), '');
    copyFileSync(join(SEEDS, '004_817478271669fba5.txt'), join(dir, 'c-policy.txt'));
    await refuse(tdb.db, REFUSED_TITLE);
    try {
      const r = await runCli(['ingest', dir], env);
      expect(r.code).toBe(1);
      const lines = r.stderr.trim().split('\n');
      expect(lines).toEqual([`policy-tracker: ${bulletin}: «${REFUSED_TITLE}»: 测试拒绝: ${REFUSED_TITLE}`, expect.stringMatching(/^policy-tracker: .*b-empty\.txt.*is empty/)]);
      expect(r.stdout.trim()).toBe('3 inputs read (1 failed) · 9 documents: 8 new, 0 revised, 0 unchanged, 1 failed');
      const titles = (await tdb.db.selectFrom('documents').select('title').execute()).map((d) => d.title);
      expect(titles).toHaveLength(8);
      expect(titles).not.toContain(REFUSED_TITLE);
    } finally {
      await stopRefusing(tdb.db);
    }
    const json = JSON.parse((await runCli(['ingest', '--json', dir], env)).stdout) as { inputs: { documents: { title: string; outcome: string }[] }[] };
    expect(json.inputs[0]!.documents.map((d) => d.outcome)).toEqual(['unchanged', 'new', ...Array(6).fill('unchanged')]);
  });

  it('leaves one document per policy and one version per text when two ingests of the same directory race', async () => {
    await clearDatabase(tdb.db);
    const dir = join(work, 'race');
    mkdirSync(dir);
    for (const f of seedFiles) copyFileSync(f, join(dir, basename(f)));
    copyFileSync(revisedCopy, join(dir, basename(revisedCopy)));
    const [a, b] = await Promise.all([runCli(['ingest', '--json', dir], env), runCli(['ingest', '--json', dir], env)]);
    expect([a.code, b.code, a.stderr, b.stderr]).toEqual([0, 0, '', '']);
    const sa = (JSON.parse(a.stdout) as { summary: { documents: Record<string, number> } }).summary.documents;
    const sb = (JSON.parse(b.stdout) as { summary: { documents: Record<string, number> } }).summary.documents;
    expect({ new: sa.new! + sb.new!, revised: sa.revised! + sb.revised!, unchanged: sa.unchanged! + sb.unchanged!, failed: sa.failed! + sb.failed! }).toEqual({
      new: 12,
      revised: 1,
      unchanged: 27,
      failed: 0,
    });
    const counts = await tdb.db
      .selectFrom('versions')
      .select((eb) => [eb.fn.count<number>('document_id').distinct().as('documents'), eb.fn.countAll<number>().as('versions')])
      .executeTakeFirstOrThrow();
    expect({ documents: Number(counts.documents), versions: Number(counts.versions) }).toEqual({ documents: 12, versions: 13 });
  });
});
