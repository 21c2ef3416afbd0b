/**
 * A version's text and an undated measure's text are stored once, not beside the provisions that
 * already hold them (issue 3, Speed; the record's size).
 *
 * bench/ingest (2,000 versions of 500 documents): recording wrote 69.6 MB where the bare COPY of
 * the same provision rows writes 26.6 MB, and the floor (those rows COPYed as they are into an
 * empty migrated database, no logic) ran at 31–35% of the bare COPY's rate: the ratio the issue
 * asks for (50%) cannot be reached while each version stores its whole text (versions: 29.9 MB,
 * almost all of it the text again, in TOAST) and each measure its provision's text again
 * (measures: 27.9 MB; 27,200 of the 27,600 measures have no end date, and most are their whole
 * provision).
 *
 * 1. `versions.text_frame`: a segmented version's text with each provision's text, where it
 *    stands in the text, replaced by U+001A, the provision's ordinal (0-based, in the version's
 *    `provision_ids`) and U+001A again; the rest (title lines, labels, what lies between
 *    provisions) kept as is. `versions.text` is then null. The text is rebuilt from the frame and
 *    the provisions (db/version-text.ts). A version a batch records one by one (its fallback)
 *    keeps its whole text. A text holding U+001A itself is never framed.
 * 2. `measures.provision_id`: an undated measure whose text is its provision's whole text names
 *    that provision (`provision_texts.id`) and stores no text. Dated measures always keep their
 *    text: the `expiring` list and its triggers (0020) read only dated measures and are unchanged.
 *    A check keeps each measure with a text or, undated, a provision.
 * 3. `pt_record_documents(ps, texts)`: a document of the batch may send `frame_at`/`frame_len`
 *    (its frame in the blob) in place of `text_at`/`text_len`, and a measure `prov` (the ordinal
 *    of the provision whose text it is) beside its `at`/`len`. `pt_batch_document` rebuilds the
 *    whole text of a framed document for the one-by-one path (`pt_unframe`). Payloads without
 *    them are recorded as before.
 * 4. A provision of the batch may carry its `key`, computed by the caller exactly as
 *    `pt_provision_key` does (db/identity.ts `provisionKey`, tested equal on both backends):
 *    hashing every provision of the batch, and cutting every text from the blob, was the
 *    largest part of the function (652 of 1,748 ms on bench/ingest, auto_explain); now only the
 *    texts of the provisions the document has not stored are cut. Each provision is looked up
 *    once (its id kept when stored already), and again only when inserted; and the new
 *    documents are matched to their payloads by a key read once per document (the join read it
 *    from the payload for every pair: 41 of a batch's 45 ms).
 * 5. `pt_record_document(p)`, the one-by-one path (a page of one document, as the ingest worker
 *    mostly records, and a batch's fallback): the same, in JSON: a provision may carry its `key`,
 *    a text its `text_frame` and an undated measure its `prov`; these win over the whole `text`
 *    sent beside them (which an earlier pt_record_document records). A payload without them is
 *    recorded as before.
 *
 * Frozen history: never edit after it has run anywhere; add a later migration instead.
 */
import { sql, type Kysely } from 'kysely';

/** The whole text from a frame whose provisions' texts are in the batch blob (see 1 above). */
const UNFRAME = `
create or replace function pt_unframe(frame text, provisions jsonb, texts bytea) returns text
language sql immutable as $fn$
  select coalesce(string_agg(case when f.n % 2 = 0
                                  then convert_from(substring(texts from (provisions->(f.part::integer)->>'at')::integer + 1
                                                                    for (provisions->(f.part::integer)->>'len')::integer), 'UTF8')
                                  else f.part end, '' order by f.n), '')
    from string_to_table(frame, chr(26)) with ordinality as f(part, n)
$fn$`;

