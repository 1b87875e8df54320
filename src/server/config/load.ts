// Pure config loading: environment map in, typed Config out, or one ConfigError naming every bad variable.
import { randomBytes } from 'node:crypto';
import type { z } from 'zod';
import { resolvePathStyle } from '../drivers/object-store/path-style.js';
import { checkPusher } from './pusher.js';
import { defaultSecretProblems } from './secret-strength.js';
import { allSettings } from './sections.js';

type Settings = typeof allSettings;
/** Every setting after parsing, keyed by its environment variable name. */
export type Env = { [K in keyof Settings]: z.output<Settings[K]['schema']> };

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(
      `Invalid configuration (${problems.length} problem${problems.length === 1 ? '' : 's'}):\n${problems.map((p) => `  - ${p}`).join('\n')}`,
    );
    this.name = 'ConfigError';
  }
}

export interface Config {
  env: Env;
  /** Values derived from env and checked together; drivers read their own slice. */
  production: boolean;
  database: {
    url?: string;
    poolMax: number;
    connectTimeoutMs: number;
    /** Client-side deadline and statement_timeout of the server's queries. */
    queryTimeoutMs: number;
    /** statement_timeout of migrations, which may run longer than request queries. */
    statementTimeoutMs: number;
    /** Named prepared statements for the hot queries (off behind poolers that cannot keep them). */
    preparedStatements: boolean;
    dataDir: string;
  };
  redis: {
    url?: string;
    keyPrefix: string;
    probeIntervalMs: number;
    commandTimeoutMs: number;
    connectTimeoutMs: number;
  };
  storage: {
    endpoint?: string;
    publicEndpoint?: string;
    accessKey?: string;
    secretKey?: string;
    bucket: string;
    region: string;
    pathStyle: boolean;
    /** How long one S3 request may go without moving a byte. */
    requestTimeoutMs: number;
    dataDir: string;
  };
  auth: {
    apiKeys: string[];
    /** In development without API_KEYS: a key made up at start, printed once and accepted until restart. */
    devApiKey?: string;
    jwtSecret: string;
    jwtSecretGenerated: boolean;
    publicChannels: string[];
  };
}

function checkTogether(env: Env): string[] {
  const problems: string[] = [];
  if (env.S3_ENDPOINT) {
    if (!env.S3_ACCESS_KEY) problems.push('S3_ACCESS_KEY: required when S3_ENDPOINT is set');
    if (!env.S3_SECRET_KEY) problems.push('S3_SECRET_KEY: required when S3_ENDPOINT is set');
  }
  if (env.METRICS_PORT !== undefined && env.METRICS_PORT !== 0 && env.METRICS_PORT === env.PORT) {
    problems.push('METRICS_PORT: must differ from PORT (leave it unset to serve /metrics on PORT)');
  }
  if (env.S3_PUBLIC_ENDPOINT && !env.S3_ENDPOINT) {
    problems.push('S3_PUBLIC_ENDPOINT: only meaningful with S3_ENDPOINT set');
  }
  if (env.NODE_ENV === 'production') {
    if (!env.JWT_SECRET) problems.push('JWT_SECRET: required in production (at least 32 characters)');
    else if (env.JWT_SECRET.length < 32)
      problems.push('JWT_SECRET: too weak for production, use at least 32 characters');
    if ((env.API_KEYS ?? []).length === 0)
      problems.push('API_KEYS: at least one key is required in production');
    (env.API_KEYS ?? []).forEach((key, i) => {
      if (key.length < 24)
        problems.push(`API_KEYS: key #${i + 1} is too weak for production, use at least 24 characters`);
    });
  }
  return problems;
}

export function loadConfig(source: Record<string, string | undefined>): Config {
  const problems: string[] = [];
  const env: Record<string, unknown> = {};
  for (const [name, setting] of Object.entries(allSettings)) {
    const raw = source[name];
    const value = raw === undefined || raw === '' ? (setting as { default?: string }).default : raw;
    const result = setting.schema.safeParse(value);
    if (result.success) env[name] = result.data;
    else {
      const shown =
        value === undefined || (setting as { secret?: boolean }).secret
          ? ''
          : ` (got ${JSON.stringify(value)})`;
      const message = value === undefined ? 'required' : result.error.issues.map((i) => i.message).join('; ');
      problems.push(`${name}: ${message}${shown}`);
    }
  }
  // Cross-field rules run even when single fields failed, so one run reports every problem.
  problems.push(
    ...checkTogether(env as Env),
    ...checkPusher(env as Env),
    ...defaultSecretProblems(allSettings, env),
  );
  if (problems.length > 0) throw new ConfigError(problems);
  return toConfig(env as Env);
}

/** Never in production or test: there, no API_KEYS means no key. */
function devKey(env: Env): { apiKeys: string[]; devApiKey?: string } {
  if (env.NODE_ENV !== 'development' || env.API_KEYS.length > 0) return { apiKeys: env.API_KEYS };
  const devApiKey = `dev_${randomBytes(18).toString('base64url')}`;
  return { apiKeys: [devApiKey], devApiKey };
}

function toConfig(env: Env): Config {
  return {
    env,
    production: env.NODE_ENV === 'production',
    database: {
      url: env.DATABASE_URL,
      poolMax: env.DATABASE_POOL_MAX,
      connectTimeoutMs: env.DATABASE_CONNECT_TIMEOUT,
      queryTimeoutMs: env.DATABASE_QUERY_TIMEOUT,
      statementTimeoutMs: env.DATABASE_STATEMENT_TIMEOUT,
      preparedStatements: env.DATABASE_PREPARED_STATEMENTS,
      dataDir: env.DATA_DIR,
    },
    redis: {
      url: env.REDIS_URL,
      keyPrefix: env.REDIS_KEY_PREFIX,
      probeIntervalMs: env.BUS_PROBE_INTERVAL,
      commandTimeoutMs: env.REDIS_COMMAND_TIMEOUT,
      connectTimeoutMs: env.REDIS_CONNECT_TIMEOUT,
    },
    storage: {
      endpoint: env.S3_ENDPOINT,
      publicEndpoint: env.S3_PUBLIC_ENDPOINT ?? env.S3_ENDPOINT,
      accessKey: env.S3_ACCESS_KEY,
      secretKey: env.S3_SECRET_KEY,
      bucket: env.S3_BUCKET,
      region: env.S3_REGION,
      pathStyle: resolvePathStyle(env.S3_FORCE_PATH_STYLE, env.S3_ENDPOINT),
      requestTimeoutMs: env.S3_REQUEST_TIMEOUT,
      dataDir: env.DATA_DIR,
    },
    auth: {
      ...devKey(env),
      jwtSecret: env.JWT_SECRET ?? randomBytes(32).toString('hex'),
      jwtSecretGenerated: !env.JWT_SECRET,
      publicChannels: env.PUBLIC_CHANNELS,
    },
  };
}
