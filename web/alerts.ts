/**
 * Alerts, subscriptions and sources as the pages and the API see them: who may see and change
 * what (admins everything, viewers their own subscriptions and their alerts, the anonymous reader
 * of `--public` may read but not change), reading a subscription from a form or a JSON body with
 * the filters of `policy-tracker subscribe`, and views without secrets: a webhook's signing secret
 * is never part of a view (only `hasSecret`), and a webhook URL is shown with its query string
 * dropped and long path segments (tokens, as in chat webhooks) cut to their first four characters.
 */
import type { Kysely } from 'kysely';
import { countAlertsByStatus, listAlerts, resetFailed, type Alert } from '../db/alert-delivery.repository.ts';
import type { AlertStatus, Database } from '../db/schema.ts';
import { deactivateSubscription, getSubscription, listSubscriptions, newSecret, saveSubscription, type Subscription } from '../db/subscriptions.repository.ts';
import type { User } from '../db/users.repository.ts';
import { ALERT_TOPICS, CHANGE_CLASSES, checkTarget, DEFAULT_WARN_DAYS, parseWarnDays, type SubscriptionFilters } from '../pipeline/alert-match.ts';
import { renderAlertMessage } from '../pipeline/alert-message.ts';
import { BadParameterError } from './params.ts';

/** Hands alert ids to the deliver queue; false when the queue cannot be reached (they stay pending for a worker's sweep). */
export type DeliverFn = (alertIds: readonly number[]) => Promise<boolean>;

/** A change refused to the reader: 401 when nobody is signed in, else 403. */
export class NotAllowedError extends Error {
  constructor(
    message: string,
    readonly statusCode: 401 | 403,
  ) {
    super(message);
    this.name = this.constructor.name;
  }
}

/** No such subscription or alert among those the reader may see. */
export class NotFoundError extends Error {
  readonly statusCode = 404;
  constructor(message: string) {
    super(message);
    this.name = this.constructor.name;
  }
}

/** Whose subscriptions and alerts a reader sees: undefined = all (admin, or anonymous in public mode). */
export function scopeOf(user: User | null): number | undefined {
  return user && user.role !== 'admin' ? user.id : undefined;
}

/** A change needs a signed-in user; returns the owner filter (undefined for admins). */
function changer(user: User | null): { user: User; scope: number | undefined } {
  if (!user) throw new NotAllowedError('sign in to change subscriptions or retry alerts', 401);
  return { user, scope: scopeOf(user) };
}

export const ALERT_STATUSES: readonly AlertStatus[] = ['pending', 'sending', 'sent', 'failed', 'skipped'];

// ── views ────────────────────────────────────────────────────────────────────────────────────

/** A webhook URL fit to show: no query, fragment or user info; long path segments cut. */
export function shownTarget(channel: string, target: string): string {
  if (channel !== 'webhook') return target;
  try {
    const u = new URL(target);
    const path = u.pathname
      .split('/')
      .map((seg) => (seg.length >= 16 ? `${seg.slice(0, 4)}…` : seg))
      .join('/');
    return `${u.protocol}//${u.host}${path}${u.search ? '?…' : ''}`;
  } catch {
    return '(webhook)';
  }
}

export interface SubscriptionView {
  readonly id: number;
  readonly name: string;
  readonly channel: 'webhook' | 'email';
  /** The address, a webhook's shortened as {@link shownTarget} says. */
  readonly target: string;
  readonly filters: SubscriptionFilters;
  readonly active: boolean;
  readonly createdAt: string;
  /** The owner's user id; null for subscriptions made with the CLI. */
  readonly userId: number | null;
  readonly owner: string | null;
  /** Whether webhook bodies are signed (the secret itself is never shown again). */
  readonly hasSecret: boolean;
}

export function subscriptionView(s: Subscription, owners: ReadonlyMap<number, string>): SubscriptionView {
  return {
    id: s.id,
    name: s.name,
    channel: s.channel,
    target: shownTarget(s.channel, s.target),
    filters: s.filters,
    active: s.active,
    createdAt: s.createdAt.toISOString(),
    userId: s.userId,
    owner: s.userId === null ? null : (owners.get(s.userId) ?? null),
    hasSecret: s.secret !== null,
  };
}

export interface AlertView {
  readonly id: number;
  readonly kind: string;
  readonly status: AlertStatus;
  readonly subscription: { readonly id: number; readonly name: string; readonly channel: string; readonly target: string } | null;
  readonly document: { readonly id: number; readonly title: string; readonly docNumber: string | null } | null;
  /** One sentence in Chinese: what the alert says. */
  readonly summary: string;
  readonly attempts: number;
  /** Why the last attempt failed (the receiver's status or the network error). */
  readonly lastError: string | null;
  /** What the receiver answered last (status line and the start of its body). */
  readonly response: string | null;
  readonly createdAt: string;
  readonly sentAt: string | null;
  readonly nextAttemptAt: string | null;
  readonly dueOn: string | null;
  readonly threshold: number | null;
}

