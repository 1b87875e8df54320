// The `.env` variables a compose or Swarm file reads: resource credentials, the app's URL and host, generated
// secrets and installer inputs. One registry per emit, so two owners can never share a name silently.
import type { GeneratedSecret, Input } from '../../model/app.js';
import type { Report } from './report.js';

export interface EnvEntry {
  name: string;
  /** Who needs it, for messages: `resource db`, `secret SESSION_KEY`, `input SMTP_HOST`, `app`. */
  owner: string;
  /** How the operator fills it in. */
  fill:
    | { generate: GeneratedSecret }
    | { input: Input }
    /** A setting; `optional` ones read `${NAME:-example}` and stay commented out in `.env.example`. */
    | { example: string; comment: string; optional?: boolean };
}

export interface VarRegistry {
  /** Registers a variable and returns how the file reads it (`${NAME:?…}`, `${NAME:-default}`). */
  use(entry: EnvEntry): string;
  entries(): EnvEntry[];
}

export function createVarRegistry(report: Report, where: string): VarRegistry {
  const byName = new Map<string, EnvEntry>();
  return {
    use(entry) {
      const previous = byName.get(entry.name);
      if (previous && previous.owner !== entry.owner) {
        report.fail(
          `env.${entry.name}`,
          `${entry.owner} and ${previous.owner} would both read ${entry.name} from ${where}`,
          `rename ${entry.owner.split(' ').at(-1)} in the spec`,
        );
      }
      if (!previous) byName.set(entry.name, entry);
      return reference(entry, where);
    },
    entries: () => [...byName.values()].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0)),
  };
}

function reference(entry: EnvEntry, where: string): string {
  const { fill } = entry;
  if ('example' in fill && fill.optional) return `\${${entry.name}:-${fill.example}}`;
  if ('input' in fill) {
    const input = fill.input;
    if (input.default !== undefined && !input.secret) return `\${${entry.name}:-${input.default}}`;
    if (!input.required) return `\${${entry.name}:-}`;
  }
  return `\${${entry.name}:?set ${entry.name} in ${where}}`;
}

/** Shell command that prints a value of the secret's format (for `.env.example`). */
export function secretCommand(s: GeneratedSecret): string {
  switch (s.format) {
    case 'hex':
      return s.length % 2 === 0
        ? `openssl rand -hex ${s.length / 2}`
        : `openssl rand -hex ${(s.length + 1) / 2} | cut -c1-${s.length}`;
    case 'alphanumeric':
      return `openssl rand -base64 ${s.length * 2} | tr -dc A-Za-z0-9 | head -c ${s.length}`;
    case 'base64':
      return `openssl rand -base64 ${Math.ceil((s.length * 3) / 4) + 3} | tr -d '\\n' | head -c ${s.length}`;
    case 'uuid':
      return 'cat /proc/sys/kernel/random/uuid';
  }
}

/** The `.env.example` body: generated secrets first with their commands, then inputs, then settings. */
export function envExampleLines(entries: EnvEntry[]): string[] {
  const lines: string[] = [];
  const generated = entries.filter((e) => 'generate' in e.fill);
  if (generated.length > 0) {
    lines.push('# Generated secrets: create each once and never commit them. All at once (bash):');
    lines.push(
      `#   { ${generated.map((e) => `echo "${e.name}=$(${secretCommand((e.fill as { generate: GeneratedSecret }).generate)})"`).join('; ')}; } >> .env`,
    );
    for (const e of generated) {
      const s = (e.fill as { generate: GeneratedSecret }).generate;
      lines.push(`# ${e.owner}: ${s.format}, ${s.length} characters: ${secretCommand(s)}`, `${e.name}=`);
    }
  }
  const inputs = entries.filter((e) => 'input' in e.fill);
  if (inputs.length > 0) {
    lines.push('', '# Values to fill in');
    for (const e of inputs) {
      const i = (e.fill as { input: Input }).input;
      const facts = [
        i.required && i.default === undefined ? 'required' : 'optional',
        ...(i.secret ? ['secret'] : []),
        ...(i.pattern ? [`must match /${i.pattern}/`] : []),
      ];
      lines.push(`# ${i.label} (${facts.join(', ')})${i.description ? `: ${i.description}` : ''}`);
      lines.push(i.default !== undefined && !i.secret ? `# ${e.name}=${i.default}` : `${e.name}=`);
    }
  }
  const settings = entries.filter((e) => 'example' in e.fill);
  if (settings.length > 0) {
    lines.push('', '# Settings');
    for (const e of settings) {
      const f = e.fill as { example: string; comment: string; optional?: boolean };
      lines.push(
        `# ${f.comment}${f.optional ? ' (optional)' : ''}`,
        `${f.optional ? '# ' : ''}${e.name}=${f.example}`,
      );
    }
  }
  return lines;
}
