/**
 * The one place that reads `process.env`. Everything else receives a {@link Config} (or the
 * values it needs) as an argument.
 *
 * | variable | meaning | default |
 * | --- | --- | --- |
 * | `DATABASE_URL` | Postgres connection string; when unset, the embedded PGlite database is used | unset |
 * | `REDIS_URL` | Redis for the queues | `redis://127.0.0.1:6379` |
 * | `POLICY_TRACKER_DATA_DIR` | directory of the embedded PGlite database | `./.policy-tracker` |
 * | `TEST_DATABASE_URL` | Postgres the integration tests create their databases in | `postgres://postgres@127.0.0.1:5432/test` |
 * | `POLICY_TRACKER_QUEUE_PREFIX` | prefix of the queue keys in Redis (keep the `{…}` hash tag for Redis Cluster) | `{policy-tracker}` |
 * | `POLICY_TRACKER_CONCURRENCY` | worker concurrency per queue, `fetch=4,ingest=2` | `fetch=4,ingest=2,alert-scan=1,deliver=4` |
 * | `POLICY_TRACKER_LOG_LEVEL` | pino log level of the workers | `info` |
 * | `POLICY_TRACKER_HOST_INTERVAL_MS` | politeness: least time between two requests to one host, across all workers | `5000` |
 * | `POLICY_TRACKER_FETCH_TIMEOUT_MS` | time limit of one fetch (headers and body) | `30000` |
 * | `POLICY_TRACKER_FETCH_MAX_BYTES` | largest page fetched | `20971520` |
 * | `POLICY_TRACKER_JOB_ATTEMPTS` | attempts of a job before it lands in the failed set | `5` |
 * | `POLICY_TRACKER_JOB_BACKOFF_MS` | first retry delay (doubles each attempt) | `2000` |
 * | `POLICY_TRACKER_BROKEN_AFTER` | consecutive failed fetches before a source is reported broken | `3` |
 * | `POLICY_TRACKER_SCHEDULE_SYNC_MS` | how often a worker re-creates missing job schedulers from Postgres | `60000` |
 * | `POLICY_TRACKER_LOCK_MS` | job lock; jobs of a killed worker return to the queue after about this long | `30000` |
 * | `POLICY_TRACKER_RENDER_CONTEXTS` | browser contexts rendering at once per worker process | `2` |
 * | `POLICY_TRACKER_CHROMIUM` (or `PLAYWRIGHT_CHROMIUM`) | the system Chromium | `/usr/bin/chromium` |
 * | `POLICY_TRACKER_BROWSER_IDLE_MS` | a worker closes its Chromium after this long without a render (0: keep it open) | `300000` |
 * | `POLICY_TRACKER_OPERATORS` | where operator alerts (source-broken/-recovered) go: an e-mail address or webhook URL | `operators@localhost` |
 * | `SMTP_URL` | SMTP server e-mail alerts go through, `smtp://user:pass@host:587` (`smtps://` for TLS from the start) | unset (e-mail alerts fail until set) |
 * | `ALERT_FROM` | sender of e-mail alerts | `policy-tracker <alerts@localhost>` |
 * | `POLICY_TRACKER_WEBHOOK_TIMEOUT_MS` | time limit of one webhook POST or SMTP exchange | `10000` |
 * | `POLICY_TRACKER_ALERT_SCAN_CRON` / `POLICY_TRACKER_ALERT_SCAN_TZ` | when the daily expiry scan runs | `0 7 * * *` / `Asia/Shanghai` |
 * | `POLICY_TRACKER_ALERT_SWEEP_MS` | how often a worker queues alerts left pending (e.g. recorded by the CLI while Redis was down) | `60000` |
 */

export interface Config {
  /** Postgres connection string, or null to use the embedded PGlite database. */
  readonly databaseUrl: string | null;
  readonly redisUrl: string;
  /** Directory of the embedded PGlite database (used only when `databaseUrl` is null). */
  readonly dataDir: string;
  /** Postgres server the test suites create their own databases on (tests only). */
  readonly testDatabaseUrl: string;
}

/** Queue names whose concurrency can be set. */
export type ConcurrencyMap = Readonly<Record<string, number>>;

export interface WorkerConfig {
  /** Key prefix of every queue; the `{…}` hash tag keeps a queue's keys in one Redis Cluster slot. */
  readonly queuePrefix: string;
  readonly concurrency: ConcurrencyMap;
  readonly logLevel: string;
  readonly hostIntervalMs: number;
  readonly fetchTimeoutMs: number;
  readonly fetchMaxBytes: number;
  readonly jobAttempts: number;
  readonly jobBackoffMs: number;
  readonly brokenAfter: number;
  readonly scheduleSyncMs: number;
  /** How long a job's lock lasts; a worker that dies (SIGKILL) has its jobs taken back after about this long. */
  readonly lockMs: number;
  readonly renderContexts: number;
  readonly chromiumPath: string;
  /** A worker's Chromium closes after this long without a render; 0 keeps it open. */
  readonly browserIdleMs: number;
  /** Target of the operators' subscription: e-mail address or http(s) webhook URL. */
  readonly operators: string;
  /** SMTP server of e-mail alerts (`smtp://…` or `smtps://…`); null: e-mail alerts fail until it is set. */
  readonly smtpUrl: string | null;
  /** Sender of e-mail alerts. */
  readonly alertFrom: string;
  /** Time limit of one delivery (webhook POST or SMTP exchange). */
  readonly webhookTimeoutMs: number;
  /** Cron pattern of the daily expiry scan (job scheduler `alert-scan-daily`). */
  readonly alertScanCron: string;
  /** Time zone the cron pattern is read in. */
  readonly alertScanTimezone: string;
  /** How often a worker queues the alerts still pending (recorded while Redis was away). */
  readonly alertSweepMs: number;
}

