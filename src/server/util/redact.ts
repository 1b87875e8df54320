// What a log line must never hold: credentials in URL query strings (tokens, API keys, signatures of ours,
// S3's and Pusher's) and in URL user-info (redis://:password@host). Used by the access log and, through
// pino's redact censor, by every `url` field any component logs.

/**
 * Query parameters that carry a credential: any name that is, or ends in, token, key, secret, signature, sig,
 * password, credential, auth or jwt (`access_token`, `api_key`, `X-Amz-Signature`, `auth_signature`, ...).
 */
const SECRET_PARAM =
  /(^|[_.-])(token|key|apikey|secret|signature|sig|password|passwd|pwd|credential|credentials|auth|authorization|jwt)$/i;

export const REDACTED = '[redacted]';

function paramName(raw: string): string {
  try {
    return decodeURIComponent(raw.replace(/\+/g, ' '));
  } catch {
    return raw;
  }
}

export function isSecretParam(name: string): boolean {
  return SECRET_PARAM.test(paramName(name));
}

/** The URL as logged: credential values replaced, so a log line never holds a link or login that still works. */
export function redactUrl(url: string): string {
  // scheme://user:password@host: keep the user, drop the password.
  const withoutLogin = url.replace(/^([a-z][\w+.-]*:\/\/[^/?#@:]*):[^/?#@]*@/i, `$1:${REDACTED}@`);
  const q = withoutLogin.indexOf('?');
  if (q < 0) return withoutLogin;
  const hash = withoutLogin.indexOf('#', q);
  const end = hash < 0 ? withoutLogin.length : hash;
  const params = withoutLogin
    .slice(q + 1, end)
    .split('&')
    .map((pair) => {
      const eq = pair.indexOf('=');
      const name = eq < 0 ? pair : pair.slice(0, eq);
      return isSecretParam(name) ? `${name}=${REDACTED}` : pair;
    });
  return `${withoutLogin.slice(0, q)}?${params.join('&')}${withoutLogin.slice(end)}`;
}
