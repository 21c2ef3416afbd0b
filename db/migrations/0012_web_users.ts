/**
 * The review pages and HTTP API (issue 7): accounts, sessions, API tokens, and each user's
 * seen/unseen state of a document's versions; plus the index the document list pages with.
 *
 * - `web_users`: name, role (`admin` | `viewer`), argon2id password hash (PHC string).
 * - `web_sessions`: one row per signed-in browser; the cookie holds a random token, the table only
 *   its sha256 (a copy of the table does not let anyone sign in). Rows expire at `expires_at`.
 * - `web_tokens`: one API token per user (Bearer), stored as sha256 too; replaced when reissued.
 * - `web_seen`: the last version of a document a user has looked at.
 *
 * Frozen history: never edit after it has run anywhere; add a later migration instead.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`
    create table web_users (
      id bigint generated always as identity primary key,
      name text not null unique,
      role text not null check (role in ('admin', 'viewer')),
      password_hash text not null,
      created_at timestamptz not null default now(),
      updated_at timestamptz not null default now()
    )`.execute(db);
  await sql`
    create table web_sessions (
      token_sha256 text primary key,
      user_id bigint not null references web_users(id) on delete cascade,
      created_at timestamptz not null default now(),
      expires_at timestamptz not null
    )`.execute(db);
  await sql`create index web_sessions_user on web_sessions (user_id)`.execute(db);
  await sql`create index web_sessions_expires on web_sessions (expires_at)`.execute(db);
  await sql`
    create table web_tokens (
      user_id bigint primary key references web_users(id) on delete cascade,
      token_sha256 text not null unique,
      created_at timestamptz not null default now()
    )`.execute(db);
  await sql`
    create table web_seen (
      user_id bigint not null references web_users(id) on delete cascade,
      document_id bigint not null references documents(id) on delete cascade,
      seq integer not null,
      seen_at timestamptz not null default now(),
      primary key (user_id, document_id)
    )`.execute(db);
  // The document list's default order (newest signed first), so a page is an index scan.
  await sql`create index documents_signed_desc on documents (signed_on desc nulls last, id desc)`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`drop index if exists documents_signed_desc`.execute(db);
  await sql`drop table if exists web_seen`.execute(db);
  await sql`drop table if exists web_tokens`.execute(db);
  await sql`drop table if exists web_sessions`.execute(db);
  await sql`drop table if exists web_users`.execute(db);
}