/** 0013's pt_batch_document, rebuilding a framed document's text. */
const BATCH_DOCUMENT = `
create or replace function pt_batch_document(p jsonb, texts bytea) returns jsonb
language sql immutable as $fn$
  select (p - 'text_at' - 'text_len' - 'frame_at' - 'frame_len') || jsonb_build_object(
    'text', case when p ? 'frame_at'
                 then pt_unframe(convert_from(substring(texts from (p->>'frame_at')::integer + 1 for (p->>'frame_len')::integer), 'UTF8'),
                                 p->'provisions', texts)
                 else convert_from(substring(texts from (p->>'text_at')::integer + 1 for (p->>'text_len')::integer), 'UTF8') end,
    'provisions', coalesce((select jsonb_agg((x.pr - 'at' - 'len')
                                             || jsonb_build_object('text', convert_from(substring(texts from (x.pr->>'at')::integer + 1
                                                                                                  for (x.pr->>'len')::integer), 'UTF8'))
                                             order by x.n)
                              from jsonb_array_elements(p->'provisions') with ordinality as x(pr, n)), '[]'::jsonb),
    'measures', coalesce((select jsonb_agg(case when x.m ? 'at'
                                                then (x.m - 'at' - 'len' - 'prov')
                                                     || jsonb_build_object('text', convert_from(substring(texts from (x.m->>'at')::integer + 1
                                                                                                          for (x.m->>'len')::integer), 'UTF8'))
                                                else x.m end
                                           order by x.n)
                            from jsonb_array_elements(p->'measures') with ordinality as x(m, n)), '[]'::jsonb))
$fn$`;

/** 0013's pt_record_document, taking provision keys, a framed text and measures by provision (see 5 above). */
const RECORD_DOCUMENT = `
create or replace function pt_record_document(p jsonb)
returns table (outcome text, document_id bigint, version_id bigint, seq integer)
language plpgsql volatile
set enable_seqscan = off
set enable_hashjoin = off
set enable_mergejoin = off
set plan_cache_mode = force_generic_plan
as $fn$
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
  v_keys uuid[];
  v_ids bigint[];
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

  -- 4. The provisions this document has not stored yet, then the version listing them in order.
  v_keys := array(select coalesce(x.key, pt_provision_key(x.path, x.label, x.level, x.heading, x.text))
                    from rows from (jsonb_to_recordset(p->'provisions') as (path text, label text, level text, heading text, text text, key uuid))
                         with ordinality as x(path, label, level, heading, text, key, ord)
                   order by x.ord);
  insert into provision_texts (document_id, key, path, label, level, heading, text)
  select v_doc, v_keys[x.ord], x.path, x.label, x.level, x.heading, x.text
    from rows from (jsonb_to_recordset(p->'provisions') as (path text, label text, level text, heading text, text text))
         with ordinality as x(path, label, level, heading, text, ord)
  on conflict (document_id, key) do nothing;
  v_ids := array(select t.id
                   from unnest(v_keys) with ordinality as k(key, ord)
                   cross join lateral (select t.id from provision_texts t where t.document_id = v_doc and t.key = k.key offset 0) as t
                  order by k.ord);

  select coalesce(max(v.seq), 0) + 1 into v_seq from versions v where v.document_id = v_doc;
  insert into versions (document_id, seq, text_sha256, title, doc_number, doc_number_raw, issuers, signed_on, published_on,
                        effective, expires, validity_basis, text, text_frame, notice, snapshot_id, seen_at, provision_ids)
  values (v_doc, v_seq, v_sha, p->>'title', v_number, p->>'doc_number_raw', v_issuers, v_signed, (p->>'published_on')::date,
          v_effective, (p->>'expires')::date, p->>'validity_basis', case when p ? 'text_frame' then null else p->>'text' end, p->>'text_frame', p->'notice', v_snapshot, v_seen, v_ids)
  returning id into v_ver;

  insert into measures (version_id, document_id, ord, path, kind, starts_on, ends_on, amounts, responsible, text, provision_id, basis)
  select v_ver, v_doc, x.ord - 1, x.path, x.kind, x.starts_on, x.ends_on, coalesce(x.amounts, '{}'), coalesce(x.responsible, '{}'),
         case when x.prov is null or x.ends_on is not null then x.text end,
         case when x.prov is not null and x.ends_on is null then v_ids[x.prov + 1] end, x.basis
    from rows from (jsonb_to_recordset(p->'measures')
                    as (path text, kind text, starts_on date, ends_on date, amounts text[], responsible text[], text text, basis text, prov integer))
         with ordinality as x(path, kind, starts_on, ends_on, amounts, responsible, text, basis, prov, ord);

  -- The dated measures of the document's earlier versions stop being current on the day this
  -- version takes effect (at once when its start is unknown).
  if v_seq > 1 then
    update measures m set superseded_on = coalesce(v_effective, v_signed, '-infinity'::date)
     where m.version_id in (select v.id from versions v where v.document_id = v_doc and v.seq < v_seq)
       and m.ends_on is not null
       and m.superseded_on > coalesce(v_effective, v_signed, '-infinity'::date);
  end if;

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
$fn$`;

