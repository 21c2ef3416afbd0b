/**
 * The record: sources, snapshots, documents (with their identity keys), versions and where each
 * was seen, provisions, measures, relations between documents, changes between versions,
 * subscriptions and alerts.
 *
 * Frozen history: never edit after it has run anywhere; add 0002_… instead.
 * Dates are `date` columns (read back as 'YYYY-MM-DD' strings); instants are `timestamptz`.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await db.schema
    .createTable('sources')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('location', 'text', (c) => c.notNull().unique())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('url', 'listing', 'file')`))
    .addColumn('every_seconds', 'integer', (c) => c.check(sql`every_seconds > 0`))
    .addColumn('render', 'boolean', (c) => c.notNull().defaultTo(false))
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('etag', 'text')
    .addColumn('last_modified', 'text')
    .addColumn('last_fetched_at', 'timestamptz')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();

  await db.schema
    .createTable('snapshots')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('source_id', 'bigint', (c) => c.references('sources.id').onDelete('set null'))
    .addColumn('location', 'text', (c) => c.notNull())
    .addColumn('sha256', 'text', (c) => c.notNull().unique())
    .addColumn('content_type', 'text')
    .addColumn('charset', 'text')
    .addColumn('published_on', 'date')
    .addColumn('byte_length', 'integer', (c) => c.notNull())
    .addColumn('bytes', 'bytea', (c) => c.notNull())
    .addColumn('fetched_at', 'timestamptz', (c) => c.notNull())
    .execute();
  await db.schema.createIndex('snapshots_source_idx').on('snapshots').columns(['source_id', 'fetched_at']).execute();

  await db.schema
    .createTable('documents')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('identity_key', 'text', (c) => c.notNull().unique())
    .addColumn('title_key', 'text', (c) => c.notNull())
    .addColumn('doc_number', 'text')
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('policy', 'news')`))
    .addColumn('issuers', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('signed_on', 'date')
    .addColumn('effective', 'date')
    .addColumn('expires', 'date')
    .addColumn('status', 'text', (c) => c.notNull().defaultTo('active').check(sql`status in ('active', 'repealed')`))
    .addColumn('repealed_by', 'bigint', (c) => c.references('documents.id').onDelete('set null'))
    .addColumn('ended_on', 'date')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('updated_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .execute();
  await db.schema.createIndex('documents_doc_number_idx').on('documents').column('doc_number').execute();
  await db.schema.createIndex('documents_title_key_idx').on('documents').columns(['title_key', 'kind']).execute();
  await db.schema.createIndex('documents_expires_idx').on('documents').column('expires').where(sql.ref('expires'), 'is not', null).execute();

  // Every key a document is known by: its identity key, and keys it was matched under later
  // (a number-less repost matched by title). Lookups go through here so that a second sighting
  // under the same key is one index probe.
  await db.schema
    .createTable('document_keys')
    .addColumn('key', 'text', (c) => c.primaryKey())
    .addColumn('document_id', 'bigint', (c) => c.notNull().references('documents.id').onDelete('cascade'))
    .execute();
  await db.schema.createIndex('document_keys_document_idx').on('document_keys').column('document_id').execute();

  await db.schema
    .createTable('versions')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('document_id', 'bigint', (c) => c.notNull().references('documents.id').onDelete('cascade'))
    .addColumn('seq', 'integer', (c) => c.notNull().check(sql`seq >= 1`))
    .addColumn('text_sha256', 'text', (c) => c.notNull())
    .addColumn('title', 'text', (c) => c.notNull())
    .addColumn('doc_number', 'text')
    .addColumn('doc_number_raw', 'text')
    .addColumn('issuers', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('signed_on', 'date')
    .addColumn('effective', 'date')
    .addColumn('expires', 'date')
    .addColumn('validity_basis', 'text')
    .addColumn('text', 'text', (c) => c.notNull())
    .addColumn('notice', 'jsonb')
    .addColumn('snapshot_id', 'bigint', (c) => c.references('snapshots.id').onDelete('set null'))
    .addColumn('seen_at', 'timestamptz', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('versions_document_text_key', ['document_id', 'text_sha256'])
    .addUniqueConstraint('versions_document_seq_key', ['document_id', 'seq'])
    .execute();

  await db.schema
    .createTable('version_sources')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('version_id', 'bigint', (c) => c.notNull().references('versions.id').onDelete('cascade'))
    .addColumn('location', 'text', (c) => c.notNull())
    .addColumn('snapshot_id', 'bigint', (c) => c.references('snapshots.id').onDelete('set null'))
    .addColumn('first_seen_at', 'timestamptz', (c) => c.notNull())
    .addColumn('last_seen_at', 'timestamptz', (c) => c.notNull())
    .addUniqueConstraint('version_sources_version_location_key', ['version_id', 'location'])
    .execute();

  await db.schema
    .createTable('provisions')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('version_id', 'bigint', (c) => c.notNull().references('versions.id').onDelete('cascade'))
    .addColumn('ord', 'integer', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('label', 'text', (c) => c.notNull())
    .addColumn('level', 'text', (c) =>
      c.notNull().check(sql`level in ('preamble', 'part', 'chapter', 'section', 'article', 'item', 'subitem', 'point', 'closing')`),
    )
    .addColumn('heading', 'text')
    .addColumn('text', 'text', (c) => c.notNull())
    .addUniqueConstraint('provisions_version_ord_key', ['version_id', 'ord'])
    .execute();

  await db.schema
    .createTable('measures')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('version_id', 'bigint', (c) => c.notNull().references('versions.id').onDelete('cascade'))
    .addColumn('ord', 'integer', (c) => c.notNull())
    .addColumn('path', 'text', (c) => c.notNull())
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('support', 'requirement', 'prohibition', 'target')`))
    .addColumn('starts_on', 'date')
    .addColumn('ends_on', 'date')
    .addColumn('amounts', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('responsible', sql`text[]`, (c) => c.notNull().defaultTo(sql`'{}'::text[]`))
    .addColumn('text', 'text', (c) => c.notNull())
    .addUniqueConstraint('measures_version_ord_key', ['version_id', 'ord'])
    .execute();
  await db.schema.createIndex('measures_ends_on_idx').on('measures').column('ends_on').where(sql.ref('ends_on'), 'is not', null).execute();

  await db.schema
    .createTable('relations')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('from_document_id', 'bigint', (c) => c.notNull().references('documents.id').onDelete('cascade'))
    .addColumn('from_version_id', 'bigint', (c) => c.references('versions.id').onDelete('set null'))
    .addColumn('kind', 'text', (c) => c.notNull().check(sql`kind in ('repeals', 'cites')`))
    .addColumn('to_document_id', 'bigint', (c) => c.references('documents.id').onDelete('set null'))
    .addColumn('to_doc_number', 'text')
    .addColumn('to_title', 'text')
    .addColumn('to_title_key', 'text')
    // 'no:<number>' or 't:<title key>': one relation per target, whatever the version that named it.
    .addColumn('target_key', 'text', (c) => c.notNull())
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('relations_from_kind_target_key', ['from_document_id', 'kind', 'target_key'])
    .addCheckConstraint('relations_target_named', sql`to_doc_number is not null or to_title is not null`)
    .execute();
  await db.schema.createIndex('relations_to_document_idx').on('relations').column('to_document_id').execute();
  await db.schema
    .createIndex('relations_unresolved_number_idx')
    .on('relations')
    .column('to_doc_number')
    .where(sql.ref('to_document_id'), 'is', null)
    .execute();
  await db.schema
    .createIndex('relations_unresolved_title_idx')
    .on('relations')
    .column('to_title_key')
    .where(sql.ref('to_document_id'), 'is', null)
    .execute();

  await db.schema
    .createTable('changes')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('version_id', 'bigint', (c) => c.notNull().references('versions.id').onDelete('cascade'))
    .addColumn('prev_version_id', 'bigint', (c) => c.notNull().references('versions.id').onDelete('cascade'))
    .addColumn('ord', 'integer', (c) => c.notNull())
    .addColumn('op', 'text', (c) => c.notNull().check(sql`op in ('modified', 'added', 'deleted', 'renumbered', 'moved')`))
    .addColumn('old_path', 'text')
    .addColumn('new_path', 'text')
    .addColumn('similarity', 'real')
    .addColumn('diff', 'jsonb', (c) => c.notNull().defaultTo(sql`'[]'::jsonb`))
    .addUniqueConstraint('changes_version_ord_key', ['version_id', 'ord'])
    .execute();

  await db.schema
    .createTable('subscriptions')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('name', 'text', (c) => c.notNull())
    .addColumn('channel', 'text', (c) => c.notNull().check(sql`channel in ('webhook', 'email')`))
    .addColumn('target', 'text', (c) => c.notNull())
    .addColumn('secret', 'text')
    .addColumn('filters', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('warn_days', 'integer', (c) => c.notNull().defaultTo(90).check(sql`warn_days >= 0`))
    .addColumn('active', 'boolean', (c) => c.notNull().defaultTo(true))
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addUniqueConstraint('subscriptions_channel_target_key', ['channel', 'target'])
    .execute();

  await db.schema
    .createTable('alerts')
    .addColumn('id', 'bigint', (c) => c.primaryKey().generatedAlwaysAsIdentity())
    .addColumn('subscription_id', 'bigint', (c) => c.notNull().references('subscriptions.id').onDelete('cascade'))
    .addColumn('kind', 'text', (c) =>
      c.notNull().check(sql`kind in ('new_document', 'revised_provision', 'repeal', 'document_expiring', 'measure_expiring')`),
    )
    // e.g. 'repeal:<documentId>:<subscriptionId>', 'measure_expiring:<measureId>:<endsOn>:<subscriptionId>'
    .addColumn('dedupe_key', 'text', (c) => c.notNull().unique())
    .addColumn('document_id', 'bigint', (c) => c.references('documents.id').onDelete('cascade'))
    .addColumn('version_id', 'bigint', (c) => c.references('versions.id').onDelete('cascade'))
    .addColumn('change_id', 'bigint', (c) => c.references('changes.id').onDelete('cascade'))
    .addColumn('measure_id', 'bigint', (c) => c.references('measures.id').onDelete('cascade'))
    .addColumn('due_on', 'date')
    .addColumn('payload', 'jsonb', (c) => c.notNull().defaultTo(sql`'{}'::jsonb`))
    .addColumn('status', 'text', (c) =>
      c.notNull().defaultTo('pending').check(sql`status in ('pending', 'sending', 'sent', 'failed', 'skipped')`),
    )
    .addColumn('attempts', 'integer', (c) => c.notNull().defaultTo(0))
    .addColumn('last_error', 'text')
    .addColumn('created_at', 'timestamptz', (c) => c.notNull().defaultTo(sql`now()`))
    .addColumn('sent_at', 'timestamptz')
    .execute();
  await db.schema.createIndex('alerts_status_idx').on('alerts').columns(['status', 'created_at']).execute();
  await db.schema.createIndex('alerts_subscription_idx').on('alerts').column('subscription_id').execute();
}

export async function down(db: Kysely<any>): Promise<void> {
  for (const t of [
    'alerts',
    'subscriptions',
    'changes',
    'relations',
    'measures',
    'provisions',
    'version_sources',
    'versions',
    'document_keys',
    'documents',
    'snapshots',
    'sources',
  ]) {
    await db.schema.dropTable(t).ifExists().execute();
  }
}
