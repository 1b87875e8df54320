// Turns ajv errors into spec errors with a JSON pointer, what was expected, and a hint for likely typos.
import type { ErrorObject } from 'ajv';
import type { SpecError } from './types.js';

export function closest(word: string, candidates: readonly string[]): string | undefined {
  let best: string | undefined;
  let bestScore = Number.POSITIVE_INFINITY;
  for (const candidate of candidates) {
    const score = distance(word.toLowerCase(), candidate.toLowerCase());
    if (score < bestScore) {
      best = candidate;
      bestScore = score;
    }
  }
  const limit = Math.max(2, Math.floor(word.length / 3));
  return best !== undefined && bestScore <= limit ? best : undefined;
}

function distance(a: string, b: string): number {
  const row = Array.from({ length: b.length + 1 }, (_, i) => i);
  for (let i = 1; i <= a.length; i++) {
    let prev = row[0]!;
    row[0] = i;
    for (let j = 1; j <= b.length; j++) {
      const current = row[j]!;
      row[j] = Math.min(row[j]! + 1, row[j - 1]! + 1, prev + (a[i - 1] === b[j - 1] ? 0 : 1));
      prev = current;
    }
  }
  return row[b.length]!;
}

function escapePointer(token: string): string {
  return token.replace(/~/g, '~0').replace(/\//g, '~1');
}

function list(values: readonly unknown[]): string {
  return values.map((v) => JSON.stringify(v)).join(', ');
}

export function fromAjvError(error: ErrorObject): SpecError | undefined {
  const at = error.instancePath;
  const params = error.params as Record<string, unknown>;
  if (error.propertyName !== undefined) {
    // Errors inside `propertyNames` are reported once more by the enclosing keyword; keep the specific one.
    return undefined;
  }
  switch (error.keyword) {
    case 'additionalProperties': {
      const name = String(params.additionalProperty);
      const allowed = Object.keys((error.parentSchema?.properties as object | undefined) ?? {});
      const near = closest(name, allowed);
      return {
        pointer: `${at}/${escapePointer(name)}`,
        message: 'unknown property',
        ...(allowed.length > 0 ? { expected: `one of ${allowed.join(', ')}` } : {}),
        ...(near ? { hint: `did you mean "${near}"?` } : {}),
      };
    }
    case 'required':
      return { pointer: `${at}/${escapePointer(String(params.missingProperty))}`, message: 'is required' };
    case 'enum': {
      const allowed = (params.allowedValues as unknown[]) ?? [];
      const data = error.data;
      const near =
        typeof data === 'string'
          ? closest(
              data,
              allowed.filter((v): v is string => typeof v === 'string'),
            )
          : undefined;
      return {
        pointer: at,
        message: 'is not an allowed value',
        expected: `one of ${list(allowed)}`,
        ...(near ? { hint: `did you mean "${near}"?` } : {}),
      };
    }
    case 'const':
      return { pointer: at, message: 'has the wrong value', expected: JSON.stringify(params.allowedValue) };
    case 'type':
      return { pointer: at, message: `has the wrong type`, expected: String(params.type) };
    case 'pattern':
      return {
        pointer: at,
        message: 'has an invalid format',
        expected: `a string matching ${String(params.pattern)}`,
        ...(typeof error.parentSchema?.description === 'string'
          ? { hint: error.parentSchema.description }
          : {}),
      };
    case 'propertyNames':
      return {
        pointer: `${at}/${escapePointer(String(params.propertyName))}`,
        message: 'is not a valid name',
        expected: nameExpectation(error.schema),
      };
    case 'not':
      return { pointer: at, message: 'must not be "latest"', hint: 'pin a version such as 1.2.3' };
    case 'minProperties':
    case 'maxProperties':
      if (!error.schemaPath.includes('envValue'))
        return { pointer: at, message: error.message ?? error.keyword };
      return {
        pointer: at,
        message: 'must hold exactly one key',
        expected: '{secret: {length: N}} or {from: "<addon>.<output>"}',
      };
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      return {
        pointer: at,
        message: 'is out of range',
        expected: `a number ${String(params.comparison)} ${String(params.limit)}`,
      };
    case 'minLength':
    case 'maxLength':
    case 'minItems':
    case 'maxItems':
      return { pointer: at, message: error.message ?? error.keyword };
    default:
      return { pointer: at, message: error.message ?? error.keyword, expected: JSON.stringify(params) };
  }
}

function nameExpectation(schema: unknown): string {
  const inline = (schema as { pattern?: unknown } | undefined)?.pattern;
  if (typeof inline === 'string') return `a name matching ${inline}`;
  const ref = String((schema as { $ref?: unknown } | undefined)?.$ref ?? '');
  if (ref.endsWith('/id')) return 'a lower-case id (a-z, 0-9, single -), starting with a letter';
  if (ref.endsWith('/path')) return 'an absolute path';
  return 'UPPER_SNAKE_CASE (A-Z, 0-9, _), starting with a letter';
}

export function formatSpecError(error: SpecError): string {
  const where = error.pointer === '' ? '(root)' : error.pointer;
  const parts = [`${where}: ${error.message}`];
  if (error.expected) parts.push(`expected ${error.expected}`);
  if (error.hint) parts.push(`hint: ${error.hint}`);
  return parts.join('; ');
}
