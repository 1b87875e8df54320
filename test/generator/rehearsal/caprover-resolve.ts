// CapRover's one-click deploy, as ../shared/reference/caprover.md §1.6 describes it: random hex tokens filled
// in the template's JSON text, the form (defaults, validRegex), then plain text replacement of every variable
// id in order ($$cap_appname, the template's variables, $$cap_root_domain) and the env stored as strings.
import { randomBytes } from 'node:crypto';
import { parse as parseYaml } from 'yaml';
import type { ResolvedProject, ResolvedService } from './compose-resolve.js';

export interface CaproverDeploy {
  appName: string;
  rootDomain: string;
  /** Values typed into the form, by variable id; the others keep their default. */
  values?: Record<string, string>;
}

export interface CaproverResolved extends ResolvedProject {
  /** Every variable id with the value it was replaced by. */
  variables: Record<string, string>;
  /** What would block or break the deploy: a form value failing validRegex, text that no longer parses,
   * a `$$cap_` token left in a service (undeclared, or inside a default replaced after it): deployed literally. */
  problems: string[];
}

interface OneClickVariable {
  id: string;
  defaultValue?: string;
  validRegex?: string;
}

/** The frontend's replaceAllGenRandomForOneClickApp: each token its own lower-case hex; N > 256 gives ''. */
export function fillRandomHex(text: string): string {
  return text.replace(/\$\$cap_gen_random_hex\((\d+)\)/g, (_, n: string) => {
    const length = Number(n);
    if (length > 256) return '';
    return randomBytes(Math.ceil(length / 2))
      .toString('hex')
      .slice(0, length);
  });
}

/** validRegex as the form reads it: pattern between the first and last `/`, flags after the last. */
export function formAccepts(validRegex: string | undefined, value: string): boolean {
  if (!validRegex) return true;
  const first = validRegex.indexOf('/');
  const last = validRegex.lastIndexOf('/');
  if (first < 0 || last <= first) return false;
  return new RegExp(validRegex.slice(first + 1, last), validRegex.slice(last + 1)).test(value);
}

/** AppsDataStore stores falsy values as '' and stringifies the rest; a list gives variables named 0, 1, …. */
function storedEnv(environment: unknown): Record<string, string> {
  const env: Record<string, string> = {};
  for (const [k, v] of Object.entries((environment as Record<string, unknown>) ?? {})) {
    env[k] = v ? String(v) : '';
  }
  return env;
}

export function resolveCaprover(templateText: string, deploy: CaproverDeploy): CaproverResolved {
  const problems: string[] = [];
  const template = JSON.parse(fillRandomHex(JSON.stringify(parseYaml(templateText)))) as {
    caproverOneClickApp?: { variables?: OneClickVariable[] };
  };
  const declared = template.caproverOneClickApp?.variables ?? [];
  const ordered: [string, string][] = [['$$cap_appname', deploy.appName]];
  if (!formAccepts('/^([a-z0-9]+\\-)*[a-z0-9]+$/', deploy.appName)) {
    problems.push(`$$cap_appname: ${deploy.appName} is not a valid app name`);
  }
  for (const v of declared) {
    const value = deploy.values?.[v.id] ?? v.defaultValue ?? '';
    if (!formAccepts(v.validRegex, value))
      problems.push(`${v.id}: "${value}" fails validRegex ${v.validRegex}`);
    ordered.push([v.id, value]);
  }
  ordered.push(['$$cap_root_domain', deploy.rootDomain]);

  let text = JSON.stringify(template);
  for (const [id, value] of ordered) text = text.split(id).join(value || '');
  let replaced: { services?: Record<string, Record<string, unknown>> };
  try {
    replaced = JSON.parse(text);
  } catch (err) {
    return { services: {}, variables: Object.fromEntries(ordered), problems: [`Cannot parse: ${err}`] };
  }
  const services: Record<string, ResolvedService> = {};
  for (const [name, svc] of Object.entries(replaced.services ?? {})) {
    services[name] = {
      environment: storedEnv(svc.environment),
      ...(typeof svc.image === 'string' ? { image: svc.image } : {}),
      ...(svc.command ? { command: svc.command as string[] | string } : {}),
    };
    const leftover = JSON.stringify(svc).match(/\$\$cap_[A-Za-z0-9_]+/g);
    if (leftover) problems.push(`service ${name}: left literal ${[...new Set(leftover)].join(', ')}`);
  }
  return { services, variables: Object.fromEntries(ordered), problems };
}

/** How other apps reach a CapRover app: its network alias `srv-captain--<app>`, and its name since 1.15. */
export function caproverHosts(service: string): string[] {
  return [`srv-captain--${service}`, service];
}
