/**
 * A revision sends only what it changed (issue 3, Speed).
 *
 * bench/ingest: three quarters of the versions are revisions changing one or two of their ~23
 * articles, yet each was sent whole: every provision's fields, key and text offsets in the JSON
 * descriptor, every text in the blob, and the database looked every provision up by its key
 * (the largest statement of pt_record_documents: 266 of 802 ms, auto_explain; the payloads were
 * 274 ms of Node's 800).
 *
 * 1. `versions.provision_keys`: the keys of the version's provisions, in the order of
 *    `provision_ids` (null for a version without provisions). Backfilled here; written by
 *    pt_record_documents, and by a trigger for the other writers (pt_record_document), which list
 *    only the ids.
 * 2. A document of a `pt_record_documents` batch may name a `base_version` (a version of the same
 *    document, as the caller read it: db/record.ts reads each document's latest version with its
 *    keys before sending a batch), and a provision of it `{"base": j}`: the base version's
 *    provision at ordinal j (0-based), unchanged. Its key and id are taken from the base, with no
 *    lookup and no text sent. A base that is not the document's, or an ordinal past its end, sends
 *    the batch one by one (an exception in the set-based part, as for any refused row).
 * 3. `pt_batch_document` (the one-by-one fallback) sends such provisions whole, read from the
 *    base version (plpgsql and `stable` now that it reads tables, and refuses an ordinal the
 *    base does not have: the document fails alone, with that message). A measure may come without a text
 *    (`at`/`len`) when it is undated and names its provision (`prov`): both paths store it by
 *    reference, as since 0021, and never read its text.
 * 4. pt_record_documents zips its arrays in batch order (`unnest(a, b, …)`) and never joins them.
 *    It runs with hash and merge joins off (so that every lookup of a stored row is an index
 *    probe, whatever the row estimates of its arrays), so each join of two of its arrays by batch
 *    ordinal was a nested loop over both (auto_explain with timing on bench/ingest, batches of
 *    200: the versions joined to their provision ids by ordinal, 200 x 200 rows each carrying two
 *    arrays, 18 of the statement's 40 ms; the versions inserted joined back to their ordinals, 15
 *    ms; the same for the new documents, the places seen and the result rows). Now the ids of new
 *    documents and new versions are taken from their identity sequences first (`nextval`, rows
 *    written with `overriding system value`), so no insert is joined back through RETURNING;
 *    where each document's provisions lie in the flat per-provision arrays is found in one pass,
 *    and a version lists its provisions and keys as slices of them (a measure's provision too).
 *    The function's statements: 800–880 ms per bench run before, 694 ms after.
 *
 * Frozen history: never edit after it has run anywhere; add a later migration instead.
 */
import { sql, type Kysely } from 'kysely';

/** 0022's pt_batch_document, sending a provision shared with the base version whole (see 3 above). */
const BATCH_DOCUMENT = `
create or replace function pt_batch_document(p jsonb, texts bytea) returns jsonb
language plpgsql stable as $fn$
declare
  r jsonb;
begin
  r := (p - 'text_at' - 'text_len' - 'frame_at' - 'frame_len' - 'base_version') || jsonb_build_object(
    case when p ? 'frame_at' then 'text_frame' else 'text' end,
    case when p ? 'frame_at'
         then convert_from(substring(texts from (p->>'frame_at')::integer + 1 for (p->>'frame_len')::integer), 'UTF8')
         else convert_from(substring(texts from (p->>'text_at')::integer + 1 for (p->>'text_len')::integer), 'UTF8') end,
    'provisions', coalesce((select jsonb_agg(case when x.pr ? 'base'
                                                  then (select jsonb_build_object('path', t.path, 'label', t.label, 'level', t.level,
                                                                                  'heading', t.heading, 'text', t.text, 'key', t.key)
                                                          from versions b
                                                          join provision_texts t on t.id = b.provision_ids[(x.pr->>'base')::integer + 1]
                                                         where b.id = (p->>'base_version')::bigint)
                                                  else (x.pr - 'at' - 'len')
                                                       || jsonb_build_object('text', convert_from(substring(texts from (x.pr->>'at')::integer + 1
                                                                                                            for (x.pr->>'len')::integer), 'UTF8')) end
                                             order by x.n)
                              from jsonb_array_elements(p->'provisions') with ordinality as x(pr, n)), '[]'::jsonb),
    'measures', coalesce((select jsonb_agg(case when x.m ? 'at'
                                                then (x.m - 'at' - 'len')
                                                     || jsonb_build_object('text', convert_from(substring(texts from (x.m->>'at')::integer + 1
                                                                                                          for (x.m->>'len')::integer), 'UTF8'))
                                                else x.m end
                                           order by x.n)
                            from jsonb_array_elements(p->'measures') with ordinality as x(m, n)), '[]'::jsonb));
  if r->'provisions' @> '[null]'::jsonb then
    raise exception 'a provision names ordinal % of base version %, which does not have it',
      (select x.pr->>'base' from jsonb_array_elements(p->'provisions') with ordinality as x(pr, n)
        where r->'provisions'->(x.n::integer - 1) = 'null'::jsonb limit 1), p->>'base_version'
      using errcode = 'P0002';
  end if;
  return r;
end
$fn$`;

