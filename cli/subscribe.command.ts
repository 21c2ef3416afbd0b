/**
 * `policy-tracker subscribe --webhook URL | --email ADDRESS [filters]`, `subscriptions [--json]`
 * and `unsubscribe <id>`: who is told about which documents, changes and ends.
 */
import type { Command } from 'commander';
import { ALERT_TOPICS, CHANGE_CLASSES, checkTarget, DEFAULT_WARN_DAYS, parseWarnDays, type SubscriptionFilters } from '../pipeline/alert-match.ts';
import { deactivateSubscription, listSubscriptions, newSecret, saveSubscription, type Subscription } from '../db/subscriptions.repository.ts';
import { DATA_DIR_FLAG, DATA_DIR_HELP, withDatabase } from './database.ts';

interface SubscribeOpts {
  webhook?: string;
  email?: string;
  name?: string;
  issuer?: string[];
  region?: string[];
  keyword?: string[];
  numberPrefix?: string[];
  kinds?: string;
  warnDays?: string;
  changes?: string;
  dataDir?: string;
}

const collect = (v: string, prev: string[] = []) => [...prev, ...v.split(',').map((x) => x.trim()).filter(Boolean)];

/** `a,b` → checked list. @throws Error naming the flag and the accepted values. */
function listOf<T extends string>(flag: string, text: string, allowed: readonly T[]): T[] {
  const items = text.split(',').map((x) => x.trim()).filter(Boolean);
  const bad = items.filter((x) => !(allowed as readonly string[]).includes(x));
  if (bad.length > 0 || items.length === 0) throw new Error(`${flag} expects a comma-separated list of ${allowed.join(', ')}; got "${text}"`);
  return [...new Set(items)] as T[];
}

/** `90,30,7` → [90, 30, 7]. */
function warnDays(text: string): number[] {
  const days = parseWarnDays(text.split(',').map((x) => x.trim()).filter(Boolean));
  if (days === null) throw new Error(`--warn-days expects days like 90,30,7; got "${text}"`);
  return days;
}

function target(opts: SubscribeOpts): { channel: 'webhook' | 'email'; target: string } {
  if ((opts.webhook === undefined) === (opts.email === undefined)) throw new Error('give exactly one of --webhook URL or --email ADDRESS');
  const channel = opts.webhook !== undefined ? 'webhook' : 'email';
  const given = (opts.webhook ?? opts.email)!;
  const checked = checkTarget(channel, given);
  if ('problem' in checked) throw new Error(`--${channel}: "${given}" ${checked.problem}`);
  return { channel, target: checked.target };
}

/** The filters the options describe. */
export function filtersOf(opts: SubscribeOpts): SubscriptionFilters {
  const f: Record<string, unknown> = {};
  if (opts.issuer?.length) f.issuers = opts.issuer;
  if (opts.region?.length) f.regions = opts.region;
  if (opts.keyword?.length) f.keywords = opts.keyword;
  if (opts.numberPrefix?.length) f.numberPrefixes = opts.numberPrefix;
  if (opts.kinds !== undefined) f.alertKinds = listOf('--kinds', opts.kinds, ALERT_TOPICS);
  if (opts.warnDays !== undefined) f.warnDays = warnDays(opts.warnDays);
  if (opts.changes !== undefined) f.changes = listOf('--changes', opts.changes, CHANGE_CLASSES);
  return f as SubscriptionFilters;
}

function describeFilters(f: SubscriptionFilters): string {
  const parts = [
    f.issuers && `issuer ${f.issuers.join('|')}`,
    f.regions && `region ${f.regions.join('|')}`,
    f.keywords && `keyword ${f.keywords.join('|')}`,
    f.numberPrefixes && `number ${f.numberPrefixes.join('|')}…`,
    `kinds ${(f.alertKinds ?? ALERT_TOPICS).join(',')}`,
    `warn ${(f.warnDays ?? DEFAULT_WARN_DAYS).join(',')}d`,
    f.changes && `changes ${f.changes.join(',')}`,
  ];
  return parts.filter(Boolean).join(' · ');
}

