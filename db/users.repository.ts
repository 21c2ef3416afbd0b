/**
 * Accounts of the review pages and API (migration 0012): users with a role, sessions that expire,
 * one API token per user, and the last version of each document a user has seen.
 *
 * Passwords are hashed with argon2id (@node-rs/argon2: the algorithm OWASP recommends first,
 * prebuilt native code, no node-gyp). Session and API tokens are 32 random bytes handed to the
 * client once; the tables keep only their sha256, so reading the database does not let anyone in.
 */
import { createHash, randomBytes } from 'node:crypto';
import { hash as argonHash, verify as argonVerify } from '@node-rs/argon2';
import type { ColumnType, Generated, Kysely, Selectable } from 'kysely';
import type { Database } from './schema.ts';

export type Role = 'admin' | 'viewer';
export const ROLES: readonly Role[] = ['admin', 'viewer'];

type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;

export interface WebUsersTable {
  id: Generated<number>;
  name: string;
  role: Role;
  password_hash: string;
  created_at: Timestamp;
  updated_at: Timestamp;
}
export type WebUserRow = Selectable<WebUsersTable>;

export interface WebSessionsTable {
  token_sha256: string;
  user_id: number;
  created_at: Timestamp;
  expires_at: ColumnType<Date, Date | string, Date | string>;
}

export interface WebTokensTable {
  user_id: number;
  token_sha256: string;
  created_at: Timestamp;
}

export interface WebSeenTable {
  user_id: number;
  document_id: number;
  seq: number;
  seen_at: Timestamp;
}

/** The record plus the tables of 0012 (kept here so that db/schema.ts stays the pipeline's). */
export interface UsersDatabase extends Database {
  web_users: WebUsersTable;
  web_sessions: WebSessionsTable;
  web_tokens: WebTokensTable;
  web_seen: WebSeenTable;
}

/** Who is signed in (never carries the hash). */
export interface User {
  readonly id: number;
  readonly name: string;
  readonly role: Role;
}

/** A name, role or password the account rules refuse. */
export class UserInputError extends Error {
  constructor(message: string) {
    super(message);
    this.name = this.constructor.name;
  }
}

/** Shortest password accepted. */
export const MIN_PASSWORD_LENGTH = 10;
/** Prefix of API tokens, so that a leaked one is recognisable in a scan. */
const TOKEN_PREFIX = 'pt_';

function u(db: Kysely<Database>): Kysely<UsersDatabase> {
  return db as unknown as Kysely<UsersDatabase>;
}

function sha256(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}

function newToken(prefix = ''): string {
  return `${prefix}${randomBytes(32).toString('base64url')}`;
}

function userRowToUser(r: { id: number | string; name: string; role: Role }): User {
  return { id: Number(r.id), name: r.name, role: r.role };
}

function checkName(name: string): void {
  if (!/^[\p{L}\p{N}._@-]{1,64}$/u.test(name)) throw new UserInputError(`user name "${name}" must be 1–64 letters, digits, . _ @ or -`);
}

/** Creates a user, or with `replace` sets the role and password of an existing one. */
export async function addUser(db: Kysely<Database>, input: { name: string; role: Role; password: string; replace?: boolean }): Promise<User> {
  checkName(input.name);
  if (!ROLES.includes(input.role)) throw new UserInputError(`role must be admin or viewer, got "${input.role}"`);
  if (input.password.length < MIN_PASSWORD_LENGTH) throw new UserInputError(`the password must have at least ${MIN_PASSWORD_LENGTH} characters`);
  const password_hash = await argonHash(input.password);
  const q = u(db).insertInto('web_users').values({ name: input.name, role: input.role, password_hash });
  const row = await (input.replace
    ? q.onConflict((oc) => oc.column('name').doUpdateSet({ role: input.role, password_hash, updated_at: new Date() }))
    : q.onConflict((oc) => oc.column('name').doNothing())
  )
    .returning(['id', 'name', 'role'])
    .executeTakeFirst();
  if (!row) throw new UserInputError(`user "${input.name}" already exists (use --replace to set a new password or role)`);
  return userRowToUser(row);
}

export async function listUsers(db: Kysely<Database>): Promise<Array<User & { createdAt: string; hasToken: boolean }>> {
  const rows = await u(db)
    .selectFrom('web_users as w')
    .leftJoin('web_tokens as t', 't.user_id', 'w.id')
    .select(['w.id', 'w.name', 'w.role', 'w.created_at', 't.user_id as token_user'])
    .orderBy('w.name')
    .execute();
  return rows.map((r) => ({ ...userRowToUser(r), createdAt: new Date(r.created_at).toISOString(), hasToken: r.token_user !== null }));
}