/** `text` with every occurrence of the full target replaced by its shown form. */
function redact(text: string | null, sub: Subscription | undefined): string | null {
  if (text === null || !sub || sub.channel !== 'webhook') return text;
  return text.split(sub.target).join(shownTarget(sub.channel, sub.target));
}

export function alertView(a: Alert, subs: ReadonlyMap<number, Subscription>): AlertView {
  const sub = subs.get(a.subscriptionId);
  let summary: string;
  try {
    summary = renderAlertMessage({ id: a.id, kind: a.kind, payload: a.payload, subscriptionName: sub?.name }).summary;
  } catch {
    summary = a.payload.document?.title ?? '';
  }
  const doc = a.payload.document;
  return {
    id: a.id,
    kind: a.kind,
    status: a.status,
    subscription: sub ? { id: sub.id, name: sub.name, channel: sub.channel, target: shownTarget(sub.channel, sub.target) } : null,
    document: a.documentId !== null ? { id: a.documentId, title: doc?.title ?? `#${a.documentId}`, docNumber: doc?.docNumber ?? null } : null,
    summary,
    attempts: a.attempts,
    lastError: redact(a.lastError, sub),
    response: redact(a.response, sub),
    createdAt: a.createdAt.toISOString(),
    sentAt: a.sentAt?.toISOString() ?? null,
    nextAttemptAt: a.nextAttemptAt?.toISOString() ?? null,
    dueOn: a.dueOn,
    threshold: a.threshold,
  };
}

async function ownerNames(db: Kysely<Database>): Promise<Map<number, string>> {
  const rows = await (db as unknown as Kysely<{ web_users: { id: number; name: string } }>).selectFrom('web_users').select(['id', 'name']).execute();
  return new Map(rows.map((r) => [Number(r.id), r.name]));
}

// ── reading ──────────────────────────────────────────────────────────────────────────────────

export async function subscriptionsFor(db: Kysely<Database>, user: User | null, opts: { all?: boolean } = {}): Promise<SubscriptionView[]> {
  const [subs, owners] = await Promise.all([listSubscriptions(db, { all: opts.all, userId: scopeOf(user) }), ownerNames(db)]);
  return subs.map((s) => subscriptionView(s, owners));
}

export interface AlertsPage {
  readonly alerts: AlertView[];
  readonly counts: Record<AlertStatus, number>;
  /** Id to pass as `before` for the next (older) page, or null at the end. */
  readonly nextBefore: number | null;
}

export async function alertsFor(db: Kysely<Database>, user: User | null, q: { status?: AlertStatus; subscriptionId?: number; beforeId?: number; limit?: number }): Promise<AlertsPage> {
  const scope = scopeOf(user);
  const limit = q.limit ?? 50;
  const [alerts, counts, subs] = await Promise.all([
    listAlerts(db, { status: q.status, subscriptionId: q.subscriptionId, beforeId: q.beforeId, userId: scope, limit: limit + 1 }),
    countAlertsByStatus(db, { userId: scope }),
    listSubscriptions(db, { all: true, userId: scope }),
  ]);
  const byId = new Map(subs.map((s) => [s.id, s]));
  const page = alerts.slice(0, limit);
  return { alerts: page.map((a) => alertView(a, byId)), counts, nextBefore: alerts.length > limit ? page[page.length - 1]!.id : null };
}

// ── changing ─────────────────────────────────────────────────────────────────────────────────

/**
 * Sends failed alerts (`ids`, or every failed one the reader may retry with null) back to the
 * deliver queue. @returns the ids retried and whether they are queued now (else a worker's sweep
 * queues them). @throws NotFoundError when one given id is not a failed alert of the reader.
 */
export async function retryAlerts(db: Kysely<Database>, user: User | null, ids: readonly number[] | null, deliver: DeliverFn | null): Promise<{ retried: number[]; queued: boolean }> {
  const { scope } = changer(user);
  const retried = await resetFailed(db, ids, { userId: scope });
  if (ids !== null && retried.length === 0) throw new NotFoundError(`alert #${ids.join(', #')} is not a failed alert of yours`);
  const queued = retried.length > 0 && deliver !== null ? await deliver(retried).catch(() => false) : false;
  return { retried, queued };
}

type Body = Readonly<Record<string, unknown>>;

/** A list field: an array, or one string split at commas, 、, ， or spaces. */
function listField(body: Body, name: string): string[] {
  const v = body[name];
  const items = (Array.isArray(v) ? v : v === undefined || v === null ? [] : [v]).flatMap((x) => {
    if (typeof x === 'number') return [String(x)];
    if (typeof x !== 'string') throw new BadParameterError(`${name} expects text or a list of texts`);
    return x.split(/[,，、\s]+/);
  });
  return [...new Set(items.map((x) => x.trim()).filter(Boolean))];
}

function textField(body: Body, name: string): string | undefined {
  const v = body[name];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') throw new BadParameterError(`${name} expects text`);
  return v.trim() === '' ? undefined : v.trim();
}