function line(s: Subscription): string {
  return `#${String(s.id).padEnd(4)} ${s.channel.padEnd(7)} ${s.target}  "${s.name}"  ${describeFilters(s.filters)}${s.active ? '' : '  (inactive)'}`;
}

/** A subscription without its secret (never printed after `subscribe`). */
function publicView(s: Subscription) {
  const { secret, ...rest } = s;
  return { ...rest, hasSecret: secret !== null };
}

export function registerSubscribe(program: Command): void {
  program
    .command('subscribe')
    .description('subscribe a webhook or an e-mail address to alerts (new, revised, repealed, expiring, expired documents)')
    .option('--webhook <url>', 'POST signed JSON alerts to this URL')
    .option('--email <address>', 'send alerts by e-mail (SMTP_URL)')
    .option('--name <name>', 'a name to recognise the subscription by')
    .option('--issuer <name>', 'only documents by this issuer (repeat or comma-separate for several)', collect)
    .option('--region <name>', 'only documents of this province or city, e.g. 广东', collect)
    .option('--keyword <word>', 'only documents with this word in the title or text', collect)
    .option('--number-prefix <prefix>', 'only documents whose 文号 starts so, e.g. 粤金管', collect)
    .option('--kinds <list>', `alert kinds: ${ALERT_TOPICS.join(',')} (default all)`)
    .option('--warn-days <list>', 'warn this many days before a document or measure ends (default 90,30,7)')
    .option('--changes <list>', `only revisions with these kinds of change: ${CHANGE_CLASSES.join(',')} (default all)`)
    .option(DATA_DIR_FLAG, DATA_DIR_HELP)
    .action(async (opts: SubscribeOpts) => {
      const t = target(opts);
      const filters = filtersOf(opts);
      const secret = t.channel === 'webhook' ? newSecret() : null;
      const { subscription, created } = await withDatabase(opts, (db) =>
        saveSubscription(db, { ...t, name: opts.name ?? t.target, filters, secret }),
      );
      process.stdout.write(`${created ? 'subscribed' : 'updated'} ${line(subscription)}\n`);
      if (secret !== null) {
        process.stdout.write(`secret ${secret}\n(shown once: keep it to verify X-Policy-Signature; subscribing the same URL again makes a new one)\n`);
      }
    });

  program
    .command('subscriptions')
    .description('the subscriptions and their filters')
    .option('--json', 'print JSON')
    .option('--all', 'include inactive (unsubscribed) ones')
    .option(DATA_DIR_FLAG, DATA_DIR_HELP)
    .action(async (opts: { json?: boolean; all?: boolean; dataDir?: string }) => {
      const list = await withDatabase(opts, (db) => listSubscriptions(db, { all: !!opts.all }));
      if (opts.json) process.stdout.write(`${JSON.stringify({ subscriptions: list.map(publicView) }, null, 2)}\n`);
      else process.stdout.write(list.length === 0 ? 'no subscriptions; add one with `policy-tracker subscribe --webhook URL` or `--email ADDRESS`\n' : `${list.map(line).join('\n')}\n`);
    });

  program
    .command('unsubscribe')
    .description('stop a subscription (its unsent alerts are skipped; sent ones stay in its feed)')
    .argument('<id>', 'the subscription id, as `subscriptions` shows it')
    .option(DATA_DIR_FLAG, DATA_DIR_HELP)
    .action(async (id: string, opts: { dataDir?: string }) => {
      if (!/^\d+$/.test(id)) throw new Error(`unsubscribe expects a subscription id (a number), got "${id}"`);
      const done = await withDatabase(opts, (db) => deactivateSubscription(db, Number(id)));
      if (!done) throw new Error(`no active subscription #${id}; see \`policy-tracker subscriptions\``);
      process.stdout.write(`unsubscribed #${id}\n`);
    });
}
