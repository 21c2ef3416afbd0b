/**
 * provisions.version_id loses its foreign key. Measured on the 2-core machine, inserting 46k
 * provision rows: 730 ms with the key, 286 ms without (the per-row RI trigger was 60% of the
 * cost of recording a document's provisions). Provisions are written only by
 * pt_record_document, in the same transaction as their version, and versions are never
 * deleted (the record is append-only); the primary key (version_id, ord) stays.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table provisions drop constraint provisions_version_id_fkey`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter table provisions add constraint provisions_version_id_fkey foreign key (version_id) references versions (id) on delete cascade`.execute(db);
}
