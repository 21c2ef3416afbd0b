import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { existsSync } from 'node:fs';
import { mkdtemp, rm, writeFile, mkdir } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { sql } from 'kysely';
import pg from 'pg';
import { ConfigError, getConfig, loadConfig } from '../../config.ts';
import { createPGlite, openDatabase } from '../../db/connection.ts';
import { DatabaseBusyError, MigrationError } from '../../db/errors.ts';
import { migrateOrThrow, migrateToLatest } from '../../db/migrator.ts';
import { recordDocument, recordDocuments } from '../../db/record.ts';
import { countRows, listDocuments } from '../../db/document.repository.ts';
import { recordSnapshot } from '../../db/snapshot.repository.ts';
import { BACKENDS, clearDatabase, createTestDatabase, pgliteTemplate, type TestDatabase } from '../helpers/database.ts';
import { articles, makeDocument } from '../helpers/documents.ts';

describe('loadConfig', () => {
  it('uses the defaults when nothing is set, and freezes the result', () => {
    const c = loadConfig({});
    expect(c).toEqual({
      databaseUrl: null,
      redisUrl: 'redis://127.0.0.1:6379',
      dataDir: './.policy-tracker',
      testDatabaseUrl: 'postgres://postgres@127.0.0.1:5432/test',
    });
    expect(Object.isFrozen(c)).toBe(true);
  });

  it('reads the variables and treats an empty DATABASE_URL as unset', () => {
    expect(loadConfig({ DATABASE_URL: 'postgres://u@h:5432/d', POLICY_TRACKER_DATA_DIR: '/var/pt' })).toMatchObject({
      databaseUrl: 'postgres://u@h:5432/d',
      dataDir: '/var/pt',
    });
    expect(loadConfig({ DATABASE_URL: '  ' }).databaseUrl).toBeNull();
  });

  it('fails naming the variable when a value is unusable', () => {
    expect(() => loadConfig({ DATABASE_URL: 'not a url' })).toThrow(ConfigError);
    expect(() => loadConfig({ DATABASE_URL: 'mysql://h/d' })).toThrow(/DATABASE_URL/);
    expect(() => loadConfig({ REDIS_URL: 'http://h' })).toThrow(/REDIS_URL.*redis:/);
  });
});

describe('migrations', () => {
  it('fail loudly, naming the migration, and stop there', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'pt-migrations-'));
    try {
      await writeFile(join(dir, '0001_ok.ts'), `export async function up(db) { await db.schema.createTable('t1').addColumn('id', 'integer').execute(); }\n`);
      await writeFile(join(dir, '0002_broken.ts'), `export async function up(db) { await db.schema.createTable('t1').addColumn('id', 'integer').execute(); }\n`);
      await writeFile(join(dir, 'README.md'), 'not a migration');
      // An empty Postgres database: a fresh PGlite would take seconds to start.
      const base = getConfig().testDatabaseUrl;
      const name = `pt_test_migrations_${process.pid}`;
      const admin = new pg.Client({ connectionString: base });
      await admin.connect();
      await admin.query(`drop database if exists "${name}" with (force)`);
      await admin.query(`create database "${name}"`);
      const url = new URL(base);
      url.pathname = `/${name}`;
      const db = await openDatabase({ databaseUrl: url.toString(), migrate: false });
      try {
        const err = await migrateOrThrow(db, { dir }).catch((e: unknown) => e);
        expect(err).toBeInstanceOf(MigrationError);
        expect((err as Error).message).toMatch(/migration 0002_broken failed: .*t1.*already exists/);
        expect((err as MigrationError).results.map((r) => [r.migrationName, r.status])).toEqual([
          ['0001_ok', 'Success'],
          ['0002_broken', 'Error'],
        ]);
      } finally {
        await db.destroy();
        await admin.query(`drop database if exists "${name}" with (force)`);
        await admin.end();
      }
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });
});

describe('the embedded database in a data directory', () => {
  let dir: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'pt-data-'));
    // Seed the directory from the migrated template (a fresh initdb takes seconds).
    await mkdir(join(dir, 'pgdata'));
    const seeded = await createPGlite({ dataDir: join(dir, 'pgdata'), loadDataDir: new Blob([await pgliteTemplate()]) });
    await seeded.close();
  });
  afterAll(async () => {
    await rm(dir, { recursive: true, force: true });
  });

  it('keeps what was recorded across reopening, and lets one process in at a time', async () => {
    const db = await openDatabase({ dataDir: dir });
    try {
      await recordDocument(db, makeDocument(), { source: 'a.txt', seenAt: '2026-01-01T00:00:00Z' });
      expect(existsSync(join(dir, 'lock'))).toBe(true);
      await expect(openDatabase({ dataDir: dir, lockTimeoutMs: 200 })).rejects.toBeInstanceOf(DatabaseBusyError);
    } finally {
      await db.destroy();
    }
    expect(existsSync(join(dir, 'lock'))).toBe(false);
    const again = await openDatabase({ dataDir: dir });
    try {
      expect((await migrateToLatest(again)).results).toEqual([]);
      expect((await listDocuments(again, { on: '2026-01-01' })).documents).toHaveLength(1);
    } finally {
      await again.destroy();
    }
  });

  it('takes over a lock left by a process that is gone', async () => {
    await writeFile(join(dir, 'lock'), '2147483646\n');
    const db = await openDatabase({ dataDir: dir, lockTimeoutMs: 1_000 });
    await db.destroy();
  });
});

