/**
 * Kysely types of the record, one `…Table` per table with its `…Row` / `New…` / `…Update` types.
 * Column types describe what both backends return once the connection's type parsers are set
 * (db/connection.ts): `date` → 'YYYY-MM-DD' string, `bigint` and `count(*)` → number,
 * `timestamptz` → Date, `bytea` → Uint8Array (Buffer on pg), `text[]` → string[], `jsonb` → parsed JSON.
 */
import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** Date as 'YYYY-MM-DD'. */
export type DateString = string;
/** Instants: read as Date, written as Date or ISO string. */
export type Timestamp = ColumnType<Date, Date | string, Date | string>;
type DefaultedTimestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type Id = Generated<number>;
/** jsonb: any JSON value in and out. */
export type Json = ColumnType<unknown, string, string>;

export interface SourcesTable {
  id: Id;
  location: string;
  kind: 'url' | 'listing' | 'file';
  every_seconds: number | null;
  render: Generated<boolean>;
  active: Generated<boolean>;
  etag: string | null;
  last_modified: string | null;
  last_fetched_at: Timestamp | null;
  created_at: DefaultedTimestamp;
  // Migration 0009: scheduling and health.
  links_selector: string | null;
  wait_for: string | null;
  last_sha256: string | null;
  last_tick: number | null;
  last_tick_job: string | null;
  last_status: number | null;
  last_error: string | null;
  consecutive_failures: Generated<number>;
  health: Generated<SourceHealth>;
  broken_reason: string | null;
  broken_since: ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
  updated_at: DefaultedTimestamp;
  // Migration 0015: sha256 of the raw body behind the last rendered snapshot.
  last_raw_sha256: string | null;
}
export type SourceHealth = 'ok' | 'broken';
export type SourceRow = Selectable<SourcesTable>;
export type NewSource = Insertable<SourcesTable>;
export type SourceUpdate = Updateable<SourcesTable>;

/** Links of a listing page already seen (0009). */
export interface SourceLinksTable {
  source_id: number;
  url: string;
  first_seen_at: DefaultedTimestamp;
}
export type SourceLinkRow = Selectable<SourceLinksTable>;

/** Files of a directory source already read (0015). */
export interface SourceFilesTable {
  source_id: number;
  path: string;
  size: number;
  mtime_ms: number;
  sha256: string;
  seen_at: DefaultedTimestamp;
}

export interface SnapshotsTable {
  id: Id;
  source_id: number | null;
  location: string;
  sha256: string;
  content_type: string | null;
  charset: string | null;
  published_on: DateString | null;
  byte_length: number;
  bytes: Uint8Array;
  fetched_at: Timestamp;
}
export type SnapshotRow = Selectable<SnapshotsTable>;
export type NewSnapshot = Insertable<SnapshotsTable>;
export type SnapshotUpdate = Updateable<SnapshotsTable>;

/** Stored status; the status *on a day* is computed by db/status.ts. */
export type StoredStatus = 'active' | 'repealed';

export interface DocumentsTable {
  id: Id;
  identity_key: string;
  title_key: string;
  doc_number: string | null;
  title: string;
  kind: 'policy' | 'news';
  issuers: ColumnType<string[], readonly string[] | undefined, readonly string[]>;
  /** Issuers in comparison form, for matching a number-less repost by title and issuers. */
  issuer_keys: ColumnType<string[], readonly string[] | undefined, readonly string[]>;
  signed_on: DateString | null;
  effective: DateString | null;
  expires: DateString | null;
  status: Generated<StoredStatus>;
  repealed_by: number | null;
  ended_on: DateString | null;
  created_at: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
}
export type DocumentRow = Selectable<DocumentsTable>;
export type NewDocument = Insertable<DocumentsTable>;
export type DocumentUpdate = Updateable<DocumentsTable>;

export interface DocumentKeysTable {
  key: string;
  document_id: number;
}
export type DocumentKeyRow = Selectable<DocumentKeysTable>;
export type NewDocumentKey = Insertable<DocumentKeysTable>;

export interface VersionsTable {
  id: Id;
  document_id: number;
  seq: number;
  text_sha256: string;
  title: string;
  doc_number: string | null;
  doc_number_raw: string | null;
  issuers: ColumnType<string[], readonly string[] | undefined, readonly string[]>;
  signed_on: DateString | null;
  /** Publish date shown by the page (not the signing date). */
  published_on: DateString | null;
  effective: DateString | null;
  expires: DateString | null;
  validity_basis: string | null;
  /**
   * The version's text; null when it is stored as `text_frame` (0021). Read it with
   * `versionText` (db/document.repository.ts), which rebuilds a framed one.
   */
  text: string | null;
  /** The text with its provisions' texts replaced by references to them (0021, db/version-text.ts); else null. */
  text_frame: ColumnType<string | null, string | null | undefined, string | null>;
  notice: Json | null;
  snapshot_id: number | null;
  seen_at: Timestamp;
  created_at: DefaultedTimestamp;
  /** The version's provisions in order, ids of `provision_texts` (0013); bigint[]: strings on pg, numbers on PGlite. */
  provision_ids: ColumnType<Array<number | string>, readonly number[] | undefined, readonly number[]>;
  /** The keys of those provisions, in the same order (0023; written by recording or a trigger); null without provisions. */
  provision_keys: ColumnType<string[] | null, readonly string[] | null | undefined, readonly string[] | null>;
  /** Whether the documents this version cites are in `relations` yet (migration 0024; db/citations.repository.ts). */
  citations_read: ColumnType<boolean, boolean | undefined, boolean>;
}
export type VersionRow = Selectable<VersionsTable>;
export type NewVersion = Insertable<VersionsTable>;
export type VersionUpdate = Updateable<VersionsTable>;

