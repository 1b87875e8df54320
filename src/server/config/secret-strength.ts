// Production refuses default secrets: every setting marked `secret` (and the password inside a connection URL)
// is checked against the values that examples, tutorials and images ship with. Length rules for the secrets the
// server verifies itself (JWT_SECRET, API_KEYS, PUSHER_*) stay next to those settings.
import type { Setting } from './setting.js';

/** Values that ship as defaults or in examples somewhere; an install that kept one is open to anyone. */
const knownDefaults = new Set([
  'admin',
  'changeit',
  'changeme',
  'default',
  'guest',
  'letmein',
  'minioadmin',
  'paasport',
  'pass',
  'passw0rd',
  'password',
  'postgres',
  'qwerty',
  'redis',
  'root',
  'secret',
  'test',
  '123456',
  '12345678',
]);

/** Markers of a placeholder copied from docs or a development file rather than a generated value. */
const placeholder =
  /change[-_ ]?me|replace[-_ ]?me|placeholder|example|your[-_ ]?(secret|key|password|token)/i;

export function isDefaultSecret(value: string): boolean {
  return knownDefaults.has(value.trim().toLowerCase()) || placeholder.test(value);
}

function urlPassword(value: string): string | undefined {
  try {
    const password = decodeURIComponent(new URL(value).password);
    return password === '' ? undefined : password;
  } catch {
    return undefined;
  }
}

/** Every secret value of one setting: list items, the password of a URL, or the value itself. */
function secretValues(value: unknown): string[] {
  if (Array.isArray(value)) return value.flatMap(secretValues);
  if (typeof value === 'string') {
    if (/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return [urlPassword(value)].filter((p) => p !== undefined);
    return [value];
  }
  if (value && typeof value === 'object' && 'secret' in value) return secretValues(value.secret);
  return [];
}

/** Problems for production: one per secret setting that holds a known default or a placeholder. */
export function defaultSecretProblems(
  settings: Record<string, Pick<Setting, 'secret' | 'doc'>>,
  env: Record<string, unknown>,
): string[] {
  if (env['NODE_ENV'] !== 'production') return [];
  const problems: string[] = [];
  for (const [name, setting] of Object.entries(settings)) {
    if (!setting.secret) continue;
    if (secretValues(env[name]).some(isDefaultSecret))
      problems.push(
        `${name}: a default or example secret is not allowed in production; generate one (e.g. openssl rand -hex 32)`,
      );
  }
  return problems;
}
