/**
 * Changes between consecutive versions, recorded once per version:
 * - `changes.detail`: the extension fields of a change (`oldLabel`, `newLabel`, `oldText`,
 *   `newText`, `moved`, `mergedFrom`/`mergedInto`, `splitInto`/`splitFrom`), so that a stored
 *   change reads back as `compare --json` prints it; `diff` keeps the contract's spans.
 * - `version_comparisons`: one row per version whose changes are recorded, with the summary
 *   (including `unchanged`, which has no change rows). Its presence is what says "done": a
 *   revision that changed nothing has a comparison and no change rows. Its primary key is also
 *   the lock that makes recording safe when two processes do it at once.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('changes')
    .addColumn('detail', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .execute();
  await db.schema
    .createTable('version_comparisons')
    .addColumn('version_id', 'bigint', (c) => c.primaryKey().references('versions.id').onDelete('cascade'))
    .addColumn('prev_version_id', 'bigint', (c) => c.notNull().references('versions.id').onDelete('cascade'))
    .addColumn('summary', 'jsonb', (c) => c.notNull())
    .addColumn('compared_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.dropTable('version_comparisons').ifExists().execute();
  await db.schema.alterTable('changes').dropColumn('detail').execute();
}
