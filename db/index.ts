/**
 * The database layer's public surface: open the record, record documents and snapshots, and
 * the queries behind `documents`, `history` and `show`.
 */
export { openDatabase, backendOf, createPGlite, DEFAULT_DATA_DIR, type Backend, type OpenDatabaseOptions } from './connection.ts';
export { migrateToLatest, migrateOrThrow } from './migrator.ts';
export {
  recordDocument,
  recordDocuments,
  indexSearch,
  RecordError,
  type RecordOutcome,
  type RecordResult,
  type RecordItem,
  type RecordItemResult,
  type SeenAt,
} from './record.ts';
export { linkCitations } from './citations.repository.ts';
export { recordSnapshot, findSnapshotBySha, type SnapshotInput } from './snapshot.repository.ts';
export {
  findDocument,
  listDocuments,
  documentHistory,
  textInForce,
  countRows,
  versionInForce,
  versionsDatedBeforeEarlier,
  type DocumentRef,
  type DocumentSummary,
  type DocumentHistory,
  type TextInForce,
} from './document.repository.ts';
export { statusOn, chinaDate, type DocumentStatus } from './status.ts';
export { identityOf, textHash, titleKey, docNumberKey, type DocumentIdentity } from './identity.ts';
export {
  MigrationError,
  DocumentNotFoundError,
  AmbiguousDocumentError,
  DatabaseBusyError,
  InvalidDocumentError,
} from './errors.ts';
export type { Database } from './schema.ts';
