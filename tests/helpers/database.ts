/**
 * Test databases, one per test file, on both backends:
 *
 * - Postgres: the migrations run once into a template database named after a hash of the
 *   migration files (`pt_tpl_<hash>`); each test file gets `CREATE DATABASE pt_test_<random>
 *   TEMPLATE pt_tpl_<hash>` and drops it afterwards. Test files in parallel workers serialise
 *   the template work on an advisory lock.
 * - PGlite: a fresh PGlite takes seconds to start, so the migrated data directory is dumped once
 *   into the temp directory (again named by the migrations' hash) and each file loads a copy.
 *
 * Tests start by clearing the tables ({@link clearDatabase}).
 */
import { createHash, randomUUID } from 'node:crypto';
import { open, readdir, readFile, rename, rm, stat, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Migrator, sql, type Kysely } from 'kysely';
import pg from 'pg';
import { getConfig } from '../../config.ts';
import { createPGlite, openDatabase } from '../../db/connection.ts';
import { MIGRATIONS_DIR, ProjectMigrationProvider } from '../../db/migrator.ts';
import type { Database } from '../../db/schema.ts';
import { afterAll, beforeAll, beforeEach } from 'vitest';

export type BackendName = 'postgres' | 'pglite';
export const BACKENDS: readonly BackendName[] = ['postgres', 'pglite'];

export interface TestDatabase {
  readonly backend: BackendName;
  readonly db: Kysely<Database>;
  /** Postgres URL of this file's database (null on PGlite). */
  readonly url: string | null;
  /** A second, independent Kysely (own pool) on the same database; on PGlite the same instance. */
  openAnother(): Promise<Kysely<Database>>;
  /** Closes every connection opened here and drops the database. */
  close(): Promise<void>;
}

/** Arbitrary constant: the advisory lock test files take while preparing the template. */
const TEMPLATE_LOCK = 7_340_031;

async function migrationsHash(): Promise<string> {
  const h = createHash('sha256');
  for (const f of (await readdir(MIGRATIONS_DIR)).sort()) {
    h.update(f);
    h.update(await readFile(join(MIGRATIONS_DIR, f)));
  }
  return h.digest('hex').slice(0, 12);
}

function withDatabase(url: string, database: string): string {
  const u = new URL(url);
  u.pathname = `/${database}`;
  return u.toString();
}

/** Creates this test file's database on `backend`. */
export async function createTestDatabase(backend: BackendName): Promise<TestDatabase> {
  return backend === 'postgres' ? createPostgresDatabase() : createPGliteDatabase();
}

async function createPostgresDatabase(): Promise<TestDatabase> {
  const baseUrl = getConfig().testDatabaseUrl;
  const template = `pt_tpl_${await migrationsHash()}`;
  const name = `pt_test_${randomUUID().replaceAll('-', '').slice(0, 16)}`;
  const admin = new pg.Client({ connectionString: baseUrl });
  await admin.connect();
  try {
    await admin.query('select pg_advisory_lock($1)', [TEMPLATE_LOCK]);
    const exists = await admin.query('select 1 from pg_database where datname = $1', [template]);
    if (exists.rowCount === 0) {
      // Old templates (other migration hashes) and a half-built one are dropped; the new one is
      // built under a temporary name and renamed only once migrated.
      const stale = await admin.query<{ datname: string }>(`select datname from pg_database where datname like 'pt\\_tpl\\_%'`);
      for (const { datname } of stale.rows) await admin.query(`drop database if exists "${datname}" with (force)`);
      const building = `${template}_building`;
      await admin.query(`create database "${building}"`);
      const db = await openDatabase({ databaseUrl: withDatabase(baseUrl, building), poolSize: 1 });
      await db.destroy();
      await admin.query(`alter database "${building}" rename to "${template}"`);
    }
    await admin.query(`create database "${name}" template "${template}"`);
  } finally {
    await admin.query('select pg_advisory_unlock($1)', [TEMPLATE_LOCK]).catch(() => {});
    await admin.end();
  }
  const url = withDatabase(baseUrl, name);
  const db = await openDatabase({ databaseUrl: url, migrate: false });
  const others: Kysely<Database>[] = [];
  return {
    backend: 'postgres',
    db,
    url,
    async openAnother() {
      const other = await openDatabase({ databaseUrl: url, migrate: false });
      others.push(other);
      return other;
    },
    async close() {
      for (const o of others) await o.destroy();
      await db.destroy();
      const a = new pg.Client({ connectionString: baseUrl });
      await a.connect();
      try {
        await a.query(`drop database if exists "${name}" with (force)`);
      } finally {
        await a.end();
      }
    },
  };
}