/** Defaults, in one typed place. */
export const DEFAULTS = Object.freeze({
  databaseUrl: null,
  redisUrl: 'redis://127.0.0.1:6379',
  dataDir: './.policy-tracker',
  testDatabaseUrl: 'postgres://postgres@127.0.0.1:5432/test',
}) satisfies Config;

/** Defaults of the queue workers (workers/), read by {@link loadWorkerConfig}. */
export const WORKER_DEFAULTS = Object.freeze({
    queuePrefix: '{policy-tracker}',
    concurrency: Object.freeze({ fetch: 4, ingest: 2, 'alert-scan': 1, deliver: 4 }),
    logLevel: 'info',
    hostIntervalMs: 5_000,
    fetchTimeoutMs: 30_000,
    fetchMaxBytes: 20 * 1024 * 1024,
    jobAttempts: 5,
    jobBackoffMs: 2_000,
    brokenAfter: 3,
    scheduleSyncMs: 60_000,
    lockMs: 30_000,
    renderContexts: 2,
    chromiumPath: '/usr/bin/chromium',
    browserIdleMs: 300_000,
    operators: 'operators@localhost',
    smtpUrl: null,
    alertFrom: 'policy-tracker <alerts@localhost>',
    webhookTimeoutMs: 10_000,
    alertScanCron: '0 7 * * *',
    alertScanTimezone: 'Asia/Shanghai',
    alertSweepMs: 60_000,
}) satisfies WorkerConfig;

/** An environment variable holds a value the program cannot use. Names the variable. */
export class ConfigError extends Error {
  readonly variable: string;
  constructor(variable: string, message: string) {
    super(`Invalid environment variable ${variable}: ${message}`);
    this.name = this.constructor.name;
    this.variable = variable;
  }
}

type Env = Readonly<Record<string, string | undefined>>;

function present(env: Env, name: string): string | null {
  const v = env[name];
  return v === undefined || v.trim() === '' ? null : v.trim();
}

function url(env: Env, name: string, protocols: readonly string[]): string | null {
  const v = present(env, name);
  if (v === null) return null;
  let parsed: URL;
  try {
    parsed = new URL(v);
  } catch {
    throw new ConfigError(name, `"${v}" is not a URL; expected e.g. ${protocols[0]}//host:port/…`);
  }
  if (!protocols.includes(parsed.protocol)) {
    throw new ConfigError(name, `protocol ${parsed.protocol} is not one of ${protocols.join(', ')}`);
  }
  return v;
}

function integer(env: Env, name: string, min: number): number | null {
  const v = present(env, name);
  if (v === null) return null;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new ConfigError(name, `"${v}" is not a whole number >= ${min}`);
  return n;
}

/**
 * Parses `fetch=4,ingest=2` into `{ fetch: 4, ingest: 2 }`.
 * @throws Error naming the bad pair (callers wrap it in a ConfigError or a usage error).
 */
export function parseConcurrency(text: string): Record<string, number> {
  const out: Record<string, number> = {};
  for (const pair of text.split(',').map((p) => p.trim()).filter(Boolean)) {
    const m = /^([a-z][a-z-]*)=(\d+)$/.exec(pair);
    if (!m || Number(m[2]) < 1) throw new Error(`"${pair}" is not queue=N with N >= 1 (e.g. fetch=4,ingest=2)`);
    out[m[1]!] = Number(m[2]);
  }
  return out;
}

/**
 * Reads and validates the workers' settings from `env` (default `process.env`), frozen.
 * @throws ConfigError naming the variable when a value is unusable.
 */
