/** Opening the record for a command: Postgres when DATABASE_URL is set, else embedded PGlite. */
import type { Kysely } from 'kysely';
import { getConfig } from '../config.ts';
import { chinaDate, openDatabase, type Database } from '../db/index.ts';

export interface DatabaseOptions {
  /** `--data-dir`: where the embedded database lives (ignored with DATABASE_URL). */
  readonly dataDir?: string;
}

/** Open (and migrate on first use) the database the command should use. */
export async function openForCommand(opts: DatabaseOptions): Promise<Kysely<Database>> {
  const config = getConfig();
  return openDatabase({ databaseUrl: config.databaseUrl, dataDir: opts.dataDir ?? config.dataDir });
}

/** Run `fn` with an open database and always close it. */
export async function withDatabase<T>(opts: DatabaseOptions, fn: (db: Kysely<Database>) => Promise<T>): Promise<T> {
  const db = await openForCommand(opts);
  try {
    return await fn(db);
  } finally {
    await db.destroy();
  }
}

/** Today in China (policy dates are Beijing dates), unless `--on` says otherwise. */
export function dayOf(on: string | undefined): string {
  if (on === undefined) return chinaDate(new Date());
  if (!/^\d{4}-\d{2}-\d{2}$/.test(on) || Number.isNaN(Date.parse(`${on}T00:00:00Z`))) {
    throw new Error(`--on expects a date as YYYY-MM-DD, got "${on}"`);
  }
  return on;
}

/** The `--data-dir` option, shared by the commands that use the database. */
export const DATA_DIR_FLAG = '--data-dir <dir>';
export const DATA_DIR_HELP = 'directory of the embedded database (default ./.policy-tracker; ignored when DATABASE_URL is set)';
