/**
 * Recording a document in one round trip: `pt_record_document(p jsonb)`.
 *
 * Written first as a dozen Kysely statements per document (≈15 round trips, 160 documents/s on
 * the 2-core machine); as one PL/pgSQL call the statements' plans are cached and there is one
 * round trip, and the call is its own transaction. The keys, hashes and lock ids are computed in
 * TypeScript (db/identity.ts, db/record.ts); this function only reads and writes rows.
 *
 * Also adds documents.issuer_keys (issuers in comparison form) for matching a repost without a
 * number by title and issuers.
 *
 * Concurrency: under READ COMMITTED each statement inside a volatile PL/pgSQL function takes a
 * new snapshot, so the reads after pg_advisory_xact_lock see what the lock holder committed.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .alterTable('documents')
    .addColumn('issuer_keys', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .execute();
  await sql`update documents set issuer_keys = issuers`.execute(db);

  await sql`
create function pt_record_document(p jsonb)
returns table (outcome text, document_id bigint, version_id bigint, seq integer)
language plpgsql volatile as $fn$
#variable_conflict use_column
declare
  v_identity text := p->>'identity_key';
  v_title_key text := p->>'title_key';
  v_number text := p->>'doc_number';
  v_kind text := p->>'kind';
  v_sha text := p->>'text_sha256';
  v_location text := p->>'location';
  v_seen timestamptz := (p->>'seen_at')::timestamptz;
  v_snapshot bigint := (p->>'snapshot_id')::bigint;
  v_issuers text[] := array(select jsonb_array_elements_text(p->'issuers'));
  v_issuer_keys text[] := array(select jsonb_array_elements_text(p->'issuer_keys'));
  v_effective date := (p->>'effective')::date;
  v_signed date := (p->>'signed_on')::date;
  v_doc bigint;
  v_ver bigint;
  v_seq integer;
  v_n bigint;
  v_outcome text;
  v_target bigint;
  v_repealer bigint;
  v_repealer_ends date;
  r record;
begin
  -- 1. A text already recorded: note where it was seen, nothing else.
  select v.document_id, v.id, v.seq into v_doc, v_ver, v_seq
    from document_keys k join versions v on v.document_id = k.document_id
   where k.key = v_identity and v.text_sha256 = v_sha;
  if found then
    insert into version_sources as s (version_id, location, snapshot_id, first_seen_at, last_seen_at)
    values (v_ver, v_location, v_snapshot, v_seen, v_seen)
    on conflict on constraint version_sources_version_location_key do update
      set last_seen_at = greatest(s.last_seen_at, excluded.last_seen_at),
          snapshot_id = coalesce(excluded.snapshot_id, s.snapshot_id);
    return query select 'unchanged'::text, v_doc, v_ver, v_seq;
    return;
  end if;

  -- 2. Locks on this document's keys and on the documents it repeals, in the caller's order.
  perform pg_advisory_xact_lock(l) from unnest(array(select jsonb_array_elements_text(p->'lock_ids'))::bigint[]) as l;

  -- 3. Which document: by key; else one document with the same title and kind whose number does
  --    not contradict and whose issuers overlap (or either has none), remembered under this key.
  select k.document_id into v_doc from document_keys k where k.key = v_identity;
  if not found then
    select min(d.id), count(*) into v_doc, v_n
      from documents d
     where d.title_key = v_title_key and d.kind = v_kind
       and (v_number is null or d.doc_number is null)
       and (cardinality(v_issuer_keys) = 0 or cardinality(d.issuer_keys) = 0 or d.issuer_keys && v_issuer_keys);
    if v_n <> 1 then
      v_doc := null;
    else
      insert into document_keys (key, document_id) values (v_identity, v_doc) on conflict do nothing;
      if v_number is not null then
        update documents set doc_number = v_number where id = v_doc and doc_number is null;
      end if;
    end if;
  end if;

  if v_doc is not null then
    select v.id, v.seq into v_ver, v_seq from versions v where v.document_id = v_doc and v.text_sha256 = v_sha;
    if found then
      -- Recorded by another process between step 1 and the lock, or a copy matched by title.
      insert into version_sources as s (version_id, location, snapshot_id, first_seen_at, last_seen_at)
      values (v_ver, v_location, v_snapshot, v_seen, v_seen)
      on conflict on constraint version_sources_version_location_key do update
        set last_seen_at = greatest(s.last_seen_at, excluded.last_seen_at),
            snapshot_id = coalesce(excluded.snapshot_id, s.snapshot_id);
      return query select 'unchanged'::text, v_doc, v_ver, v_seq;
      return;
    end if;
    v_outcome := 'revised';
  else
    insert into documents (identity_key, title_key, doc_number, title, kind, issuers, issuer_keys, signed_on, effective, expires)
    values (v_identity, v_title_key, v_number, p->>'title', v_kind, v_issuers, v_issuer_keys, v_signed, v_effective, (p->>'expires')::date)
    returning id into v_doc;
    insert into document_keys (key, document_id) values (v_identity, v_doc);
    v_outcome := 'new';
  end if;

  -- 4. The version and what hangs off it.
  select coalesce(max(v.seq), 0) + 1 into v_seq from versions v where v.document_id = v_doc;
  insert into versions (document_id, seq, text_sha256, title, doc_number, doc_number_raw, issuers, signed_on, published_on,
                        effective, expires, validity_basis, text, notice, snapshot_id, seen_at)
  values (v_doc, v_seq, v_sha, p->>'title', v_number, p->>'doc_number_raw', v_issuers, v_signed, (p->>'published_on')::date,
          v_effective, (p->>'expires')::date, p->>'validity_basis', p->>'text', p->'notice', v_snapshot, v_seen)
  returning id into v_ver;

  insert into provisions (version_id, ord, path, label, level, heading, text)
  select v_ver, x.ord - 1, x.path, x.label, x.level, x.heading, x.text
    from rows from (jsonb_to_recordset(p->'provisions') as (path text, label text, level text, heading text, text text))
         with ordinality as x(path, label, level, heading, text, ord);

  insert into measures (version_id, ord, path, kind, starts_on, ends_on, amounts, responsible, text)
  select v_ver, x.ord - 1, x.path, x.kind, x.starts_on, x.ends_on,
         array(select jsonb_array_elements_text(x.amounts)), array(select jsonb_array_elements_text(x.responsible)), x.text
    from rows from (jsonb_to_recordset(p->'measures')
                    as (path text, kind text, starts_on date, ends_on date, amounts jsonb, responsible jsonb, text text))
         with ordinality as x(path, kind, starts_on, ends_on, amounts, responsible, text, ord);

  insert into version_sources (version_id, location, snapshot_id, first_seen_at, last_seen_at)
  values (v_ver, v_location, v_snapshot, v_seen, v_seen);

  if v_outcome = 'revised' then
    -- The document's own columns follow its latest version.
    update documents
       set title = p->>'title', title_key = v_title_key, doc_number = coalesce(v_number, doc_number), kind = v_kind,
           issuers = v_issuers, issuer_keys = v_issuer_keys, signed_on = v_signed, effective = v_effective,
           expires = (p->>'expires')::date, updated_at = now()
     where id = v_doc;
  end if;

  -- 5. Repeals this version names: relations, and the targets already known marked repealed from
  --    this document's effective (else signing) date, unless another document repealed them first.
  for r in select * from jsonb_to_recordset(p->'repeals') as (doc_number text, title text, title_key text, target_key text) loop
    v_target := null;
    if r.doc_number is not null then
      select k.document_id into v_target from document_keys k where k.key = 'no:' || r.doc_number and k.document_id <> v_doc;
    end if;
    if v_target is null and r.title_key is not null then
      select min(d.id), count(*) into v_target, v_n
        from documents d
       where d.title_key = r.title_key and d.id <> v_doc
         and (r.doc_number is null or d.doc_number is null or d.doc_number = r.doc_number);
      if v_n <> 1 then v_target := null; end if;
    end if;
    insert into relations as rel (from_document_id, from_version_id, kind, to_document_id, to_doc_number, to_title, to_title_key, target_key)
    values (v_doc, v_ver, 'repeals', v_target, r.doc_number, r.title, r.title_key, r.target_key)
    on conflict on constraint relations_from_kind_target_key do update
      set from_version_id = excluded.from_version_id,
          to_document_id = coalesce(excluded.to_document_id, rel.to_document_id);
    if v_target is not null then
      update documents set status = 'repealed', repealed_by = v_doc, ended_on = coalesce(v_effective, v_signed), updated_at = now()
       where id = v_target and (status = 'active' or repealed_by = v_doc);
    end if;
  end loop;

  -- 6. Repeals recorded before this document arrived that name it: link them, and mark it
  --    repealed by the repealer whose end date is earliest (unknown dates last).
  with linked as (
    update relations rel set to_document_id = v_doc
     where rel.kind = 'repeals' and rel.to_document_id is null and rel.from_document_id <> v_doc
       and ((v_number is not null and rel.to_doc_number = v_number)
            or (rel.to_title_key = v_title_key and (v_number is null or rel.to_doc_number is null)))
    returning rel.from_document_id
  )
  select d.id, coalesce(d.effective, d.signed_on) into v_repealer, v_repealer_ends
    from documents d where d.id in (select l.from_document_id from linked l)
   order by coalesce(d.effective, d.signed_on) nulls last, d.id
   limit 1;
  if v_repealer is not null then
    update documents set status = 'repealed', repealed_by = v_repealer, ended_on = v_repealer_ends, updated_at = now()
     where id = v_doc and (status = 'active' or repealed_by = v_repealer);
  end if;

  return query select v_outcome, v_doc, v_ver, v_seq;
end
$fn$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop function if exists pt_record_document(jsonb)`.execute(db);
  await db.schema.alterTable('documents').dropColumn('issuer_keys').execute();
}
