// A small TOML writer for the shapes generated files need: tables of strings, numbers and booleans, and arrays
// of such tables (`[[config.domains]]`). Multi-line text becomes a literal string ('''…''') when it can be one,
// so config files stay readable; anything else is a basic string with TOML's escapes.

export type TomlScalar = string | number | boolean;
export type TomlTable = { [key: string]: TomlScalar | TomlTable | TomlTable[] };

const bareKey = /^[A-Za-z0-9_-]+$/;

export function tomlKey(key: string): string {
  return bareKey.test(key) ? key : basicString(key);
}

/** A basic string: `"`, `\` and control characters escaped (TOML 1.0 §String). */
function basicString(s: string): string {
  let out = '"';
  for (const ch of s) {
    const code = ch.codePointAt(0) as number;
    if (ch === '"') out += '\\"';
    else if (ch === '\\') out += '\\\\';
    else if (ch === '\n') out += '\\n';
    else if (ch === '\t') out += '\\t';
    else if (ch === '\r') out += '\\r';
    else if (code < 0x20 || code === 0x7f) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += ch;
  }
  return `${out}"`;
}

/** Multi-line literal strings take everything but `'''` and control characters other than tab and newline. */
function literalOk(s: string): boolean {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: the control characters TOML forbids in literals
  return !s.includes("'''") && !/[\u0000-\u0008\u000b-\u001f\u007f\r]/.test(s) && !s.endsWith("'");
}

export function tomlString(s: string): string {
  // The newline right after the opening delimiter is trimmed by TOML, so the content starts on its own line.
  if (s.includes('\n') && literalOk(s)) return `'''\n${s}'''`;
  return basicString(s);
}

function scalar(v: TomlScalar): string {
  if (typeof v === 'string') return tomlString(v);
  if (typeof v === 'number') {
    if (!Number.isFinite(v)) throw new Error(`TOML cannot hold ${v}`);
    return String(v);
  }
  return v ? 'true' : 'false';
}

const isTableArray = (v: unknown): v is TomlTable[] =>
  Array.isArray(v) && v.every((x) => typeof x === 'object' && x !== null && !Array.isArray(x));

function section(path: string[], table: TomlTable, header: string | undefined, out: string[]): void {
  const scalars = Object.entries(table).filter(
    ([, v]) => typeof v !== 'object' || (Array.isArray(v) && !isTableArray(v)),
  );
  if (header !== undefined) {
    if (out.length > 0) out.push('');
    out.push(header);
  }
  for (const [k, v] of scalars) out.push(`${tomlKey(k)} = ${scalar(v as TomlScalar)}`);
  for (const [k, v] of Object.entries(table)) {
    if (typeof v !== 'object') continue;
    const sub = [...path, k];
    const name = sub.map(tomlKey).join('.');
    if (isTableArray(v)) {
      for (const item of v) section(sub, item, `[[${name}]]`, out);
    } else if (!Array.isArray(v)) {
      section(sub, v, `[${name}]`, out);
    }
  }
}

/** The document; key order is kept as given. Arrays must be arrays of tables. */
export function renderToml(doc: TomlTable, header: string[] = []): string {
  const out: string[] = [];
  section([], doc, undefined, out);
  const body = out.join('\n');
  const comments = header.map((l) => (l === '' ? '#' : `# ${l}`));
  return `${[...comments, ...(comments.length > 0 ? [''] : []), body].join('\n')}\n`;
}
