/**
 * Indexes for `expiring` (db/expiring.repository.ts) and the daily expiry scan.
 *
 * - measures (ends_on, version_id) where ends_on is not null: the window is a range scan in date
 *   order, and the version each row belongs to comes from the index without touching the heap
 *   before the join. It replaces measures_ends_on_idx (ends_on alone), which it serves too.
 * - documents (ended_on) where ended_on is not null: documents whose repeal takes effect inside
 *   the window (the window on `expires` already has documents_expires_idx).
 * The "is this the latest version" test uses versions_document_seq_key (document_id, seq).
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`create index if not exists measures_expiring_idx on measures (ends_on, version_id) where ends_on is not null`.execute(db);
  await sql`drop index if exists measures_ends_on_idx`.execute(db);
  await sql`create index if not exists documents_ended_on_idx on documents (ended_on) where ended_on is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists documents_ended_on_idx`.execute(db);
  await sql`create index if not exists measures_ends_on_idx on measures (ends_on) where ends_on is not null`.execute(db);
  await sql`drop index if exists measures_expiring_idx`.execute(db);
}
