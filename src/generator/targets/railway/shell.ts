// POSIX shell quoting of argument vectors, for platforms that take a command as one string and split it
// into words (Railway's start and pre-deploy commands) and for `sh -c` scripts (CapRover's release step).

const plain = /^[A-Za-z0-9_@%+=:,./-]+$/;

/** One word as the shell (or a shell-words splitter) reads it back unchanged. */
export function quoteWord(word: string): string {
  if (plain.test(word)) return word;
  return `'${word.replace(/'/g, `'\\''`)}'`;
}

/** An argument vector as one command line that splits back into exactly these words. */
export function quoteCommand(argv: readonly string[]): string {
  return argv.map(quoteWord).join(' ');
}

/**
 * Splits a command line the way POSIX shells split words (quotes and backslashes, no expansion); the
 * inverse of quoteCommand, used to check what a platform will run.
 */
export function splitWords(line: string): string[] {
  const words: string[] = [];
  let word: string | undefined;
  let quote: '"' | "'" | undefined;
  for (let i = 0; i < line.length; i++) {
    const c = line[i] as string;
    if (quote === "'") {
      if (c === "'") quote = undefined;
      else word = (word ?? '') + c;
    } else if (quote === '"') {
      if (c === '"') quote = undefined;
      else if (c === '\\' && /["\\$`]/.test(line[i + 1] ?? '')) word = (word ?? '') + (line[++i] ?? '');
      else word = (word ?? '') + c;
    } else if (c === "'" || c === '"') {
      quote = c;
      word ??= '';
    } else if (c === '\\') {
      word = (word ?? '') + (line[++i] ?? '');
    } else if (/\s/.test(c)) {
      if (word !== undefined) words.push(word);
      word = undefined;
    } else {
      word = (word ?? '') + c;
    }
  }
  if (quote) throw new Error(`unterminated ${quote} in ${line}`);
  if (word !== undefined) words.push(word);
  return words;
}