export async function removeUser(db: Kysely<Database>, name: string): Promise<boolean> {
  const r = await u(db).deleteFrom('web_users').where('name', '=', name).executeTakeFirst();
  return Number(r.numDeletedRows) > 0;
}

/** The user if the password is theirs, else null (same work either way for an unknown name). */
export async function verifyPassword(db: Kysely<Database>, name: string, password: string): Promise<User | null> {
  const row = await u(db).selectFrom('web_users').select(['id', 'name', 'role', 'password_hash']).where('name', '=', name).executeTakeFirst();
  const ok = await argonVerify(row?.password_hash ?? (await dummyHash()), password).catch(() => false);
  return row && ok ? userRowToUser(row) : null;
}

/** A hash of a random password: verified against when the name is unknown, so timing says nothing. */
let dummy: Promise<string> | undefined;
function dummyHash(): Promise<string> {
  dummy ??= argonHash(randomBytes(16).toString('hex'));
  return dummy;
}

/** Starts a session lasting `lifetimeMs`; returns the token for the cookie (shown once). */
export async function createSession(db: Kysely<Database>, userId: number, lifetimeMs: number, now = new Date()): Promise<{ token: string; expiresAt: Date }> {
  const token = newToken();
  const expiresAt = new Date(now.getTime() + lifetimeMs);
  await u(db).insertInto('web_sessions').values({ token_sha256: sha256(token), user_id: userId, expires_at: expiresAt }).execute();
  // Expired sessions of anyone are cleared as new ones start: the table stays small.
  await u(db).deleteFrom('web_sessions').where('expires_at', '<=', now).execute();
  return { token, expiresAt };
}

/** The user of a live session, or null (unknown or expired). */
export async function sessionUser(db: Kysely<Database>, token: string, now = new Date()): Promise<User | null> {
  const row = await u(db)
    .selectFrom('web_sessions as s')
    .innerJoin('web_users as w', 'w.id', 's.user_id')
    .select(['w.id', 'w.name', 'w.role'])
    .where('s.token_sha256', '=', sha256(token))
    .where('s.expires_at', '>', now)
    .executeTakeFirst();
  return row ? userRowToUser(row) : null;
}

export async function endSession(db: Kysely<Database>, token: string): Promise<void> {
  await u(db).deleteFrom('web_sessions').where('token_sha256', '=', sha256(token)).execute();
}

/** Issues the user's API token, replacing the one before; returns it (shown once). */
export async function issueToken(db: Kysely<Database>, name: string): Promise<string> {
  const user = await u(db).selectFrom('web_users').select('id').where('name', '=', name).executeTakeFirst();
  if (!user) throw new UserInputError(`no user "${name}" (add one with \`users add ${name} --role viewer\`)`);
  const token = newToken(TOKEN_PREFIX);
  await u(db)
    .insertInto('web_tokens')
    .values({ user_id: user.id, token_sha256: sha256(token) })
    .onConflict((oc) => oc.column('user_id').doUpdateSet({ token_sha256: sha256(token), created_at: new Date() }))
    .execute();
  return token;
}

export async function tokenUser(db: Kysely<Database>, token: string): Promise<User | null> {
  if (!token.startsWith(TOKEN_PREFIX)) return null;
  const row = await u(db)
    .selectFrom('web_tokens as t')
    .innerJoin('web_users as w', 'w.id', 't.user_id')
    .select(['w.id', 'w.name', 'w.role'])
    .where('t.token_sha256', '=', sha256(token))
    .executeTakeFirst();
  return row ? userRowToUser(row) : null;
}

/** The last version of the document the user has seen (0 when none). */
export async function seenSeq(db: Kysely<Database>, userId: number, documentId: number): Promise<number> {
  const row = await u(db).selectFrom('web_seen').select('seq').where('user_id', '=', userId).where('document_id', '=', documentId).executeTakeFirst();
  return row?.seq ?? 0;
}

/** Records that the user has seen the document up to version `seq` (never moves backwards). */
export async function markSeen(db: Kysely<Database>, userId: number, documentId: number, seq: number): Promise<void> {
  await u(db)
    .insertInto('web_seen')
    .values({ user_id: userId, document_id: documentId, seq })
    .onConflict((oc) =>
      oc.columns(['user_id', 'document_id']).doUpdateSet((eb) => ({ seq: eb.fn('greatest', [eb.ref('web_seen.seq'), eb.ref('excluded.seq')]), seen_at: new Date() })),
    )
    .execute();
}
