// Defensive accessors for reading a spec that may have failed the schema, so the semantic checks can run in
// the same round as the schema checks and never throw on a malformed document.
export type Json = Record<string, unknown>;

export function obj(value: unknown): Json {
  return value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Json) : {};
}

export function entries(value: unknown): [string, unknown][] {
  return Object.entries(obj(value));
}

export function str(value: unknown): string | undefined {
  return typeof value === 'string' ? value : undefined;
}

export function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === 'string') : [];
}

/** Escapes one JSON pointer token. */
export function token(name: string): string {
  return name.replace(/~/g, '~0').replace(/\//g, '~1');
}
