// Minimal argv parser for the generator commands: positionals, boolean flags and repeatable valued options.
import { closest } from '../spec/errors.js';

export interface ParsedArgs {
  positionals: string[];
  flags: Set<string>;
  options: Map<string, string[]>;
}

export interface ArgSpec {
  flags: string[];
  options: string[];
  aliases?: Record<string, string>;
}

export class UsageError extends Error {}

export function parseArgs(argv: string[], spec: ArgSpec): ParsedArgs {
  const parsed: ParsedArgs = { positionals: [], flags: new Set(), options: new Map() };
  const known = [...spec.flags, ...spec.options].map((n) => `--${n}`);
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (!arg.startsWith('-') || arg === '-') {
      parsed.positionals.push(arg);
      continue;
    }
    const [rawName, inline] = arg.includes('=')
      ? [arg.slice(0, arg.indexOf('=')), arg.slice(arg.indexOf('=') + 1)]
      : [arg, undefined];
    const name = (spec.aliases?.[rawName] ?? rawName).replace(/^--?/, '');
    if (spec.flags.includes(name)) {
      if (inline !== undefined) throw new UsageError(`--${name} takes no value`);
      parsed.flags.add(name);
    } else if (spec.options.includes(name)) {
      const value = inline ?? argv[++i];
      if (value === undefined || value === '') throw new UsageError(`--${name} needs a value`);
      parsed.options.set(name, [...(parsed.options.get(name) ?? []), ...value.split(',')]);
    } else {
      const near = closest(rawName, known);
      throw new UsageError(`unknown option ${rawName}${near ? ` (did you mean ${near}?)` : ''}`);
    }
  }
  return parsed;
}