export function loadWorkerConfig(env: Env = process.env): WorkerConfig {
  const d = WORKER_DEFAULTS;
  let concurrency: ConcurrencyMap = d.concurrency;
  const c = present(env, 'POLICY_TRACKER_CONCURRENCY');
  if (c !== null) {
    try {
      concurrency = Object.freeze({ ...d.concurrency, ...parseConcurrency(c) });
    } catch (err) {
      throw new ConfigError('POLICY_TRACKER_CONCURRENCY', (err as Error).message);
    }
  }
  const operators = present(env, 'POLICY_TRACKER_OPERATORS') ?? d.operators;
  if (!/^https?:\/\//.test(operators) && !/^[^@\s]+@[^@\s]+$/.test(operators)) {
    throw new ConfigError('POLICY_TRACKER_OPERATORS', `"${operators}" is neither an e-mail address nor an http(s) URL`);
  }
  return Object.freeze({
    queuePrefix: present(env, 'POLICY_TRACKER_QUEUE_PREFIX') ?? d.queuePrefix,
    concurrency,
    logLevel: present(env, 'POLICY_TRACKER_LOG_LEVEL') ?? d.logLevel,
    hostIntervalMs: integer(env, 'POLICY_TRACKER_HOST_INTERVAL_MS', 0) ?? d.hostIntervalMs,
    fetchTimeoutMs: integer(env, 'POLICY_TRACKER_FETCH_TIMEOUT_MS', 1) ?? d.fetchTimeoutMs,
    fetchMaxBytes: integer(env, 'POLICY_TRACKER_FETCH_MAX_BYTES', 1) ?? d.fetchMaxBytes,
    jobAttempts: integer(env, 'POLICY_TRACKER_JOB_ATTEMPTS', 1) ?? d.jobAttempts,
    jobBackoffMs: integer(env, 'POLICY_TRACKER_JOB_BACKOFF_MS', 0) ?? d.jobBackoffMs,
    brokenAfter: integer(env, 'POLICY_TRACKER_BROKEN_AFTER', 1) ?? d.brokenAfter,
    scheduleSyncMs: integer(env, 'POLICY_TRACKER_SCHEDULE_SYNC_MS', 100) ?? d.scheduleSyncMs,
    lockMs: integer(env, 'POLICY_TRACKER_LOCK_MS', 500) ?? d.lockMs,
    renderContexts: integer(env, 'POLICY_TRACKER_RENDER_CONTEXTS', 1) ?? d.renderContexts,
    chromiumPath: present(env, 'POLICY_TRACKER_CHROMIUM') ?? present(env, 'PLAYWRIGHT_CHROMIUM') ?? d.chromiumPath,
    browserIdleMs: integer(env, 'POLICY_TRACKER_BROWSER_IDLE_MS', 0) ?? d.browserIdleMs,
    operators,
    smtpUrl: url(env, 'SMTP_URL', ['smtp:', 'smtps:']) ?? d.smtpUrl,
    alertFrom: present(env, 'ALERT_FROM') ?? d.alertFrom,
    webhookTimeoutMs: integer(env, 'POLICY_TRACKER_WEBHOOK_TIMEOUT_MS', 1) ?? d.webhookTimeoutMs,
    alertScanCron: cron(env, 'POLICY_TRACKER_ALERT_SCAN_CRON') ?? d.alertScanCron,
    alertScanTimezone: timeZone(env, 'POLICY_TRACKER_ALERT_SCAN_TZ') ?? d.alertScanTimezone,
    alertSweepMs: integer(env, 'POLICY_TRACKER_ALERT_SWEEP_MS', 100) ?? d.alertSweepMs,
  });
}

/** A five- or six-field cron pattern (checked for shape only; BullMQ parses it). */
function cron(env: Env, name: string): string | null {
  const v = present(env, name);
  if (v === null) return null;
  const fields = v.split(/\s+/);
  if (fields.length < 5 || fields.length > 6 || !fields.every((f) => /^[\d*/,\-A-Za-z?LW#]+$/.test(f))) {
    throw new ConfigError(name, `"${v}" is not a cron pattern such as "0 7 * * *"`);
  }
  return fields.join(' ');
}

/** An IANA time zone name the runtime knows. */
function timeZone(env: Env, name: string): string | null {
  const v = present(env, name);
  if (v === null) return null;
  try {
    new Intl.DateTimeFormat('en', { timeZone: v });
  } catch {
    throw new ConfigError(name, `"${v}" is not a time zone name such as Asia/Shanghai`);
  }
  return v;
}

/**
 * Reads and validates the configuration from `env` (default `process.env`) and returns it frozen.
 * @throws ConfigError naming the variable when a value is unusable.
 */
export function loadConfig(env: Env = process.env): Config {
  return Object.freeze({
    databaseUrl: url(env, 'DATABASE_URL', ['postgres:', 'postgresql:']) ?? DEFAULTS.databaseUrl,
    redisUrl: url(env, 'REDIS_URL', ['redis:', 'rediss:']) ?? DEFAULTS.redisUrl,
    dataDir: present(env, 'POLICY_TRACKER_DATA_DIR') ?? DEFAULTS.dataDir,
    testDatabaseUrl: url(env, 'TEST_DATABASE_URL', ['postgres:', 'postgresql:']) ?? DEFAULTS.testDatabaseUrl,
  });
}

let cached: Config | undefined;

/** The process's configuration, read once on first call. @throws ConfigError */
export function getConfig(): Config {
  cached ??= loadConfig();
  return cached;
}

let cachedWorkers: WorkerConfig | undefined;

/** The workers' configuration, read once on first call. @throws ConfigError */
export function getWorkerConfig(): WorkerConfig {
  cachedWorkers ??= loadWorkerConfig();
  return cachedWorkers;
}
