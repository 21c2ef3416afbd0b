/** Errors raised by the database layer. Small, one per meaning; they carry data and never log. */
import type { MigrationResult } from 'kysely';

/** The database could not be brought to the latest schema. */
export class MigrationError extends Error {
  readonly results: readonly MigrationResult[];
  constructor(message: string, results: readonly MigrationResult[], options?: { cause?: unknown }) {
    super(message, options);
    this.name = this.constructor.name;
    this.results = results;
  }
}

/** No document matches the reference the user gave (id, number or part of a title). */
export class DocumentNotFoundError extends Error {
  readonly ref: string;
  constructor(ref: string) {
    super(`No document matches "${ref}". Run \`policy-tracker documents\` to list what is recorded.`);
    this.name = this.constructor.name;
    this.ref = ref;
  }
}

/** A document reference (usually part of a title) matches more than one document. */
export class AmbiguousDocumentError extends Error {
  readonly ref: string;
  readonly candidates: readonly { readonly id: number; readonly docNumber: string | null; readonly title: string }[];
  constructor(ref: string, candidates: AmbiguousDocumentError['candidates']) {
    // One line, so the CLI can print it as its one-line error.
    const list = candidates.map((c) => `#${c.id} ${c.docNumber ? `${c.docNumber} ` : ''}${c.title}`).join('; ');
    super(`"${ref}" matches ${candidates.length} documents (${list}); name one by id or number`);
    this.name = this.constructor.name;
    this.ref = ref;
    this.candidates = candidates;
  }
}

/** The embedded database directory is in use by another process and did not come free in time. */
export class DatabaseBusyError extends Error {
  readonly dataDir: string;
  constructor(dataDir: string, holder: string) {
    super(
      `The embedded database in ${dataDir} is in use by another policy-tracker process (${holder}). ` +
        'Wait for it to finish, or set DATABASE_URL to use Postgres, which allows several processes at once.',
    );
    this.name = this.constructor.name;
    this.dataDir = dataDir;
  }
}

/** A document cannot be recorded as given (e.g. no title). Nothing was written. */
export class InvalidDocumentError extends Error {
  constructor(message: string) {
    super(message);
    this.name = this.constructor.name;
  }
}

/** Normalises anything thrown into an Error (keeps Errors as they are). */
export function coerceError(raw: unknown): Error {
  return raw instanceof Error ? raw : new Error(typeof raw === 'string' ? raw : JSON.stringify(raw));
}
