/**
 * Migrations: the files `db/migrations/NNNN_name.ts` (or `.js` once built), run in name order by
 * Kysely's Migrator. The provider's `import()` lives here, in project code, so that it goes
 * through the same loader as the rest of the project (Kysely's FileMigrationProvider imports from
 * inside node_modules and fails under vitest with "Unknown file extension .ts").
 */
import { readdir } from 'node:fs/promises';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { join } from 'node:path';
import { Migrator, type Kysely, type Migration, type MigrationProvider, type MigrationResultSet } from 'kysely';
import { MigrationError } from './errors.ts';

/** Directory that holds the migration files. */
export const MIGRATIONS_DIR = fileURLToPath(new URL('./migrations/', import.meta.url));

/** `0001_create_record.ts`; declaration files and anything else are ignored. */
const MIGRATION_FILE = /^\d{4}_[a-z0-9_]+\.(?:ts|js|mjs)$/;

/** Loads every migration file in {@link MIGRATIONS_DIR}, keyed by name without extension. @internal */
export class ProjectMigrationProvider implements MigrationProvider {
  constructor(private readonly dir: string = MIGRATIONS_DIR) {}

  async getMigrations(): Promise<Record<string, Migration>> {
    const files = (await readdir(this.dir)).filter((f) => MIGRATION_FILE.test(f) && !f.endsWith('.d.ts')).sort();
    const out: Record<string, Migration> = {};
    for (const file of files) {
      const mod = (await import(pathToFileURL(join(this.dir, file)).href)) as Partial<Migration>;
      if (typeof mod.up !== 'function') throw new MigrationError(`migration ${file} exports no up(db) function`, []);
      out[file.replace(/\.[a-z]+$/, '')] = mod as Migration;
    }
    return out;
  }
}

/**
 * Brings the database to the latest migration. Kysely's Migrator holds a lock while it runs, so
 * several processes starting at once migrate once.
 * Returns Kysely's result set `{ error?, results? }` untouched, for callers that report progress.
 */
export async function migrateToLatest(db: Kysely<any>, options: { dir?: string } = {}): Promise<MigrationResultSet> {
  const migrator = new Migrator({ db, provider: new ProjectMigrationProvider(options.dir) });
  return migrator.migrateToLatest();
}

/**
 * Like {@link migrateToLatest} but fails loudly.
 * @throws MigrationError naming the migration that failed, with the database error as cause.
 */
export async function migrateOrThrow(db: Kysely<any>, options: { dir?: string } = {}): Promise<void> {
  const { error, results } = await migrateToLatest(db, options);
  if (error !== undefined) {
    const failed = results?.find((r) => r.status === 'Error')?.migrationName;
    const what = failed ? `migration ${failed} failed` : 'migrating the database failed';
    const reason = error instanceof Error ? error.message : String(error);
    throw new MigrationError(
      `${what}: ${reason}. No later migration ran; fix the cause and run \`policy-tracker migrate\` again.`,
      results ?? [],
      { cause: error },
    );
  }
}
