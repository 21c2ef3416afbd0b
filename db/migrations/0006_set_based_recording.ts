/**
 * Set-based batch recording: `pt_record_documents(ps jsonb)` replaced (same signature, same
 * result rows).
 *
 * Profiled on the 2-core machine (auto_explain inside the 0004 function, 100 revisions): each
 * document cost ≈2 ms of server time, spent in a dozen single-row statements, a subtransaction,
 * and a lookup that scanned all of `versions` (on a record that grows fast, the statistics say
 * the tables are empty and the cached plan kept the sequential scan). Now:
 *
 * 1. All locks of the batch are taken first, in one sorted order (as in 0004).
 * 2. One statement classifies the batch. A document is *plain* when nothing else in the batch or
 *    in the record can interact with it: it names no repeal, no other item of the batch shares
 *    its identity key, title key or document, no item of the batch repeals it, no unresolved
 *    repeal in the record names it, and it is either known by its key or has no namesake by
 *    title (a number-less repost needs the title match of `pt_record_document`).
 * 3. The plain documents are written with one statement per table (documents, keys, versions,
 *    provisions, measures, sightings), inside one subtransaction. If any of it fails, that
 *    subtransaction is rolled back and the plain documents are recorded one by one as below, so
 *    that the failing document is rolled back alone and reported.
 * 4. The others are recorded one by one, in batch order, each by `pt_record_document` in its own
 *    subtransaction (0004's rules). Plain documents cannot see or be seen by them, so writing
 *    the plain ones first gives the same record as batch order.
 *
 * Both functions plan every query as index lookups (nested loops, no sequential scans): they
 * only ever touch a few rows per document, and a freshly grown record's statistics would
 * otherwise choose whole-table scans per document.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter function pt_record_document(jsonb) set enable_seqscan = off`.execute(db);
  await sql`alter function pt_record_document(jsonb) set enable_hashjoin = off`.execute(db);
  await sql`alter function pt_record_document(jsonb) set enable_mergejoin = off`.execute(db);
  await sql`alter function pt_record_document(jsonb) set plan_cache_mode = force_generic_plan`.execute(db);

  await sql`drop function pt_record_documents(jsonb)`.execute(db);

  // A document of the batch in the form pt_record_document takes: its texts cut from the blob.
  await sql`
create function pt_batch_document(p jsonb, texts bytea) returns jsonb
language sql immutable as $fn$
  select (p - 'text_at' - 'text_len') || jsonb_build_object(
    'text', convert_from(substring(texts from (p->>'text_at')::integer + 1 for (p->>'text_len')::integer), 'UTF8'),
    'provisions', coalesce((select jsonb_agg((x.pr - 'at' - 'len')
                                             || jsonb_build_object('text', convert_from(substring(texts from (x.pr->>'at')::integer + 1
                                                                                                  for (x.pr->>'len')::integer), 'UTF8'))
                                             order by x.n)
                              from jsonb_array_elements(p->'provisions') with ordinality as x(pr, n)), '[]'::jsonb))
$fn$`.execute(db);

  await sql`
create function pt_record_documents(ps jsonb, texts bytea)
returns table (ord integer, outcome text, document_id bigint, version_id bigint, seq integer, error_code text, error_message text)
language plpgsql volatile
set enable_seqscan = off
set enable_hashjoin = off
set enable_mergejoin = off
set plan_cache_mode = force_generic_plan
set work_mem = '64MB'
as $fn$
#variable_conflict use_column
declare
  v_plain integer[];        -- batch ordinals written set-based
  v_doc bigint[];           -- their document, when known
  v_known_ver bigint[];     -- the version already holding their text, when there is one
  v_known_seq integer[];
  v_next_seq integer[];     -- seq of their new version
  v_others integer[];       -- batch ordinals recorded one by one
  v_new_ord integer[];
  v_new_doc bigint[];
  v_ver_ord integer[];
  v_ver_id bigint[];
  v_ver_seq integer[];
  v_named_numbers text[];  -- documents named by the batch's repeals
  v_named_titles text[];
  v_i integer;
  v_r record;
  v_code text;
  v_message text;
begin
  perform pg_advisory_xact_lock(l)
     from (select distinct l::bigint as l
             from jsonb_array_elements(ps) as x(p), jsonb_array_elements_text(x.p->'lock_ids') as l
            order by 1) as ordered;

  -- Documents named by the batch's repeals.
  select array_agg(r->>'doc_number') filter (where r->>'doc_number' is not null),
         array_agg(r->>'title_key') filter (where r->>'title_key' is not null)
    into v_named_numbers, v_named_titles
    from jsonb_array_elements(ps) as x(p), jsonb_array_elements(x.p->'repeals') as r;

  -- Classification (after the locks: what it reads cannot change until commit).
  with h as materialized (
    select x.i::integer as i, x.p->>'identity_key' as key, x.p->>'title_key' as tkey, x.p->>'doc_number' as num,
           x.p->>'text_sha256' as sha, jsonb_array_length(x.p->'repeals') as nrep
      from generate_series(0, jsonb_array_length(ps) - 1) as g(n), lateral (select ps->g.n as p, g.n + 1 as i) as x
  ), c as (
    select h.*, k.document_id as doc,
           count(*) over (partition by h.key) as same_key,
           count(*) over (partition by h.tkey) as same_title,
           count(*) over (partition by coalesce(k.document_id, -h.i)) as same_doc
      from h left join document_keys k on k.key = h.key
  ), classified as materialized (
    select c.i, c.doc, v.id as known_ver, v.seq as known_seq,
           (c.nrep = 0 and c.same_key = 1 and c.same_title = 1 and c.same_doc = 1
            and not coalesce(c.num = any(v_named_numbers), false) and not coalesce(c.tkey = any(v_named_titles), false)
            and (c.doc is not null or not exists (select 1 from documents d where d.title_key = c.tkey))
            and not exists (select 1 from relations rel
                             where rel.to_document_id is null and rel.kind = 'repeals'
                               and (rel.to_doc_number = c.num or rel.to_title_key = c.tkey))) is true as plain
      from c left join versions v on v.document_id = c.doc and v.text_sha256 = c.sha
  )
  select array_agg(i order by i) filter (where plain),
         array_agg(doc order by i) filter (where plain),
         array_agg(known_ver order by i) filter (where plain),
         array_agg(known_seq order by i) filter (where plain),
         array_agg(i order by i) filter (where not plain)
    into v_plain, v_doc, v_known_ver, v_known_seq, v_others
    from classified;

  if v_plain is not null then
    begin
      -- Seq of each new version: 1 for a new document, else one past the document's last.
      select array_agg(case when d is null then 1
                            else (select max(v.seq) + 1 from versions v where v.document_id = d) end order by n)
        into v_next_seq
        from unnest(v_doc) with ordinality as u(d, n);

      -- New documents and their keys.
      with src as (
        select u.i, ps->(u.i - 1) as p
          from unnest(v_plain, v_doc) as u(i, d)
         where u.d is null
      ), ins as (
        insert into documents (identity_key, title_key, doc_number, title, kind, issuers, issuer_keys, signed_on, effective, expires)
        select p->>'identity_key', p->>'title_key', p->>'doc_number', p->>'title', p->>'kind',
               array(select jsonb_array_elements_text(p->'issuers')), array(select jsonb_array_elements_text(p->'issuer_keys')),
               (p->>'signed_on')::date, (p->>'effective')::date, (p->>'expires')::date
          from src order by src.i
        returning id, identity_key
      ), keys as (
        insert into document_keys (key, document_id) select identity_key, id from ins
      )
      select array_agg(src.i), array_agg(ins.id) into v_new_ord, v_new_doc
        from src join ins on ins.identity_key = src.p->>'identity_key';

      if v_new_ord is not null then
        select array_agg(coalesce(n.id, u.d) order by u.k) into v_doc
          from unnest(v_plain, v_doc) with ordinality as u(i, d, k)
          left join unnest(v_new_ord, v_new_doc) as n(i, id) on n.i = u.i;
      end if;

      -- Versions for the texts not recorded yet.
      with src as (
        select u.i, u.d, u.s, ps->(u.i - 1) as p
          from unnest(v_plain, v_doc, v_known_ver, v_next_seq) as u(i, d, kv, s)
         where u.kv is null
      ), ins as (
        insert into versions (document_id, seq, text_sha256, title, doc_number, doc_number_raw, issuers, signed_on, published_on,
                              effective, expires, validity_basis, text, notice, snapshot_id, seen_at)
        select d, s, p->>'text_sha256', p->>'title', p->>'doc_number', p->>'doc_number_raw',
               array(select jsonb_array_elements_text(p->'issuers')), (p->>'signed_on')::date, (p->>'published_on')::date,
               (p->>'effective')::date, (p->>'expires')::date, p->>'validity_basis',
               convert_from(substring(texts from (p->>'text_at')::integer + 1 for (p->>'text_len')::integer), 'UTF8'), p->'notice',
               (p->>'snapshot_id')::bigint, (p->>'seen_at')::timestamptz
          from src order by src.i
        returning id, document_id, seq
      )
      select array_agg(src.i order by src.i), array_agg(ins.id order by src.i), array_agg(ins.seq order by src.i)
        into v_ver_ord, v_ver_id, v_ver_seq
        from src join ins on ins.document_id = src.d;

      if v_ver_ord is not null then
        insert into provisions (version_id, ord, path, label, level, heading, text)
        select u.id, x.ord - 1, x.path, x.label, x.level, x.heading, convert_from(substring(texts from x.at + 1 for x.len), 'UTF8')
          from unnest(v_ver_ord, v_ver_id) as u(i, id),
               rows from (jsonb_to_recordset(ps->(u.i - 1)->'provisions') as (path text, label text, level text, heading text, at integer, len integer))
               with ordinality as x(path, label, level, heading, at, len, ord);

        insert into measures (version_id, ord, path, kind, starts_on, ends_on, amounts, responsible, text)
        select u.id, x.ord - 1, x.path, x.kind, x.starts_on, x.ends_on,
               array(select jsonb_array_elements_text(x.amounts)), array(select jsonb_array_elements_text(x.responsible)), x.text
          from unnest(v_ver_ord, v_ver_id) as u(i, id),
               rows from (jsonb_to_recordset(ps->(u.i - 1)->'measures')
                          as (path text, kind text, starts_on date, ends_on date, amounts jsonb, responsible jsonb, text text))
               with ordinality as x(path, kind, starts_on, ends_on, amounts, responsible, text, ord);

        -- A revision of a known document: the document's own columns follow its latest version.
        update documents d
           set title = p->>'title', title_key = p->>'title_key', doc_number = coalesce(p->>'doc_number', d.doc_number),
               kind = p->>'kind', issuers = array(select jsonb_array_elements_text(p->'issuers')),
               issuer_keys = array(select jsonb_array_elements_text(p->'issuer_keys')), signed_on = (p->>'signed_on')::date,
               effective = (p->>'effective')::date, expires = (p->>'expires')::date, updated_at = now()
          from (select u.d, ps->(u.i - 1) as p
                  from unnest(v_plain, v_doc, v_known_ver, v_next_seq) as u(i, d, kv, s)
                 where u.kv is null and u.s > 1) as r
         where d.id = r.d;
      end if;

      -- Where each text was seen: a new row for a new version, else the sighting moves on.
      insert into version_sources as s (version_id, location, snapshot_id, first_seen_at, last_seen_at)
      select coalesce(u.kv, n.id), p->>'location', (p->>'snapshot_id')::bigint, (p->>'seen_at')::timestamptz, (p->>'seen_at')::timestamptz
        from unnest(v_plain, v_known_ver) as u(i, kv)
        left join unnest(v_ver_ord, v_ver_id) as n(i, id) on n.i = u.i
        cross join lateral (select ps->(u.i - 1) as p) as x
      on conflict on constraint version_sources_version_location_key do update
        set last_seen_at = greatest(s.last_seen_at, excluded.last_seen_at),
            snapshot_id = coalesce(excluded.snapshot_id, s.snapshot_id);

      return query
        select u.i, case when u.kv is not null then 'unchanged' when u.s = 1 then 'new' else 'revised' end,
               u.d, coalesce(u.kv, n.id), coalesce(u.ks, n.seq), null::text, null::text
          from unnest(v_plain, v_doc, v_known_ver, v_known_seq, v_next_seq) as u(i, d, kv, ks, s)
          left join unnest(v_ver_ord, v_ver_id, v_ver_seq) as n(i, id, seq) on n.i = u.i;
    exception when others then
      -- Something in the set was refused: record the plain documents one by one instead, so
      -- that only the document at fault is rolled back and reported.
      v_others := v_plain || coalesce(v_others, '{}');
    end;
  end if;

  if v_others is not null then
    foreach v_i in array (select array_agg(o order by o) from unnest(v_others) as o) loop
      begin
        select * into v_r from pt_record_document(pt_batch_document(ps->(v_i - 1), texts));
        return query select v_i, v_r.outcome, v_r.document_id, v_r.version_id, v_r.seq, null::text, null::text;
      exception when others then
        get stacked diagnostics v_code = returned_sqlstate, v_message = message_text;
        return query select v_i, null::text, null::bigint, null::bigint, null::integer, v_code, v_message;
      end;
    end loop;
  end if;
end
$fn$`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`alter function pt_record_document(jsonb) reset all`.execute(db);
  await sql`drop function pt_record_documents(jsonb, bytea)`.execute(db);
  await sql`drop function pt_batch_document(jsonb, bytea)`.execute(db);
  // 0004's body: every document by pt_record_document in its own subtransaction.
  await sql`
create function pt_record_documents(ps jsonb)
returns table (ord integer, outcome text, document_id bigint, version_id bigint, seq integer, error_code text, error_message text)
language plpgsql volatile as $fn$
#variable_conflict use_column
declare
  v_p jsonb;
  v_i bigint;
  v_r record;
  v_code text;
  v_message text;
begin
  perform pg_advisory_xact_lock(l)
     from (select distinct l::bigint as l
             from jsonb_array_elements(ps) as x(p), jsonb_array_elements_text(x.p->'lock_ids') as l
            order by 1) as ordered;
  for v_p, v_i in select x.p, x.i from jsonb_array_elements(ps) with ordinality as x(p, i) loop
    begin
      select * into v_r from pt_record_document(v_p);
      return query select v_i::integer, v_r.outcome, v_r.document_id, v_r.version_id, v_r.seq, null::text, null::text;
    exception when others then
      get stacked diagnostics v_code = returned_sqlstate, v_message = message_text;
      return query select v_i::integer, null::text, null::bigint, null::bigint, null::integer, v_code, v_message;
    end;
  end loop;
end
$fn$`.execute(db);
}