/** The keys of a version's provisions, for the writers that list only their ids (see 1 above). */
const PROVISION_KEYS = `
create or replace function pt_version_provision_keys() returns trigger
language plpgsql as $fn$
begin
  new.provision_keys := array(select t.key
                                from unnest(new.provision_ids) with ordinality as u(id, n)
                                join provision_texts t on t.id = u.id
                               order by u.n);
  return new;
end
$fn$`;

/** 0021's pt_record_documents, taking a base version and provisions shared with it, its arrays zipped (see 2 and 4 above). */
const RECORD_DOCUMENTS = `
create or replace function pt_record_documents(ps jsonb, texts bytea)
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
  v_is_new boolean[];       -- whether their document is new (its id taken from the sequence here)
  v_new_ver bigint[];       -- id of their new version, taken from the sequence; null when known
  v_first integer[];        -- per batch ordinal, where its provisions lie in the v_prov_* arrays
  v_last integer[];
  v_prov_ord integer[];     -- per provision of the new versions, in order: batch ordinal,
  v_prov_doc bigint[];      -- document
  v_prov_key uuid[];        -- content key
  v_prov_id bigint[];       -- and id when the document had stored it already
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

      -- New documents: their ids taken first (v_doc is then whole, in batch order, no join),
      -- then their rows and keys.
      select array_agg(coalesce(u.d, nextval(pg_get_serial_sequence('documents', 'id'))) order by u.k),
             array_agg(u.d is null order by u.k)
        into v_doc, v_is_new
        from unnest(v_doc) with ordinality as u(d, k);
      with ins as (
        insert into documents (id, identity_key, title_key, doc_number, title, kind, issuers, issuer_keys, signed_on, effective, expires)
        overriding system value
        select u.d, p->>'identity_key', p->>'title_key', p->>'doc_number', p->>'title', p->>'kind',
               array(select jsonb_array_elements_text(p->'issuers')), array(select jsonb_array_elements_text(p->'issuer_keys')),
               (p->>'signed_on')::date, (p->>'effective')::date, (p->>'expires')::date
          from unnest(v_plain, v_doc, v_is_new) as u(i, d, n)
          cross join lateral (select ps->(u.i - 1) as p) as x
         where u.n
         order by u.i
        returning id, identity_key
      )
      insert into document_keys (key, document_id) select identity_key, id from ins;

      -- The provisions of the new versions that their document has not stored yet (a revision
      -- shares every unchanged provision with the versions before it).
      with keyed as materialized (
        -- A provision the version shares with its base version (\`base\`: its ordinal there) takes
        -- the base's key and id; another takes the key the caller computed (db/identity.ts
        -- provisionKey), else one computed here, and the id of the provision when the document
        -- has stored it already.
        select s.*, coalesce(s.base_id, (select t.id from provision_texts t where t.document_id = s.d and t.key = s.key offset 0)) as id
          from (select u.i, u.d, x.ord, x.path, x.label, x.level, x.heading, x.at, x.len, x.base,
                       case when x.base is not null then b.provision_keys[x.base + 1]
                            else coalesce(x.key, pt_provision_key(x.path, x.label, x.level, x.heading,
                                                                  convert_from(substring(texts from x.at + 1 for x.len), 'UTF8'))) end as key,
                       case when x.base is not null then b.provision_ids[x.base + 1] end as base_id
                  from unnest(v_plain, v_doc, v_known_ver) as u(i, d, kv)
                  left join versions b on b.id = (ps->(u.i - 1)->>'base_version')::bigint and b.document_id = u.d
                  cross join lateral rows from (jsonb_to_recordset(ps->(u.i - 1)->'provisions')
                                  as (path text, label text, level text, heading text, at integer, len integer, key uuid, base integer))
                       with ordinality as x(path, label, level, heading, at, len, key, base, ord)
                 where u.kv is null) as s
      ), ins as (
        -- Only the provisions not stored yet are formed into rows, their texts cut from the blob.
        insert into provision_texts (document_id, key, path, label, level, heading, text)
        select k.d, k.key, k.path, k.label, k.level, k.heading, convert_from(substring(texts from k.at + 1 for k.len), 'UTF8')
          from keyed k
         where k.id is null and k.base is null
        on conflict (document_id, key) do nothing
      )
      select array_agg(k.i order by k.i, k.ord), array_agg(k.d order by k.i, k.ord), array_agg(k.key order by k.i, k.ord),
             array_agg(k.id order by k.i, k.ord)
        into v_prov_ord, v_prov_doc, v_prov_key, v_prov_id
        from keyed k;
      if array_position(v_prov_key, null) is not null then
        -- A base version that is not the document's (deleted since the caller read it, or never
        -- its), or an ordinal past its end: the batch is recorded one by one, where each
        -- provision shared with the base is sent whole (pt_batch_document).
        raise exception 'a provision names an ordinal its base version does not have';
      end if;

      -- Each provision's id, in order: looked up again only for those inserted just now.
      v_prov_id := array(select coalesce(k.id, (select t.id from provision_texts t where t.document_id = k.d and t.key = k.key offset 0))
                           from unnest(v_prov_doc, v_prov_key, v_prov_id) with ordinality as k(d, key, id, n)
                          order by k.n);
      -- Where each document's provisions lie in them, by batch ordinal (a loop of at most one
      -- row per document: joining arrays would be a nested loop, hash joins being off here).
      v_first := array_fill(null::integer, array[jsonb_array_length(ps)]);
      v_last := v_first;
      for v_r in select k.i, min(k.n)::integer as first, max(k.n)::integer as last
                   from unnest(v_prov_ord) with ordinality as k(i, n) group by k.i loop
        v_first[v_r.i] := v_r.first;
        v_last[v_r.i] := v_r.last;
      end loop;
      -- Ids of the new versions, taken first, in batch order; null for a text recorded already.
      v_new_ver := array(select case when u.kv is null then nextval(pg_get_serial_sequence('versions', 'id')) end
                           from unnest(v_known_ver) with ordinality as u(kv, k)
                          order by u.k);

      -- Versions for the texts not recorded yet, each listing its provisions in order.
      insert into versions (id, document_id, seq, text_sha256, title, doc_number, doc_number_raw, issuers, signed_on, published_on,
                            effective, expires, validity_basis, text, text_frame, notice, snapshot_id, seen_at, provision_ids, provision_keys)
      overriding system value
      select u.v, u.d, u.s, p->>'text_sha256', p->>'title', p->>'doc_number', p->>'doc_number_raw',
             array(select jsonb_array_elements_text(p->'issuers')), (p->>'signed_on')::date, (p->>'published_on')::date,
             (p->>'effective')::date, (p->>'expires')::date, p->>'validity_basis',
             case when not p ? 'frame_at'
                  then convert_from(substring(texts from (p->>'text_at')::integer + 1 for (p->>'text_len')::integer), 'UTF8') end,
             case when p ? 'frame_at'
                  then convert_from(substring(texts from (p->>'frame_at')::integer + 1 for (p->>'frame_len')::integer), 'UTF8') end,
             p->'notice', (p->>'snapshot_id')::bigint, (p->>'seen_at')::timestamptz,
             coalesce(v_prov_id[v_first[u.i]:v_last[u.i]], '{}'), v_prov_key[v_first[u.i]:v_last[u.i]]
        from unnest(v_plain, v_doc, v_new_ver, v_next_seq) as u(i, d, v, s)
        cross join lateral (select ps->(u.i - 1) as p) as x
       where u.v is not null
       order by u.i;

      if exists (select 1 from unnest(v_new_ver) as v where v is not null) then
        insert into measures (version_id, document_id, ord, path, kind, starts_on, ends_on, amounts, responsible, text, provision_id, basis)
        select u.v, u.d, x.ord - 1, x.path, x.kind, x.starts_on, x.ends_on, coalesce(x.amounts, '{}'), coalesce(x.responsible, '{}'),
               case when x.prov is null or x.ends_on is not null then convert_from(substring(texts from x.at + 1 for x.len), 'UTF8') end,
               case when x.prov is not null and x.ends_on is null then v_prov_id[v_first[u.i] + x.prov] end, x.basis
          from unnest(v_plain, v_new_ver, v_doc) as u(i, v, d)
          cross join rows from (jsonb_to_recordset(ps->(u.i - 1)->'measures')
                          as (path text, kind text, starts_on date, ends_on date, amounts text[], responsible text[], at integer, len integer,
                              basis text, prov integer))
               with ordinality as x(path, kind, starts_on, ends_on, amounts, responsible, at, len, basis, prov, ord)
         where u.v is not null;

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

        -- A revision: the dated measures of the document's earlier versions stop being current on
        -- the day it takes effect (at once when its start is unknown). A plain document has one
        -- new version in the batch, so each earlier version appears once.
        update measures m
           set superseded_on = r.starts
          from (select v.id as old_ver, coalesce((x.p->>'effective')::date, (x.p->>'signed_on')::date, '-infinity'::date) as starts
                  from unnest(v_plain, v_doc, v_next_seq, v_new_ver) as u(i, d, s, nv)
                  cross join lateral (select ps->(u.i - 1) as p) as x
                  join versions v on v.document_id = u.d and v.seq < u.s
                 where u.nv is not null and u.s > 1) as r
         where m.version_id = r.old_ver and m.ends_on is not null and m.superseded_on > r.starts;
      end if;

      -- Where each text was seen: a new row for a new version, else the sighting moves on.
      insert into version_sources as s (version_id, location, snapshot_id, first_seen_at, last_seen_at)
      select coalesce(u.kv, u.nv), p->>'location', (p->>'snapshot_id')::bigint, (p->>'seen_at')::timestamptz, (p->>'seen_at')::timestamptz
        from unnest(v_plain, v_known_ver, v_new_ver) as u(i, kv, nv)
        cross join lateral (select ps->(u.i - 1) as p) as x
      on conflict on constraint version_sources_version_location_key do update
        set last_seen_at = greatest(s.last_seen_at, excluded.last_seen_at),
            snapshot_id = coalesce(excluded.snapshot_id, s.snapshot_id);

      return query
        select u.i, case when u.kv is not null then 'unchanged' when u.s = 1 then 'new' else 'revised' end,
               u.d, coalesce(u.kv, u.nv), coalesce(u.ks, u.s), null::text, null::text
          from unnest(v_plain, v_doc, v_known_ver, v_known_seq, v_next_seq, v_new_ver) as u(i, d, kv, ks, s, nv);
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
$fn$`;

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table versions add column provision_keys uuid[]`.execute(db);
  await sql`
    update versions v
       set provision_keys = array(select t.key
                                    from unnest(v.provision_ids) with ordinality as u(id, n)
                                    join provision_texts t on t.id = u.id
                                   order by u.n)
     where cardinality(v.provision_ids) > 0`.execute(db);
  await sql.raw(PROVISION_KEYS).execute(db);
  await sql`
    create trigger versions_provision_keys before insert on versions
    for each row when (new.provision_keys is null and cardinality(new.provision_ids) > 0)
    execute function pt_version_provision_keys()`.execute(db);
  await sql.raw(BATCH_DOCUMENT).execute(db);
  await sql.raw(RECORD_DOCUMENTS).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migration 0023 cannot be undone: restore a backup taken before it to go back');
}
