/**
 * Opening the record: Postgres through `pg` when a database URL is given, else the embedded
 * PGlite database in a data directory. Same Kysely<Database>, same migrations, same queries.
 *
 * Type conversion happens here, once, for both backends:
 * - `date` (oid 1082) stays the 'YYYY-MM-DD' string (pg would make a local-midnight Date);
 * - `int8` (oid 20: bigint ids, `count(*)`) becomes a number (pg gives strings, PGlite numbers).
 */
import { mkdir, open, readFile, rm } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { Kysely, PostgresDialect, type Dialect } from 'kysely';
import pg from 'pg';
// PGlite (a WebAssembly Postgres) is imported only when the embedded database is opened: a
// command running against Postgres should not pay for loading it.
import type { PGlite } from '@electric-sql/pglite';
import type { Database } from './schema.ts';
import { migrateOrThrow } from './migrator.ts';
import { DatabaseBusyError, coerceError } from './errors.ts';

/** Postgres type oids the record converts. */
const OID = { int8: 20, date: 1082 } as const;

/** Which engine a Kysely instance from {@link openDatabase} runs on. */
export type Backend = 'postgres' | 'pglite';

export interface OpenDatabaseOptions {
  /** Postgres connection string. When null/undefined/empty, the embedded PGlite database is used. */
  readonly databaseUrl?: string | null;
  /** Directory of the embedded database (default `./.policy-tracker`); PGlite's files go in `pgdata/`. */
  readonly dataDir?: string;
  /** An already created PGlite instance to use instead of a data directory (tests). */
  readonly pglite?: PGlite;
  /** Run migrations on open (default true). */
  readonly migrate?: boolean;
  /** Maximum pool size on Postgres (default 10). */
  readonly poolSize?: number;
  /** How long to wait for another process to release the embedded database (default 120 s). */
  readonly lockTimeoutMs?: number;
}

/** Default directory of the embedded database, relative to the working directory. */
export const DEFAULT_DATA_DIR = './.policy-tracker';

const backends = new WeakMap<Kysely<any>, Backend>();

/** The engine behind `db` (or behind the transaction's parent), 'postgres' if unknown. */
export function backendOf(db: Kysely<any>): Backend {
  return backends.get(db) ?? 'postgres';
}

/** Type parsers for `pg`, per pool (never the process-wide `pg.types`). @internal */
export const pgTypeParsers: pg.CustomTypesConfig = {
  getTypeParser: ((oid: number, format?: 'text' | 'binary') => {
    if (oid === OID.date) return (v: string) => v;
    if (oid === OID.int8) return (v: string) => Number(v);
    return pg.types.getTypeParser(oid, format as 'text');
  }) as pg.CustomTypesConfig['getTypeParser'],
};

/** PGlite parsers matching {@link pgTypeParsers}. @internal */
export const pgliteParsers = {
  [OID.date]: (v: string) => v,
  [OID.int8]: (v: string) => Number(v),
} as const;

/** Creates a PGlite instance with the record's parsers (in memory when `dataDir` is omitted). */
export async function createPGlite(options: { dataDir?: string; loadDataDir?: Blob } = {}): Promise<PGlite> {
  const { PGlite } = await import('@electric-sql/pglite');
  return PGlite.create({
    ...(options.dataDir !== undefined ? { dataDir: options.dataDir } : {}),
    ...(options.loadDataDir !== undefined ? { loadDataDir: options.loadDataDir } : {}),
    parsers: pgliteParsers,
  });
}

/**
 * Opens the record and, unless `migrate: false`, brings it to the latest schema.
 * Close it with `await db.destroy()` (ends the pool, or closes PGlite and frees its directory).
 *
 * @example
 * const db = await openDatabase({ databaseUrl: config.databaseUrl, dataDir: config.dataDir });
 * try { … } finally { await db.destroy(); }
 *
 * @throws MigrationError when a migration fails (the database is closed first).
 * @throws DatabaseBusyError when another process holds the embedded database past the timeout.
 */