describe.each(BACKENDS)('types on %s', (backend) => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase(backend);
    await clearDatabase(t.db);
  });
  afterAll(async () => {
    await t?.close();
  });

  it('returns dates as YYYY-MM-DD strings, counts and ids as numbers, instants as Dates', async () => {
    const { rows } = await sql<{ d: unknown; n: unknown; b: unknown; ts: unknown }>`
      select '2025-12-31'::date as d, count(*) as n, 9007199254740991::bigint as b, '2026-01-01T00:00:00Z'::timestamptz as ts
      from (values (1), (2)) v(x)`.execute(t.db);
    expect(rows[0]).toEqual({ d: '2025-12-31', n: 2, b: 9007199254740991, ts: new Date('2026-01-01T00:00:00Z') });
  });

  it('stores snapshots once per sha256, bytes intact', async () => {
    const bytes = new Uint8Array([0xd5, 0xfe, 0xb8, 0xae, 0x00, 0xff]);
    const a = await recordSnapshot(t.db, { location: 'https://x.gov.cn/a.html', bytes, contentType: 'text/html', charset: 'gbk', publishedOn: '2025-08-05', fetchedAt: '2026-01-01T00:00:00Z' });
    const b = await recordSnapshot(t.db, { location: 'https://y.gov.cn/b.html', bytes, fetchedAt: new Date('2026-01-02T00:00:00Z') });
    expect(a).toMatchObject({ created: true, sha256: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(b).toEqual({ id: a.id, sha256: a.sha256, created: false });
    const row = await t.db.selectFrom('snapshots').selectAll().where('id', '=', a.id).executeTakeFirstOrThrow();
    expect(new Uint8Array(row.bytes)).toEqual(bytes);
    expect(row).toMatchObject({ published_on: '2025-08-05', byte_length: 6, charset: 'gbk', fetched_at: new Date('2026-01-01T00:00:00Z') });
    const r = await recordDocument(t.db, makeDocument(), { source: 'https://x.gov.cn/a.html', seenAt: '2026-01-01T00:00:00Z', snapshotId: a.id });
    const v = await t.db.selectFrom('versions').select('snapshot_id').where('id', '=', r.versionId).executeTakeFirstOrThrow();
    expect(v.snapshot_id).toBe(a.id);
  });
});

describe('a Postgres database that refuses writes', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase('postgres');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('fails the recording and leaves no partial rows', async () => {
    const admin = new pg.Client({ connectionString: t.url! });
    await admin.connect();
    try {
      const name = new URL(t.url!).pathname.slice(1);
      await admin.query(`alter database "${name}" set default_transaction_read_only = on`);
      const readOnly = await t.openAnother();
      await expect(recordDocument(readOnly, makeDocument(), { source: 'a', seenAt: '2026-01-01T00:00:00Z' })).rejects.toThrow(/read-only transaction/);
      await admin.query(`alter database "${name}" reset default_transaction_read_only`);
      expect(await countRows(t.db)).toMatchObject({ documents: 0, versions: 0, provisions: 0, version_sources: 0 });
    } finally {
      await admin.end();
    }
  });
});

describe('a Postgres connection lost while recording', () => {
  let t: TestDatabase;
  beforeAll(async () => {
    t = await createTestDatabase('postgres');
  });
  afterAll(async () => {
    await t?.close();
  });

  it('leaves no partial document behind', async () => {
    const recorder = await t.openAnother();
    const many = articles(Array.from({ length: 15 }, (_, i) => `条文${i}`.repeat(40)));
    const items = Array.from({ length: 400 }, (_, k) => ({
      doc: makeDocument({ docNumber: `断规〔2025〕${k}号`, title: `断线测试${k}`, provisions: many, text: `断线测试正文${k}`.repeat(200) }),
      seen: { source: `f${k}`, seenAt: '2026-01-01T00:00:00Z' },
    }));
    const running = recordDocuments(recorder, items).then(
      () => 'finished',
      (e: unknown) => (e as Error).message,
    );
    const admin = new pg.Client({ connectionString: t.url! });
    await admin.connect();
    let killed = false;
    try {
      for (let i = 0; i < 400 && !killed; i++) {
        const r = await admin.query(
          `select pg_terminate_backend(pid) as ok from pg_stat_activity where datname = current_database() and pid <> pg_backend_pid() and query like '%pt_record_documents%' and state = 'active'`,
        );
        killed = r.rows.some((row: { ok: boolean }) => row.ok);
        if (!killed) await new Promise((res) => setTimeout(res, 2));
      }
    } finally {
      await admin.end();
    }
    const outcome = await running;
    const counts = await countRows(t.db);
    // Whatever the timing, every document is whole: as many versions as documents, all their provisions.
    expect(counts.versions).toBe(counts.documents);
    expect(counts.provisions).toBe(counts.versions * 15);
    expect(counts.version_sources).toBe(counts.versions);
    if (killed) {
      expect(outcome).toMatch(/terminat|Connection/i);
      expect(counts.documents % 100).toBe(0); // only whole batches
      expect(counts.documents).toBeLessThan(400);
    }
  });
});
