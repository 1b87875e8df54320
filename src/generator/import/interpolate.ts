// Compose variable interpolation (`${VAR}`, `${VAR:-default}`, `${VAR:?message}`, `$VAR`, `$$`) as pieces, so
// the importer can keep defaults, turn required variables into installer inputs and see which variable a value
// came from. Follows the compose specification's rules; no environment is read.

export interface VariablePiece {
  variable: string;
  /** The default after `:-` or `-` (itself interpolated with defaults); undefined when none is given. */
  default?: string;
  /** The message after `:?` or `?`: the variable is required. */
  required?: string;
}

export type Piece = { text: string } | VariablePiece;

const name = /^[A-Za-z_][A-Za-z0-9_]*/;

/** Splits a compose string into literal text and variable references. */
export function pieces(value: string): Piece[] {
  const out: Piece[] = [];
  let text = '';
  const flush = () => {
    if (text !== '') out.push({ text });
    text = '';
  };
  for (let i = 0; i < value.length; i++) {
    const c = value[i] as string;
    if (c !== '$') {
      text += c;
      continue;
    }
    const next = value[i + 1];
    if (next === '$') {
      text += '$';
      i++;
    } else if (next === '{') {
      const end = closingBrace(value, i + 2);
      if (end < 0) {
        text += value.slice(i);
        break;
      }
      flush();
      out.push(braced(value.slice(i + 2, end)));
      i = end;
    } else {
      const m = name.exec(value.slice(i + 1));
      if (!m) {
        text += c;
        continue;
      }
      flush();
      out.push({ variable: m[0] });
      i += m[0].length;
    }
  }
  flush();
  return out;
}

function closingBrace(value: string, from: number): number {
  let depth = 1;
  for (let i = from; i < value.length; i++) {
    if (value[i] === '{') depth++;
    else if (value[i] === '}' && --depth === 0) return i;
  }
  return -1;
}

function braced(inner: string): VariablePiece {
  const m = name.exec(inner);
  const variable = m?.[0] ?? inner;
  const rest = inner.slice(variable.length);
  const op = /^(:?[-?+])/.exec(rest)?.[1];
  if (!op) return { variable };
  const arg = rest.slice(op.length);
  if (op.endsWith('?')) return { variable, required: arg || `${variable} is required` };
  // `${VAR:+alt}` gives alt only when VAR is set; without an environment it is empty.
  if (op.endsWith('+')) return { variable, default: '' };
  return { variable, default: withDefaults(arg) };
}

export function isVariable(p: Piece): p is VariablePiece {
  return 'variable' in p;
}

/** The string as compose would see it with no variable set: defaults in, everything else empty. */
export function withDefaults(value: string): string {
  return pieces(value)
    .map((p) => (isVariable(p) ? (p.default ?? '') : p.text))
    .join('');
}

/** The one variable a whole value consists of (`${X:-y}`), if it is exactly one reference. */
export function soleVariable(value: string): VariablePiece | undefined {
  const ps = pieces(value);
  return ps.length === 1 && isVariable(ps[0] as Piece) ? (ps[0] as VariablePiece) : undefined;
}

/** Variables without a default, which compose would fill from the environment or refuse. */
export function unsetVariables(value: string): VariablePiece[] {
  return pieces(value)
    .filter(isVariable)
    .filter((p) => p.default === undefined);
}

/** Literal text in a spec string: only `${` is special there (`$${` writes it). */
export const escapeText = (s: string) => s.replaceAll('${', '$${');