function checked<T extends string>(name: string, items: string[], allowed: readonly T[]): T[] {
  const bad = items.filter((x) => !(allowed as readonly string[]).includes(x));
  if (bad.length > 0) throw new BadParameterError(`${name} accepts ${allowed.join(', ')}; got "${bad.join(', ')}"`);
  return items as T[];
}

const MAX_FIELD = 200;

export interface SubscriptionRequest {
  readonly channel: 'webhook' | 'email';
  readonly target: string;
  readonly name: string;
  readonly filters: SubscriptionFilters;
}

/**
 * Reads a subscription from a form or a JSON body: `channel` (webhook | email) and `target`
 * (or `webhook` / `email` as on the command line), `name`, and the filters of `subscribe`:
 * `issuers`, `regions`, `keywords`, `numberPrefixes`, `kinds`, `warnDays`, `changes`.
 * @throws BadParameterError naming the field.
 */
export function parseSubscription(body: Body): SubscriptionRequest {
  let channel = textField(body, 'channel');
  let target = textField(body, 'target');
  const webhook = textField(body, 'webhook');
  const email = textField(body, 'email');
  if (webhook !== undefined || email !== undefined) {
    if ((webhook === undefined) === (email === undefined) || target !== undefined) throw new BadParameterError('give exactly one of webhook or email (or channel and target)');
    channel = webhook !== undefined ? 'webhook' : 'email';
    target = webhook ?? email;
  }
  if (channel !== 'webhook' && channel !== 'email') throw new BadParameterError('channel must be webhook or email');
  if (target === undefined) throw new BadParameterError(channel === 'webhook' ? 'target: give the webhook URL' : 'target: give the e-mail address');
  if (target.length > 2_000) throw new BadParameterError('target is too long');
  const checkedTarget = checkTarget(channel, target);
  if ('problem' in checkedTarget) throw new BadParameterError(`target "${target.slice(0, MAX_FIELD)}" ${checkedTarget.problem}`);
  target = checkedTarget.target;
  const name = textField(body, 'name') ?? (channel === 'webhook' ? shownTarget(channel, target) : target);
  if (name.length > MAX_FIELD) throw new BadParameterError(`name is longer than ${MAX_FIELD} characters`);
  const f: Record<string, unknown> = {};
  for (const [key, field] of [['issuers', 'issuers'], ['regions', 'regions'], ['keywords', 'keywords'], ['numberPrefixes', 'numberPrefixes']] as const) {
    const items = listField(body, field);
    if (items.some((x) => x.length > MAX_FIELD)) throw new BadParameterError(`${field}: each value must be shorter than ${MAX_FIELD} characters`);
    if (items.length) f[key] = items;
  }
  const kinds = checked('kinds', listField(body, 'kinds'), ALERT_TOPICS);
  if (kinds.length) f.alertKinds = kinds;
  const warn = listField(body, 'warnDays');
  if (warn.length) {
    const days = parseWarnDays(warn);
    if (days === null) throw new BadParameterError(`warnDays expects days like 90,30,7; got "${warn.join(',')}"`);
    f.warnDays = days;
  }
  const changes = checked('changes', listField(body, 'changes'), CHANGE_CLASSES);
  if (changes.length) f.changes = changes;
  return { channel, target, name, filters: f as SubscriptionFilters };
}

/**
 * Creates (or, for the same owner and address, replaces) a subscription of the signed-in user.
 * @returns its view, and for a webhook the new signing secret: the one time it is handed out.
 */
export async function createSubscription(db: Kysely<Database>, user: User | null, body: Body): Promise<{ subscription: SubscriptionView; created: boolean; secret: string | null }> {
  const { user: owner } = changer(user);
  const req = parseSubscription(body);
  const secret = req.channel === 'webhook' ? newSecret() : null;
  const { subscription, created } = await saveSubscription(db, { ...req, secret, userId: owner.id });
  return { subscription: subscriptionView(subscription, new Map([[owner.id, owner.name]])), created, secret };
}

/** Stops a subscription: a viewer only their own, an admin any. @throws NotFoundError */
export async function removeSubscription(db: Kysely<Database>, user: User | null, id: number): Promise<void> {
  const { scope } = changer(user);
  const done = await deactivateSubscription(db, id, { userId: scope });
  if (!done) throw new NotFoundError(`no active subscription #${id} of yours`);
}

/** One subscription the reader may see. @throws NotFoundError */
export async function subscriptionFor(db: Kysely<Database>, user: User | null, id: number): Promise<SubscriptionView> {
  const s = await getSubscription(db, id);
  const scope = scopeOf(user);
  if (!s || (scope !== undefined && s.userId !== scope)) throw new NotFoundError(`no subscription #${id} of yours`);
  return subscriptionView(s, await ownerNames(db));
}

export { DEFAULT_WARN_DAYS, ALERT_TOPICS, CHANGE_CLASSES };
