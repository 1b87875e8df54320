// Coolify's variables for a v2 app: generated secrets and resource credentials as magic `SERVICE_*` names
// (Coolify finds the generator by counting underscores, so ids hold none), installer inputs as `${ID:?}`
// placeholders, the app's URL from `SERVICE_URL_*`. Coolify generates a magic value only when an
// `environment:` entry names it, so every service records the names it uses elsewhere.
import type { GeneratedSecret, Input } from '../../model/app.js';
import type { Report } from '../shared/report.js';

export interface MagicSet {
  /** `${SERVICE_…}` of a generated secret of the spec. */
  secret(secret: GeneratedSecret): string;
  /** `${SERVICE_PASSWORD_<ID>}` / `${SERVICE_USER_<ID>}` of a bundled resource. */
  credential(resource: string, kind: 'PASSWORD' | 'USER'): string;
  input(input: Input): string;
}

/** Letters and digits only, upper case: one token for Coolify's underscore counting. */
export function magicId(text: string): string {
  return text.toUpperCase().replace(/[^A-Z0-9]/g, '');
}

/** The generator of a format and length, exact when Coolify has one, else the next longer (reported). */
function generator(s: GeneratedSecret): { type: string; length: number } | undefined {
  const options: Record<GeneratedSecret['format'], [string, number][]> = {
    hex: [
      ['HEX_32', 64],
      ['HEX_64', 128],
      ['HEX_128', 256],
    ],
    alphanumeric: [
      ['USER', 16],
      ['PASSWORD', 32],
      ['PASSWORD_64', 64],
      ['BASE64_128', 128],
    ],
    base64: [
      ['BASE64', 32],
      ['REALBASE64', 44],
      ['BASE64_64', 64],
      ['REALBASE64_64', 88],
      ['BASE64_128', 128],
    ],
    uuid: [],
  };
  const list = options[s.format];
  const found = list.find(([, n]) => n === s.length) ?? list.find(([, n]) => n > s.length);
  return found ? { type: found[0], length: found[1] } : undefined;
}

/** Whether Coolify generates the secret; the others are required variables the installer fills in. */
export function coolifyGenerates(s: GeneratedSecret): boolean {
  return generator(s) !== undefined;
}

export function createMagicSet(report: Report): MagicSet {
  const owners = new Map<string, string>();
  /** A unique `SERVICE_<TYPE>_<ID>` name for an owner, digits appended on a clash. */
  const name = (type: string, id: string, owner: string) => {
    let candidate = `SERVICE_${type}_${id}`;
    for (let n = 2; owners.has(candidate) && owners.get(candidate) !== owner; n++) {
      candidate = `SERVICE_${type}_${id}${n}`;
    }
    owners.set(candidate, owner);
    return `\${${candidate}}`;
  };
  return {
    secret(s) {
      const g = generator(s);
      if (!g) {
        report.warn(
          `secrets.${s.id}`,
          `Coolify generates no ${s.format}; the installer fills it in (required variable ${s.id})`,
        );
        return `\${${s.id}:?}`;
      }
      if (g.length !== s.length) {
        report.warn(
          `secrets.${s.id}`,
          `Coolify has no ${s.format} generator of ${s.length} characters; it generates ${g.length}`,
        );
      }
      return name(g.type, magicId(s.id), `secret ${s.id}`);
    },
    credential: (resource, kind) => name(kind, magicId(resource), `resource ${resource} ${kind}`),
    input(i) {
      if (i.default !== undefined && /[$}]/.test(i.default)) {
        report.fail(`inputs.${i.id}.default`, 'a `$` or `}` in the default would break the placeholder');
      }
      if (i.pattern) {
        report.warn(`inputs.${i.id}.pattern`, 'Coolify does not check values against a pattern');
      }
      if (i.default !== undefined) return `\${${i.id}:-${i.default}}`;
      return i.required ? `\${${i.id}:?}` : `\${${i.id}:-}`;
    },
  };
}

/** `SERVICE_URL_<NAME>`: a service name with `-` and `.` as `_` (a `-` would break interpolation). */
export function urlName(service: string): string {
  return service.toUpperCase().replace(/[-.]/g, '_');
}

/** The magic names a rendered value reads (`${SERVICE_PASSWORD_DB}` -> `SERVICE_PASSWORD_DB`). */
export function magicNames(rendered: string): string[] {
  return [...rendered.matchAll(/\$\{(SERVICE_[A-Z0-9_]+)\}/g)].map((m) => m[1] as string);
}
