// Channel names and the patterns that grant access to them. A pattern is a channel name, optionally ending
// in `*` to match every name with that prefix; `*` alone matches every channel.

/** 1-128 characters: letters, digits and `_ - . : @`, starting with a letter or digit. */
export const CHANNEL_NAME = /^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}$/;
export const CHANNEL_NAME_RULE =
  '1-128 characters of letters, digits and _ - . : @, starting with a letter or digit';

export function isValidChannel(name: string): boolean {
  return CHANNEL_NAME.test(name);
}

export function isValidPattern(pattern: string): boolean {
  if (pattern === '*') return true;
  const base = pattern.endsWith('*') ? pattern.slice(0, -1) : pattern;
  return base.length > 0 && /^[A-Za-z0-9][A-Za-z0-9_.:@-]{0,127}$/.test(base);
}

export function matchesAny(patterns: readonly string[], channel: string): boolean {
  return patterns.some((p) => (p.endsWith('*') ? channel.startsWith(p.slice(0, -1)) : p === channel));
}
