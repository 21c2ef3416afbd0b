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

/** Defaults, in one typed place. */
export const DEFAULTS = Object.freeze({
  databaseUrl: null,
  redisUrl: 'redis://127.0.0.1:6379',
  dataDir: './.policy-tracker',
  testDatabaseUrl: 'postgres://postgres@127.0.0.1:5432/test',
}) satisfies Config;

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
