/**
 * The date a page says a version was published (web publish line, news attribution), which is
 * not the signing date. Added when PolicyDocument gained `publishedOn`.
 */
import type { Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('versions').addColumn('published_on', 'date').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  await db.schema.alterTable('versions').dropColumn('published_on').execute();
}
