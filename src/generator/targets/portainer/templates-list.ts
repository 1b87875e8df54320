// Portainer's app templates file (format version 3): the list an operator adds under Settings > App Templates
// URL. It is merged with the list on disk, so several apps generated into one folder all stay listed; ids are
// numbered by title order, as the format wants a unique integer per template.
import { renderJson } from '../../render/text.js';
import type { GeneratedFile } from '../target.js';

export interface PortainerEnv {
  name: string;
  label: string;
  description?: string;
  default?: string;
  preset?: boolean;
  select?: { text: string; value: string; default?: boolean }[];
}

export interface PortainerTemplate {
  id?: number;
  /** 2: Swarm stack (`docker stack deploy`); 3: Compose stack (`docker compose`). */
  type: 2 | 3;
  name: string;
  title: string;
  description: string;
  note?: string;
  categories: string[];
  platform: 'linux';
  logo?: string;
  repository: { url: string; stackfile: string };
  env: PortainerEnv[];
}

export const listPath = 'templates/portainer/templates.json';

function numbered(templates: { name?: unknown }[]): object[] {
  return [...templates]
    .sort((a, b) => (String(a.name) < String(b.name) ? -1 : String(a.name) > String(b.name) ? 1 : 0))
    .map((t, i) => ({ ...t, id: i + 1 }));
}

/** Templates by name, ours replacing any of the same name; an unreadable file is replaced. */
export function mergeList(existing: string, ours: PortainerTemplate[]): string {
  let previous: unknown[] = [];
  try {
    const parsed = JSON.parse(existing) as { templates?: unknown };
    if (Array.isArray(parsed.templates)) previous = parsed.templates;
  } catch {
    previous = [];
  }
  const names = new Set(ours.map((t) => t.name));
  const kept = previous.filter(
    (t): t is { name: string } =>
      typeof t === 'object' &&
      t !== null &&
      typeof (t as { name?: unknown }).name === 'string' &&
      !names.has((t as { name: string }).name),
  );
  return renderJson({ version: '3', templates: numbered([...kept, ...ours]) });
}

export function listFile(ours: PortainerTemplate[]): GeneratedFile {
  const file: GeneratedFile = {
    path: listPath,
    content: renderJson({ version: '3', templates: numbered(ours) }),
  };
  // Not enumerable: two generations of the same spec stay deep-equal.
  Object.defineProperty(file, 'merge', {
    value: (existing: string) => mergeList(existing, ours),
    enumerable: false,
  });
  return file;
}
