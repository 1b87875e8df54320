// How v2 values read in a CapRover one-click template: `$$cap_` variables (installer inputs, generated
// secrets, resource credentials), `srv-captain--` host names, the app's `$$cap_root_domain` URL.
// CapRover substitutes variables as plain text in list order, so every id is checked for prefixes.
import type { App, GeneratedSecret, Input } from '../../model/app.js';
import { renderValue, type Value } from '../../model/value.js';
import type { Workload } from '../../model/workload.js';
import { type Provisioners, resolveResources } from '../shared/provisioner.js';
import type { Report } from '../shared/report.js';
import type { Override } from './app-override.js';
import type { Variant } from './instructions.js';
import type { CapVariable } from './variables.js';

export type CapService = Record<string, unknown>;

export interface CapCtx {
  app: App;
  variant: Variant;
  report: Report;
  vars: CapVariableSet;
  provisioners: Provisioners<CapCtx, Record<string, CapService>>;
  /** Host ports published so far, by owner (CapRover publishes each on every node). */
  published: Map<number, string>;
  /** Service Update Override settings per CapRover app, given in the end instructions. */
  overrides: Map<string, Override>;
  /** Extra end-instruction steps (Markdown). */
  steps: string[];
}

export const appNameVar = '$$cap_appname';
export const tagRegex = '/^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$/';

/** `my-db` -> `my_db`: resource ids in variable ids (ids never hold `_`, so this cannot collide). */
export function snake(id: string): string {
  return id.replace(/-/g, '_');
}

/** A workload CapRover serves on its own subdomain: a web workload with a public HTTP port. */
export function isWebApp(w: Workload): boolean {
  return w.role === 'web' && w.ports.some((p) => p.http && p.public);
}

/** The main web workload (`$$cap_appname`, the app's URL): the one named `web`, else the first. */
export function webOf(app: App): Workload | undefined {
  return app.workloads.find((w) => isWebApp(w) && w.name === 'web') ?? app.workloads.find(isWebApp);
}

/** The CapRover app (service key) of a workload or bundled resource. */
export function serviceName(app: App, name: string): string {
  return webOf(app)?.name === name ? appNameVar : `${appNameVar}-${name}`;
}

/** A named volume of the app: prefixed so a second install of the template gets its own data. */
export function volumeName(id: string): string {
  return `${appNameVar}-${id}`;
}

export function hostOf(app: App, name: string): string {
  return `srv-captain--${serviceName(app, name)}`;
}

export interface CapVariableSet {
  /** Registers a variable (once per id) and returns its token. */
  use(variable: CapVariable): string;
  list(): CapVariable[];
}

export function createVariableSet(): CapVariableSet {
  const byId = new Map<string, CapVariable>();
  return {
    use(variable) {
      if (!byId.has(variable.id)) byId.set(variable.id, variable);
      return variable.id;
    },
    list: () => [...byId.values()],
  };
}

/** A value a variable holds must survive being spliced raw into JSON text: no `"` and no `\`. */
const safe = '(?=[^"\\\\]*$)';

export function inputVariable(input: Input): CapVariable {
  const pattern = input.pattern ? `(?=[\\s\\S]*?(?:${input.pattern.replace(/\//g, '\\/')}))` : '';
  const body = input.required ? `^${safe}${pattern}[\\s\\S]+` : `^${safe}${pattern}`;
  return {
    id: `$$cap_${input.id}_input`,
    label: input.label,
    ...(input.default !== undefined ? { defaultValue: input.default } : {}),
    validRegex: `/${body}/`,
    description: [
      // Each part is a sentence: a description without its own full stop gets one before "Required.".
      input.description && !/[.!?:]$/.test(input.description.trimEnd())
        ? `${input.description.trimEnd()}.`
        : input.description,
      input.required ? 'Required.' : 'Optional.',
      input.secret ? 'Secret: keep it out of screenshots and tickets.' : undefined,
    ]
      .filter(Boolean)
      .join(' '),
  };
}

const hex = (n: number) => `$$cap_gen_random_hex(${n})`;

/** CapRover generates only lower-case hex; other formats get a value of their length from hex digits. */
export function secretVariable(secret: GeneratedSecret): CapVariable {
  const id = `$$cap_${secret.id}_value`;
  if (secret.format === 'uuid') {
    return {
      id,
      label: secret.id,
      defaultValue: `${hex(8)}-${hex(4)}-4${hex(3)}-8${hex(3)}-${hex(12)}`,
      validRegex: '/^[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[0-9a-fA-F]{12}$/',
      description: 'A random UUID, generated for you.',
    };
  }
  const chars = { hex: '0-9a-fA-F', alphanumeric: 'A-Za-z0-9', base64: 'A-Za-z0-9+/=' }[secret.format];
  return {
    id,
    label: secret.id,
    defaultValue: hex(secret.length),
    validRegex: `/^[${chars}]{${secret.length},}$/`,
    description: `Generated for you: ${secret.length} characters (${secret.format}).`,
  };
}

/** A generated credential of a bundled resource (letters and digits, safe inside URLs). */
export function credentialVariable(id: string, label: string, length: number): CapVariable {
  return {
    id,
    label,
    defaultValue: hex(length),
    validRegex: '/^[A-Za-z0-9]{16,}$/',
    description: 'Generated for you; letters and digits only (it is used inside connection URLs).',
  };
}

export function renderCap(v: Value, ctx: CapCtx, owner: string): string {
  const resolved = resolveResources(ctx.app, v, ctx.provisioners, ctx);
  return renderValue(resolved, {
    text: (t) => {
      if (t.includes('$$cap_')) {
        ctx.report.fail(owner, 'a literal `$$cap_` would be replaced by CapRover', 'write it another way');
      }
      return t;
    },
    resource: (ref) => {
      throw new Error(`unresolved resource reference ${ref.resource}.${ref.output}`);
    },
    app: (output) => {
      if (output === 'name') return ctx.app.name;
      if (!webOf(ctx.app)) {
        ctx.report.fail(owner, `\${app.${output}} needs a web workload with a public HTTP port`);
      }
      return output === 'url' ? `https://${appNameVar}.$$cap_root_domain` : `${appNameVar}.$$cap_root_domain`;
    },
    input: (id) => {
      const input = ctx.app.inputs.find((i) => i.id === id);
      if (!input) throw new Error(`unknown input ${id}`);
      return ctx.vars.use(inputVariable(input));
    },
    secret: (id) => {
      const secret = ctx.app.secrets.find((s) => s.id === id);
      if (!secret) throw new Error(`unknown secret ${id}`);
      if (secret.format === 'alphanumeric' || secret.format === 'base64') {
        ctx.report.warn(
          `secrets.${id}`,
          `CapRover generates hex only; the ${secret.format} secret gets ${secret.length} hex digits (4 bits each)`,
        );
      }
      return ctx.vars.use(secretVariable(secret));
    },
  });
}

/** CapRover replaces ids as plain text in list order: a prefix of a later id corrupts it. */
export function checkVariableIds(vars: CapVariable[], report: Report): void {
  const order = [appNameVar, ...vars.map((v) => v.id), '$$cap_root_domain'];
  order.forEach((id, i) => {
    for (const later of order.slice(i + 1)) {
      if (later.startsWith(id)) {
        report.fail('caprover.variables', `variable ${id} is a prefix of ${later}`, 'rename the resource');
      }
    }
  });
}