/** 0013's pt_record_documents, taking provision keys, framed texts and measures by provision (see 1–4 above). */
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
  v_new_ord integer[];
  v_new_doc bigint[];
  v_ver_ord integer[];
  v_ver_id bigint[];
  v_ver_seq integer[];
  v_ver_doc bigint[];
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

      -- New documents and their keys.
      with src as (
        select u.i, ps->(u.i - 1) as p, ps->(u.i - 1)->>'identity_key' as key
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
        from src join ins on ins.identity_key = src.key;

      if v_new_ord is not null then
        select array_agg(coalesce(n.id, u.d) order by u.k) into v_doc
          from unnest(v_plain, v_doc) with ordinality as u(i, d, k)
          left join unnest(v_new_ord, v_new_doc) as n(i, id) on n.i = u.i;
      end if;

      -- The provisions of the new versions that their document has not stored yet (a revision
      -- shares every unchanged provision with the versions before it).
      with keyed as materialized (
        -- The key as the caller computed it (db/identity.ts provisionKey), else computed here,
        -- and the id of the provision when the document has stored it already.
        select s.*, (select t.id from provision_texts t where t.document_id = s.d and t.key = s.key offset 0) as id
          from (select u.i, u.d, x.ord, x.path, x.label, x.level, x.heading, x.at, x.len,
                       coalesce(x.key, pt_provision_key(x.path, x.label, x.level, x.heading,
                                                        convert_from(substring(texts from x.at + 1 for x.len), 'UTF8'))) as key
                  from unnest(v_plain, v_doc, v_known_ver) as u(i, d, kv),
                       rows from (jsonb_to_recordset(ps->(u.i - 1)->'provisions')
                                  as (path text, label text, level text, heading text, at integer, len integer, key uuid))
                       with ordinality as x(path, label, level, heading, at, len, key, ord)
                 where u.kv is null) as s
      ), ins as (
        -- Only the provisions not stored yet are formed into rows, their texts cut from the blob.
        insert into provision_texts (document_id, key, path, label, level, heading, text)
        select k.d, k.key, k.path, k.label, k.level, k.heading, convert_from(substring(texts from k.at + 1 for k.len), 'UTF8')
          from keyed k
         where k.id is null
        on conflict (document_id, key) do nothing
      )
      select array_agg(k.i order by k.i, k.ord), array_agg(k.d order by k.i, k.ord), array_agg(k.key order by k.i, k.ord),
             array_agg(k.id order by k.i, k.ord)
        into v_prov_ord, v_prov_doc, v_prov_key, v_prov_id
        from keyed k;

      -- Versions for the texts not recorded yet, each listing its provisions in order.
      with ids as materialized (
        -- Looked up again only for the provisions inserted just now.
        select k.i, array_agg(coalesce(k.id, (select t.id from provision_texts t where t.document_id = k.d and t.key = k.key offset 0))
                              order by k.n) as ids
          from unnest(v_prov_ord, v_prov_doc, v_prov_key, v_prov_id) with ordinality as k(i, d, key, id, n)
         group by k.i
      ), src as (
        select u.i, u.d, u.s, ps->(u.i - 1) as p
          from unnest(v_plain, v_doc, v_known_ver, v_next_seq) as u(i, d, kv, s)
         where u.kv is null
      ), ins as (
        insert into versions (document_id, seq, text_sha256, title, doc_number, doc_number_raw, issuers, signed_on, published_on,
                              effective, expires, validity_basis, text, text_frame, notice, snapshot_id, seen_at, provision_ids)
        select d, s, p->>'text_sha256', p->>'title', p->>'doc_number', p->>'doc_number_raw',
               array(select jsonb_array_elements_text(p->'issuers')), (p->>'signed_on')::date, (p->>'published_on')::date,
               (p->>'effective')::date, (p->>'expires')::date, p->>'validity_basis',
               case when not p ? 'frame_at'
                    then convert_from(substring(texts from (p->>'text_at')::integer + 1 for (p->>'text_len')::integer), 'UTF8') end,
               case when p ? 'frame_at'
                    then convert_from(substring(texts from (p->>'frame_at')::integer + 1 for (p->>'frame_len')::integer), 'UTF8') end,
               p->'notice', (p->>'snapshot_id')::bigint, (p->>'seen_at')::timestamptz,
               coalesce(ids.ids, '{}')
          from src left join ids on ids.i = src.i
         order by src.i
        returning id, document_id, seq
      )
      select array_agg(src.i order by src.i), array_agg(ins.id order by src.i), array_agg(ins.seq order by src.i),
             array_agg(ins.document_id order by src.i)
        into v_ver_ord, v_ver_id, v_ver_seq, v_ver_doc
        from src join ins on ins.document_id = src.d;

      if v_ver_ord is not null then
        insert into measures (version_id, document_id, ord, path, kind, starts_on, ends_on, amounts, responsible, text, provision_id, basis)
        select u.id, u.doc, x.ord - 1, x.path, x.kind, x.starts_on, x.ends_on, coalesce(x.amounts, '{}'), coalesce(x.responsible, '{}'),
               case when x.prov is null or x.ends_on is not null then convert_from(substring(texts from x.at + 1 for x.len), 'UTF8') end,
               case when x.prov is not null and x.ends_on is null then ver.provision_ids[x.prov + 1] end, x.basis
          from unnest(v_ver_ord, v_ver_id, v_ver_doc) as u(i, id, doc)
          join versions ver on ver.id = u.id
          cross join rows from (jsonb_to_recordset(ps->(u.i - 1)->'measures')
                          as (path text, kind text, starts_on date, ends_on date, amounts text[], responsible text[], at integer, len integer,
                              basis text, prov integer))
               with ordinality as x(path, kind, starts_on, ends_on, amounts, responsible, at, len, basis, prov, ord);

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
                  from unnest(v_ver_ord, v_ver_doc, v_ver_seq) as u(i, d, s)
                  cross join lateral (select ps->(u.i - 1) as p) as x
                  join versions v on v.document_id = u.d and v.seq < u.s
                 where u.s > 1) as r
         where m.version_id = r.old_ver and m.ends_on is not null and m.superseded_on > r.starts;
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
$fn$`;


export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table versions add column text_frame text, alter column text drop not null`.execute(db);
  await sql`alter table versions add constraint versions_text_or_frame check (text is not null or text_frame is not null)`.execute(db);
  await sql`alter table measures add column provision_id bigint, alter column text drop not null`.execute(db);
  await sql`
    alter table measures add constraint measures_text_or_provision
      check (text is not null or (provision_id is not null and ends_on is null))`.execute(db);
  await sql`
    do $do$
    begin
      alter table versions alter column text_frame set compression lz4;
    exception when others then
      null;
    end
    $do$`.execute(db);
  await sql.raw(UNFRAME).execute(db);
  await sql.raw(BATCH_DOCUMENT).execute(db);
  await sql.raw(RECORD_DOCUMENT).execute(db);
  await sql.raw(RECORD_DOCUMENTS).execute(db);
}

export async function down(): Promise<void> {
  throw new Error('migration 0021 cannot be undone: texts recorded after it are stored by reference; restore a backup taken before it to go back');
}
