/**
 * Per-user subscriptions (issue 7): a subscription belongs to a web user, or to nobody when the
 * CLI made it (`user_id` null). Admins see every subscription in the pages and API, viewers their
 * own. Removing a user removes their subscriptions (and, by the existing cascade, their alerts).
 *
 * The target was unique on its own (`subscriptions_channel_target_key`), so a second user
 * subscribing the same address would have replaced the first one's filters and secret. It is now
 * unique per owner: (user_id, channel, target) with NULLS NOT DISTINCT, so the CLI's subscriptions
 * (user_id null) still replace each other by target as before.
 *
 * Frozen history: never edit after it has run anywhere; add a later migration instead.
 */
import { sql, type Kysely } from 'kysely';

export async function up(db: Kysely<any>): Promise<void> {
  await sql`alter table subscriptions add column user_id bigint references web_users(id) on delete cascade`.execute(db);
  await sql`alter table subscriptions drop constraint subscriptions_channel_target_key`.execute(db);
  await sql`alter table subscriptions add constraint subscriptions_owner_channel_target_key unique nulls not distinct (user_id, channel, target)`.execute(db);
  await sql`create index subscriptions_user_idx on subscriptions (user_id) where user_id is not null`.execute(db);
}

export async function down(db: Kysely<any>): Promise<void> {
  await sql`delete from subscriptions where user_id is not null`.execute(db);
  await sql`drop index if exists subscriptions_user_idx`.execute(db);
  await sql`alter table subscriptions drop constraint subscriptions_owner_channel_target_key`.execute(db);
  await sql`alter table subscriptions add constraint subscriptions_channel_target_key unique (channel, target)`.execute(db);
  await sql`alter table subscriptions drop column user_id`.execute(db);
}