async function createPGliteDatabase(): Promise<TestDatabase> {
  const dump = await pgliteTemplate();
  const pglite = await createPGlite({ loadDataDir: new Blob([dump]) });
  const db = await openDatabase({ pglite });
  return {
    backend: 'pglite',
    db,
    url: null,
    async openAnother() {
      return db;
    },
    async close() {
      await db.destroy();
    },
  };
}

/** The migrated PGlite data directory as a tarball, built once per migrations hash. */
export async function pgliteTemplate(): Promise<Uint8Array> {
  const hash = await migrationsHash();
  const file = join(tmpdir(), `policy-tracker-pglite-${hash}.tar`);
  const lock = `${file}.lock`;
  for (;;) {
    try {
      return await readFile(file);
    } catch {
      /* not built yet */
    }
    let handle;
    try {
      handle = await open(lock, 'wx');
    } catch {
      // Someone else is building it; a lock older than two minutes is abandoned.
      const age = await stat(lock).then((s) => Date.now() - s.mtimeMs, () => 0);
      if (age > 120_000) await rm(lock, { force: true });
      await new Promise((r) => setTimeout(r, 200));
      continue;
    }
    try {
      const pglite = await createPGlite();
      const db = await openDatabase({ pglite });
      const blob = await pglite.dumpDataDir('none');
      const bytes = new Uint8Array(await blob.arrayBuffer());
      await db.destroy();
      const tmp = `${file}.${process.pid}.tmp`;
      await writeFile(tmp, bytes);
      await rename(tmp, file);
      for (const f of await readdir(tmpdir())) {
        if (f.startsWith('policy-tracker-pglite-') && f.endsWith('.tar') && join(tmpdir(), f) !== file) {
          await rm(join(tmpdir(), f), { force: true });
        }
      }
      return bytes;
    } finally {
      await handle.close();
      await rm(lock, { force: true });
    }
  }
}

/** Tables of the record, children first. */
const TABLES = [
  'alerts', 'subscriptions', 'changes', 'relations', 'measures', 'provisions', 'version_sources',
  'versions', 'document_keys', 'documents', 'snapshots', 'sources',
] as const;

/**
 * Empties every table of the record (each test starts from nothing). One statement of DELETEs:
 * on these few rows much faster than TRUNCATE, which rewrites files on Postgres.
 */
export async function clearDatabase(db: Kysely<Database>): Promise<void> {
  const ctes = TABLES.slice(0, -1).map((t, i) => `d${i} as (delete from ${t})`);
  await sql.raw(`with ${ctes.join(', ')} delete from ${TABLES[TABLES.length - 1]}`).execute(db);
}

/**
 * Registers this describe block's database: created before its tests, cleared before each test,
 * closed (and dropped) after them. The returned handle is usable inside the tests.
 */
export function useTestDatabase(backend: BackendName, options: { clearEachTest?: boolean } = {}): TestDatabase {
  let current: TestDatabase | undefined;
  const get = (): TestDatabase => {
    if (!current) throw new Error('the test database is only available inside tests');
    return current;
  };
  beforeAll(async () => {
    current = await createTestDatabase(backend);
  });
  afterAll(async () => {
    await current?.close();
  });
  if (options.clearEachTest ?? true) {
    beforeEach(async () => {
      await clearDatabase(get().db);
    });
  }
  return {
    backend,
    get db() {
      return get().db;
    },
    get url() {
      return get().url;
    },
    openAnother: () => get().openAnother(),
    close: () => get().close(),
  };
}

/**
 * Runs `fn` on a new Postgres database (on TEST_DATABASE_URL's server) migrated up to the last
 * migration before `migration` (its number, e.g. '0011'), then drops the database: for tests of
 * what a migration does to rows recorded before it. `fn` migrates the rest with migrateOrThrow.
 */
export async function withDatabaseBefore(migration: string, fn: (db: Kysely<Database>) => Promise<void>): Promise<void> {
  const base = getConfig().testDatabaseUrl;
  const name = `pt_test_${migration}_${randomUUID().replaceAll('-', '').slice(0, 10)}`;
  const admin = new pg.Client({ connectionString: base });
  await admin.connect();
  try {
    await admin.query(`create database "${name}"`);
    const db = await openDatabase({ databaseUrl: withDatabase(base, name), migrate: false });
    try {
      const names = (await readdir(MIGRATIONS_DIR)).map((f) => f.replace(/\.[a-z]+$/, '')).filter((n) => /^\d{4}_/.test(n)).sort();
      const before = names.filter((n) => n < `${migration}_`).at(-1);
      if (before === undefined) throw new Error(`no migration before ${migration}`);
      const { error } = await new Migrator({ db, provider: new ProjectMigrationProvider() }).migrateTo(before);
      if (error) throw error;
      await fn(db);
    } finally {
      await db.destroy();
    }
  } finally {
    await admin.query(`drop database if exists "${name}" with (force)`);
    await admin.end();
  }
}