export interface VersionSourcesTable {
  id: Id;
  version_id: number;
  location: string;
  snapshot_id: number | null;
  first_seen_at: Timestamp;
  last_seen_at: Timestamp;
}
export type VersionSourceRow = Selectable<VersionSourcesTable>;
export type NewVersionSource = Insertable<VersionSourcesTable>;
export type VersionSourceUpdate = Updateable<VersionSourcesTable>;

export type ProvisionLevelColumn =
  | 'preamble'
  | 'part'
  | 'chapter'
  | 'section'
  | 'article'
  | 'item'
  | 'subitem'
  | 'point'
  | 'closing';

/**
 * The view `provisions` (migration 0013): one row per provision of each version, keyed by
 * (version_id, ord), read from `versions.provision_ids` and `provision_texts`. Read-only: the
 * recording functions write provisions; deleting through the view deletes nothing.
 */
export interface ProvisionsTable {
  version_id: number;
  ord: number;
  path: string;
  label: string;
  level: ProvisionLevelColumn;
  heading: string | null;
  text: string;
}
export type ProvisionRow = Selectable<ProvisionsTable>;

/** Each distinct provision of a document, stored once (0013); `key` is pt_provision_key of its fields. */
export interface ProvisionTextsTable {
  id: Id;
  document_id: number;
  key: string;
  path: string;
  label: string;
  level: ProvisionLevelColumn;
  heading: string | null;
  text: string;
  /** In the text search's trigram index (0019): false from recording until `pt_index_search` takes it. */
  searchable: Generated<boolean>;
}
export type ProvisionTextRow = Selectable<ProvisionTextsTable>;
export type NewProvision = Insertable<ProvisionsTable>;
export type ProvisionUpdate = Updateable<ProvisionsTable>;

export interface MeasuresTable {
  id: Id;
  version_id: number;
  ord: number;
  path: string;
  kind: 'support' | 'requirement' | 'prohibition' | 'target';
  starts_on: DateString | null;
  ends_on: DateString | null;
  amounts: ColumnType<string[], readonly string[] | undefined, readonly string[]>;
  responsible: ColumnType<string[], readonly string[] | undefined, readonly string[]>;
  /**
   * The measure's sentence or article; null for an undated measure that is its provision's whole
   * text, stored as `provision_id` (0021). Read it with `measureText` (db/document.repository.ts).
   */
  text: string | null;
  /** `provision_texts.id` of the provision whose whole text an undated measure is (0021); else null. */
  provision_id: ColumnType<number | null, number | null | undefined, number | null>;
  /** The measure's version's document (0011); written by the recording functions. */
  document_id: number;
  /**
   * First day a later version of the document is in force (0011): 'YYYY-MM-DD', or 'infinity'
   * while there is none, '-infinity' when a later version has no date.
   */
  superseded_on: ColumnType<DateString, DateString | undefined, DateString>;
  /** The sentence the measure's end date comes from, when the pipeline gave one (0013). */
  basis: string | null;
  /**
   * For a dated measure with a basis: its line of the `expiring` answer (its ASCII keys and its
   * texts), its document's last day and the first day the document's repeal is in effect (0020).
   * Written by triggers only.
   */
  expiring_keys: ColumnType<string | null, never, never>;
  expiring_line: ColumnType<string | null, never, never>;
  doc_end: ColumnType<DateString | null, never, never>;
  repeal_from: ColumnType<DateString | null, never, never>;
}
export type MeasureRow = Selectable<MeasuresTable>;
export type NewMeasure = Insertable<MeasuresTable>;
export type MeasureUpdate = Updateable<MeasuresTable>;

export type RelationKind = 'repeals' | 'cites';

export interface RelationsTable {
  id: Id;
  from_document_id: number;
  from_version_id: number | null;
  kind: RelationKind;
  to_document_id: number | null;
  to_doc_number: string | null;
  to_title: string | null;
  to_title_key: string | null;
  target_key: string;
  created_at: DefaultedTimestamp;
}
export type RelationRow = Selectable<RelationsTable>;
export type NewRelation = Insertable<RelationsTable>;
export type RelationUpdate = Updateable<RelationsTable>;

export type ChangeOp = 'modified' | 'added' | 'deleted' | 'renumbered' | 'moved';