export async function openDatabase(options: OpenDatabaseOptions = {}): Promise<Kysely<Database>> {
  let dialect: Dialect;
  let backend: Backend;
  if (options.databaseUrl) {
    const pool = new pg.Pool({
      connectionString: options.databaseUrl,
      max: options.poolSize ?? 10,
      types: pgTypeParsers,
      // A process killed mid-statement (a worker, SIGKILL) leaves its backend running the
      // statement, and a recording blocked on a lock would still commit, and hold its advisory
      // locks, once the lock came free. Checked each second, the server notices the lost client
      // and rolls back even while waiting (Postgres 14+). A URL's own `options` replaces this.
      options: '-c client_connection_check_interval=1000',
    });
    // An idle client losing its server emits 'error' on the pool; without a listener Node would
    // crash the process. The next query fails with a proper error instead.
    pool.on('error', () => {});
    dialect = new PostgresDialect({ pool });
    backend = 'postgres';
  } else if (options.pglite) {
    const { PGliteDialect } = await import('kysely-pglite-dialect');
    dialect = new PGliteDialect(options.pglite);
    backend = 'pglite';
  } else {
    const dir = resolve(options.dataDir ?? DEFAULT_DATA_DIR);
    await mkdir(dir, { recursive: true });
    const release = await acquireDirLock(dir, options.lockTimeoutMs ?? 120_000);
    let pglite: PGlite;
    try {
      pglite = await createPGlite({ dataDir: join(dir, 'pgdata') });
    } catch (raw) {
      await release();
      throw coerceError(raw);
    }
    const { PGliteDialect } = await import('kysely-pglite-dialect');
    dialect = onDestroy(new PGliteDialect(pglite), release);
    backend = 'pglite';
  }
  const db = new Kysely<Database>({ dialect });
  backends.set(db, backend);
  if (options.migrate ?? true) {
    try {
      await migrateOrThrow(db);
    } catch (err) {
      await db.destroy();
      throw err;
    }
  }
  return db;
}

/** Wraps a dialect so that `release` runs after its driver is destroyed. */
function onDestroy(inner: Dialect, release: () => Promise<void>): Dialect {
  return {
    createAdapter: () => inner.createAdapter(),
    createQueryCompiler: () => inner.createQueryCompiler(),
    createIntrospector: (db) => inner.createIntrospector(db),
    createDriver: () => {
      const driver = inner.createDriver();
      const destroy = driver.destroy.bind(driver);
      driver.destroy = async () => {
        try {
          await destroy();
        } finally {
          await release();
        }
      };
      return driver;
    },
  };
}

/**
 * PGlite is single-process: two processes opening one directory would corrupt it. A lock file
 * holding the owner's pid serialises them; a second `ingest` waits for the first to finish.
 * A lock left by a dead process is taken over.
 */
async function acquireDirLock(dir: string, timeoutMs: number): Promise<() => Promise<void>> {
  const file = join(dir, 'lock');
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const handle = await open(file, 'wx');
      await handle.writeFile(`${process.pid}\n`);
      await handle.close();
      let released = false;
      return async () => {
        if (released) return;
        released = true;
        await rm(file, { force: true });
      };
    } catch (raw) {
      const err = coerceError(raw) as NodeJS.ErrnoException;
      if (err.code !== 'EEXIST') throw err;
    }
    const holder = Number((await readFile(file, 'utf8').catch(() => '')).trim());
    if (Number.isInteger(holder) && holder > 0 && !isAlive(holder)) {
      await rm(file, { force: true });
      continue;
    }
    if (Date.now() >= deadline) throw new DatabaseBusyError(dir, Number.isInteger(holder) && holder > 0 ? `pid ${holder}` : 'unknown pid');
    await new Promise((r) => setTimeout(r, 100));
  }
}

function isAlive(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (raw) {
    return (raw as NodeJS.ErrnoException).code === 'EPERM';
  }
}
