/**
 * Index-only reads for `expiring` (db/expiring.repository.ts; issue 5, Speed).
 *
 * findExpiring's largest part, measures ending on their own end date, read each row's heap tuple
 * for its path, kind, start, amounts and stored sentence (`basis`, 0013): one random page per
 * item. `measures_expiring_covering_idx` carries them (INCLUDE), so the window is one index-only
 * range, already in order (the visibility map must be current: autovacuum keeps it so; the bench
 * runs VACUUM after filling).
 *
 * A btree entry holds at most about 2.7 kB, and a sentence has no fixed length: only measures
 * whose basis, path and amounts are small enough (`pt_expiring_covered`, 1,800 bytes) are in it,
 * the others (and those without a stored sentence, recorded before 0013) are in
 * `measures_expiring_rest_idx`, the complement, read with the heap as before. findExpiring asks
 * for both with the same predicate, so each is used as a partial index. Nothing is denormalized:
 * the indexes follow every insert, update (superseding, repeal bookkeeping) and delete by
 * themselves, and the recording functions are unchanged.
 *
 * Frozen history: never edit after it has run anywhere; add a later migration instead.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create or replace function pt_expiring_covered(basis text, path text, amounts text[]) returns boolean
    language sql immutable parallel safe
    as $$ select coalesce(basis is not null
             and octet_length(basis) + octet_length(path)
                 + coalesce((select sum(octet_length(a)) from unnest(amounts) a), 0) + 8 * cardinality(amounts) <= 1800, false) $$`.execute(db);
  await sql`
    create index measures_expiring_covering_idx on measures (ends_on, document_id, ord, superseded_on)
      include (path, kind, starts_on, amounts, basis)
      where ends_on is not null and pt_expiring_covered(basis, path, amounts)`.execute(db);
  await sql`
    create index measures_expiring_rest_idx on measures (ends_on, document_id, ord, superseded_on)
      where ends_on is not null and not pt_expiring_covered(basis, path, amounts)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists measures_expiring_rest_idx`.execute(db);
  await sql`drop index if exists measures_expiring_covering_idx`.execute(db);
  await sql`drop function if exists pt_expiring_covered(text, text, text[])`.execute(db);
}
