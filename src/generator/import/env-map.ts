// Maps one compose value onto the spec: connection details of a resource become `${resources.<id>.<output>}`,
// a localhost URL of the web service `${app.url}`, secret-looking values generated secrets or secret inputs,
// `${VAR:-default}` its default, and a variable without a default an installer input.
import type { EnvSpecValueV2, InputSpec, SecretSpec } from '../spec/types-v2.js';
import type { Findings } from './findings.js';
import {
  escapeText,
  isVariable,
  pieces,
  soleVariable,
  type VariablePiece,
  withDefaults,
} from './interpolate.js';
import { resourceValue } from './resource-values.js';
import type { ResourceInfo } from './resources.js';

export interface ValueContext {
  resources: ResourceInfo[];
  findings: Findings;
  inputs: Record<string, InputSpec>;
  secrets: Record<string, SecretSpec>;
  /** Host ports of the services that become web workloads, for `http://localhost:<port>` URLs. */
  webPorts: number[];
  appName: string;
}

const secretName = /(PASSWORD|PASSWD|_PASS$|^PASS$|SECRET|TOKEN|SALT|_KEY$|^KEY$|PRIVATE|CREDENTIAL|COOKIE)/;
const notSecret = /(KEY_ID$|PUBLIC_KEY$|_PUBLIC$|_FILE$|_PATH$|_ENABLED$)/;
const outsideCredential =
  /(SMTP|EMAIL|MAIL|LDAP|OIDC|OAUTH|CLIENT_SECRET|GOOGLE|GITHUB|MICROSOFT|STRIPE|SENTRY|OPENAI|API_KEY|AWS_|TWILIO|SLACK)/;

export function envId(name: string): string {
  const id = name
    .toUpperCase()
    .replace(/[^A-Z0-9_]/g, '_')
    .replace(/^[^A-Z]+/, '');
  return id || 'VALUE';
}

const acronyms = /^(smtp|url|uri|s3|api|id|db|tls|ssl|oidc|http|https|dns|ip|tz|jwt|ldap|aws|sso)$/;

function label(id: string): string {
  const words = id
    .toLowerCase()
    .split('_')
    .filter(Boolean)
    .map((w) => (acronyms.test(w) ? w.toUpperCase() : w))
    .join(' ');
  return (words.charAt(0).toUpperCase() + words.slice(1)).slice(0, 80) || id;
}

/** The value of env `name` in the spec. */
export function mapEnvValue(
  name: string,
  raw: string | undefined,
  where: string,
  ctx: ValueContext,
): EnvSpecValueV2 {
  if (raw === undefined) {
    return `\${inputs.${input(ctx, { variable: name, required: `${name} came from the host environment` })}}`;
  }
  const upper = name.toUpperCase();
  const resource = resourceValue(upper, raw, ctx);
  if (resource !== undefined) return resource;
  const resolved = withDefaults(raw);
  const sole = soleVariable(raw);
  const app = appUrl(resolved, ctx) ?? publicUrl(upper, raw, resolved, where, ctx);
  if (app !== undefined) return app;
  if (secretName.test(upper) && !notSecret.test(upper) && !/^(\/|true$|false$|\d{1,10}$)/.test(resolved)) {
    return secretValue(upper, raw, resolved, sole, where, ctx);
  }
  if (sole && sole.default === '') {
    return `\${inputs.${input(ctx, sole, false)}}`;
  }
  const unset = pieces(raw)
    .filter(isVariable)
    .filter((p) => p.default === undefined);
  if (unset.length > 0 && !sole) {
    // Text around a value the installer gives: the installer gives the whole value, which every target can set
    // (some set an input only as a whole).
    const description = `In the compose file: ${raw}`.slice(0, 399);
    return `\${inputs.${input(ctx, { variable: name, required: description })}}`;
  }
  return interpolated(raw, ctx);
}

