// The `[variables]` and `[config.env]` of a Dokploy template: every `.env` variable the compose file reads gets
// a template variable (generated secrets through Dokploy's helpers, inputs with their default, the app's URL
// from the generated domain) and an env entry that hands it to compose.
import type { GeneratedSecret } from '../../model/app.js';
import type { EnvEntry } from '../shared/compose-vars.js';
import type { Report } from '../shared/report.js';

/** Helper names Dokploy resolves in `${…}` before variables; a variable must not shadow one. */
export const dokployHelpers = [
  'domain',
  'base64',
  'password',
  'hash',
  'uuid',
  'randomPort',
  'timestamp',
  'timestampms',
  'timestamps',
  'jwt',
  'email',
  'username',
] as const;

export const mainDomain = 'main_domain';

export function variableName(envName: string): string {
  const name = envName.toLowerCase();
  return (dokployHelpers as readonly string[]).includes(name) || name === mainDomain ? `${name}_value` : name;
}

/**
 * Dokploy's helpers: `hash:n` is n hex characters, `password:n` n lower-case letters and digits, `base64:n`
 * the base64 of n random bytes, `uuid` a UUID. A base64 secret whose length no byte count gives is reported.
 */
export function secretHelper(s: GeneratedSecret, owner: string, report: Report): string {
  switch (s.format) {
    case 'hex':
      return `\${hash:${s.length}}`;
    case 'alphanumeric':
      return `\${password:${s.length}}`;
    case 'uuid':
      return '${uuid}';
    case 'base64': {
      const bytes = Math.max(1, Math.floor((s.length * 3) / 4));
      const chars = 4 * Math.ceil(bytes / 3);
      if (chars !== s.length) {
        report.warn(
          owner,
          `Dokploy's base64 helper encodes whole bytes: the value has ${chars} characters, not ${s.length}`,
        );
      }
      return `\${base64:${bytes}}`;
    }
  }
}

export interface TemplateVars {
  variables: Record<string, string>;
  env: Record<string, string>;
}

/**
 * Variables in dependency order (domains first, which the URL settings read), then the env table.
 * `settings` gives the value of a setting (APP_URL, a bucket's public endpoint) in Dokploy terms.
 */
export function templateVars(
  entries: EnvEntry[],
  domains: Record<string, string>,
  settings: Record<string, string>,
  report: Report,
): TemplateVars {
  const variables: Record<string, string> = {};
  for (const [name] of Object.entries(domains)) variables[name] = '${domain}';
  const env: Record<string, string> = {};
  for (const e of entries) {
    const name = variableName(e.name);
    const fill = e.fill;
    if ('generate' in fill) variables[name] = secretHelper(fill.generate, `env.${e.name}`, report);
    else if ('input' in fill) {
      const i = fill.input;
      variables[name] = i.default ?? '';
      if (i.required && i.default === undefined) {
        report.warn(
          `inputs.${i.id}`,
          `Dokploy has no install form: set ${e.name} under the service's Environment before the first deploy (until then the deploy stops with "set ${e.name} …")`,
        );
      }
      if (i.pattern) report.warn(`inputs.${i.id}.pattern`, 'Dokploy does not check values against a pattern');
    } else variables[name] = settings[e.name] ?? fill.example;
    env[e.name] = `\${${name}}`;
  }
  return { variables, env };
}
