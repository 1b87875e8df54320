// Connection URLs built from value parts, in the form one use asks for (scheme, query parameters).
import { type UrlForm, type Value, value } from './value.js';

export interface UrlParts {
  scheme: string;
  username?: Value;
  password?: Value;
  host: Value;
  port: Value;
  /** Without the leading slash. */
  path?: Value;
}

/** Default URL scheme per resource type; `postgresql://` works with libpq, node-pg and SQLAlchemy alike. */
export const defaultSchemes = { postgres: 'postgresql', redis: 'redis', amqp: 'amqp' } as const;

const t = (text: string): Value => (text === '' ? [] : [{ kind: 'text', text }]);

/** Composes a connection URL from its parts, with the scheme and query of a reference's UrlForm. */
export function composeUrl(parts: UrlParts, form: UrlForm | undefined): Value {
  const auth =
    parts.username || parts.password
      ? value(parts.username ?? [], parts.password ? value(t(':'), parts.password) : [], t('@'))
      : [];
  const query = form?.query?.length
    ? `?${form.query.map(([k, v]) => `${encodeURIComponent(k)}=${encodeURIComponent(v)}`).join('&')}`
    : '';
  return value(
    t(`${form?.scheme ?? parts.scheme}://`),
    auth,
    parts.host,
    t(':'),
    parts.port,
    parts.path ? value(t('/'), parts.path) : [],
    t(query),
  );
}