/** A compose string as a spec string: defaults kept, variables without one asked of the installer. */
export function interpolated(raw: string, ctx: ValueContext): string {
  return pieces(raw)
    .map((p) => {
      if (!isVariable(p)) return escapeText(p.text);
      if (p.default !== undefined) return escapeText(p.default);
      return `\${inputs.${input(ctx, p)}}`;
    })
    .join('');
}

/** A compose `:?` message as an input description: capitalised, one full stop. */
const sentence = (text: string) =>
  `${text.charAt(0).toUpperCase()}${text.slice(1, 398)}`.replace(/\.?$/, '.');

function input(ctx: ValueContext, v: VariablePiece, required = true, secret = false): string {
  const id = envId(v.variable);
  const previous = ctx.inputs[id];
  ctx.inputs[id] = {
    label: previous?.label ?? label(id),
    ...(v.required && !/ is required$/.test(v.required)
      ? { description: sentence(v.required) }
      : previous?.description
        ? { description: previous.description }
        : {}),
    ...((previous?.required ?? false) || required ? {} : { required: false }),
    ...(secret || previous?.secret ? { secret: true } : {}),
  };
  return id;
}

function secretValue(
  name: string,
  raw: string,
  resolved: string,
  sole: VariablePiece | undefined,
  where: string,
  ctx: ValueContext,
): EnvSpecValueV2 {
  if (sole && sole.default === '') return `\${inputs.${input(ctx, sole, false, true)}}`;
  const fromOutside = outsideCredential.test(name) && (resolved === '' || sole?.default === undefined);
  if (fromOutside || (sole === undefined && resolved !== raw && pieces(raw).some(isVariable))) {
    if (sole) return `\${inputs.${input(ctx, sole, true, true)}}`;
    if (!pieces(raw).some(isVariable)) {
      // A credential of an outside service written into the file: the installer gives it instead.
      ctx.findings.change(where, 'its literal value becomes a secret installer input');
      return `\${inputs.${input(ctx, { variable: name }, true, true)}}`;
    }
    return interpolated(raw, ctx);
  }
  const id = envId(sole?.variable ?? name);
  const hex = /^[0-9a-fA-F]+$/.test(resolved) && resolved.length >= 16;
  const length = hex ? Math.min(128, resolved.length) : 64;
  if (!ctx.secrets[id]) {
    ctx.secrets[id] = { format: 'hex', length };
    ctx.findings.change(
      where,
      resolved
        ? 'its literal value becomes a secret each target generates'
        : `\${${sole?.variable}} becomes a secret each target generates`,
    );
  }
  return `\${secrets.${id}}`;
}

function appUrl(resolved: string, ctx: ValueContext): string | undefined {
  const m = /^https?:\/\/(localhost|127\.0\.0\.1)(?::(\d+))?(\/[^\s]*)?$/.exec(resolved);
  if (!m || ctx.webPorts.length === 0) return undefined;
  if (m[2] !== undefined && !ctx.webPorts.includes(Number(m[2]))) return undefined;
  const path = m[3] && m[3] !== '/' ? m[3] : '';
  return `\${app.url}${escapeText(path)}`;
}

// The app's own public URL under a name apps commonly read it from (`PUBLIC_URL`, `<APP>_URL`), left for the
// operator to set: a variable, or `${SCHEME}://${DOMAIN}` built from two.
const urlNames = /^((APP|SERVER|PUBLIC|BASE|SITE|ROOT|EXTERNAL|WEB|FRONTEND)_URL|URL|NEXTAUTH_URL)$/;

function publicUrl(name: string, raw: string, resolved: string, where: string, ctx: ValueContext) {
  if (ctx.webPorts.length === 0) return undefined;
  if (!urlNames.test(name) && name !== `${envId(ctx.appName)}_URL`) return undefined;
  const vars = pieces(raw).filter(isVariable);
  if (vars.length === 0 || (resolved !== '' && resolved !== '://')) return undefined;
  const names = vars.map((v) => `\${${v.variable}}`).join(' and ');
  ctx.findings.change(where, `${names}: the app's public URL, \${app.url}, which each target knows`);
  return `\${app.url}`;
}
