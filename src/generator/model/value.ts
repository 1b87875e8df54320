// Values of the v2 model: a list of literal and reference parts that each target renders in its own syntax
// (compose `${VAR}` with `$` escaped as `$$`, CapRover `$$cap_x`, Coolify `SERVICE_*`, Railway references).

/** Outputs of the app itself: `${app.url}` (scheme and host), `${app.host}` (host only), `${app.name}`. */
export type AppOutput = 'url' | 'host' | 'name';
export const appOutputNames: readonly AppOutput[] = ['url', 'host', 'name'];

/** How a resource URL is written for one use: `postgresql://` for SQLAlchemy, `?sslmode=require`, … */
export interface UrlForm {
  scheme?: string;
  /** Query parameters appended to the URL, sorted by name. */
  query?: [string, string][];
}

export type ValuePart =
  /** Literal text; the target escapes it for its own syntax. */
  | { kind: 'text'; text: string }
  /** `${resources.<id>.<output>}`; `url` is only set on `url` outputs. */
  | { kind: 'resource'; resource: string; output: string; url?: UrlForm }
  /** `${app.url}`, `${app.host}`, `${app.name}`. */
  | { kind: 'app'; output: AppOutput }
  /** `${inputs.<ID>}`: a value the installer fills in at install time. */
  | { kind: 'input'; input: string }
  /** `${secrets.<id>}`: a value the platform generates once at install time (see GeneratedSecret). */
  | { kind: 'secret'; secret: string }
  /**
   * Already in the target's own syntax (e.g. `${DB_PASSWORD:?…}` or `$$cap_db_password`); never escaped.
   * Only provisioners inside a target produce it; normalized models never contain it.
   */
  | { kind: 'raw'; text: string };

/** An ordered list of parts; adjacent text parts are merged by `value()`. */
export type Value = readonly ValuePart[];

export function text(t: string): Value {
  return t === '' ? [] : [{ kind: 'text', text: t }];
}

/** Builds a value from parts, merging adjacent text and dropping empty text. */
export function value(...parts: (ValuePart | Value)[]): Value {
  const out: ValuePart[] = [];
  for (const p of parts.flatMap((x) => (Array.isArray(x) ? (x as ValuePart[]) : [x as ValuePart]))) {
    const last = out.at(-1);
    if (p.kind === 'text' && p.text === '') continue;
    if (p.kind === 'text' && last?.kind === 'text')
      out[out.length - 1] = { kind: 'text', text: last.text + p.text };
    else out.push(p);
  }
  return out;
}

/** The literal text when the value has no references. */
export function literalOf(v: Value): string | undefined {
  return v.every((p) => p.kind === 'text') ? v.map((p) => (p as { text: string }).text).join('') : undefined;
}

/** How a target writes each kind of part; `renderValue` concatenates them. */
export interface ValueSyntax {
  text(text: string): string;
  resource(ref: Extract<ValuePart, { kind: 'resource' }>): string;
  app(output: AppOutput): string;
  input(id: string): string;
  secret(id: string): string;
  /** Default: the text as is. */
  raw?(text: string): string;
}

export function renderValue(v: Value, syntax: ValueSyntax): string {
  return v.map((p) => renderPart(p, syntax)).join('');
}

function renderPart(p: ValuePart, syntax: ValueSyntax): string {
  switch (p.kind) {
    case 'text':
      return syntax.text(p.text);
    case 'resource':
      return syntax.resource(p);
    case 'app':
      return syntax.app(p.output);
    case 'input':
      return syntax.input(p.input);
    case 'secret':
      return syntax.secret(p.secret);
    case 'raw':
      return syntax.raw ? syntax.raw(p.text) : p.text;
  }
}

/** Replaces every resource reference through `resolve` (a target's provisioners), keeping the rest. */
export function mapResources(
  v: Value,
  resolve: (ref: Extract<ValuePart, { kind: 'resource' }>) => Value,
): Value {
  return value(...v.map((p) => (p.kind === 'resource' ? resolve(p) : p)));
}

/** Every reference of one kind inside a value. */
export function refsOf<K extends ValuePart['kind']>(v: Value, kind: K): Extract<ValuePart, { kind: K }>[] {
  return v.filter((p): p is Extract<ValuePart, { kind: K }> => p.kind === kind);
}