export interface ChangesTable {
  id: Id;
  /** The newer version. */
  version_id: number;
  prev_version_id: number;
  ord: number;
  op: ChangeOp;
  old_path: string | null;
  new_path: string | null;
  similarity: number | null;
  /** `[{ op: 'equal' | 'delete' | 'insert', text }]`, as in `compare --json`. */
  diff: Json;
  /** The change's extension fields (`oldLabel`, `newText`, `moved`, `mergedFrom`, …); 0007. */
  detail: ColumnType<unknown, string | undefined, string>;
}
export type ChangeRow = Selectable<ChangesTable>;
export type NewChange = Insertable<ChangesTable>;
export type ChangeUpdate = Updateable<ChangesTable>;

/** One row per version whose changes against the previous version are recorded (0007). */
export interface VersionComparisonsTable {
  version_id: number;
  prev_version_id: number;
  /** `{ modified, added, deleted, renumbered, unchanged, moved }`, as in `compare --json`. */
  summary: Json;
  compared_at: DefaultedTimestamp;
}
export type VersionComparisonRow = Selectable<VersionComparisonsTable>;
export type NewVersionComparison = Insertable<VersionComparisonsTable>;

export interface SubscriptionsTable {
  id: Id;
  name: string;
  channel: 'webhook' | 'email';
  /** Webhook URL or e-mail address. */
  target: string;
  /** HMAC secret for signing webhook bodies. */
  secret: string | null;
  /** e.g. `{ "issuers": [...], "docNumbers": [...], "kinds": [...], "alertKinds": [...] }`. */
  filters: ColumnType<unknown, string | undefined, string>;
  warn_days: Generated<number>;
  active: Generated<boolean>;
  created_at: DefaultedTimestamp;
}
export type SubscriptionRow = Selectable<SubscriptionsTable>;
export type NewSubscription = Insertable<SubscriptionsTable>;
export type SubscriptionUpdate = Updateable<SubscriptionsTable>;

export type AlertKind = 'new_document' | 'revised_provision' | 'repeal' | 'document_expiring' | 'measure_expiring';
export type AlertStatus = 'pending' | 'sending' | 'sent' | 'failed' | 'skipped';

export interface AlertsTable {
  id: Id;
  subscription_id: number;
  kind: AlertKind;
  dedupe_key: string;
  document_id: number | null;
  version_id: number | null;
  change_id: number | null;
  measure_id: number | null;
  due_on: DateString | null;
  payload: ColumnType<unknown, string | undefined, string>;
  status: Generated<AlertStatus>;
  attempts: Generated<number>;
  last_error: string | null;
  created_at: DefaultedTimestamp;
  sent_at: Timestamp | null;
  // Migration 0010: delivery.
  threshold: number | null;
  next_attempt_at: ColumnType<Date, Date | string | undefined, Date | string> | null;
  last_attempt_at: ColumnType<Date, Date | string | undefined, Date | string> | null;
  response: string | null;
}
export type AlertRow = Selectable<AlertsTable>;
export type NewAlert = Insertable<AlertsTable>;
export type AlertUpdate = Updateable<AlertsTable>;

export type WebRole = 'admin' | 'viewer';

/** Accounts of the review pages and API (0012). */
export interface WebUsersTable {
  id: Id;
  name: string;
  role: WebRole;
  /** argon2id PHC string. */
  password_hash: string;
  created_at: DefaultedTimestamp;
  updated_at: DefaultedTimestamp;
}
export type WebUserRow = Selectable<WebUsersTable>;

/** Signed-in browsers (0012): only the sha256 of the cookie's token is stored. */
export interface WebSessionsTable {
  token_sha256: string;
  user_id: number;
  created_at: DefaultedTimestamp;
  expires_at: Timestamp;
}

/** One API token per user (0012), stored as sha256. */
export interface WebTokensTable {
  user_id: number;
  token_sha256: string;
  created_at: DefaultedTimestamp;
}

/** The last version of a document a user has seen (0012). */
export interface WebSeenTable {
  user_id: number;
  document_id: number;
  seq: number;
  seen_at: DefaultedTimestamp;
}

/** The whole record, as Kysely sees it. */
export interface Database {
  sources: SourcesTable;
  source_links: SourceLinksTable;
  source_files: SourceFilesTable;
  snapshots: SnapshotsTable;
  documents: DocumentsTable;
  document_keys: DocumentKeysTable;
  versions: VersionsTable;
  version_sources: VersionSourcesTable;
  provisions: ProvisionsTable;
  provision_texts: ProvisionTextsTable;
  measures: MeasuresTable;
  relations: RelationsTable;
  changes: ChangesTable;
  version_comparisons: VersionComparisonsTable;
  subscriptions: SubscriptionsTable;
  alerts: AlertsTable;
  web_users: WebUsersTable;
  web_sessions: WebSessionsTable;
  web_tokens: WebTokensTable;
  web_seen: WebSeenTable;
}
