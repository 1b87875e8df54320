// Dokploy's template metadata: `blueprints/<id>/meta.json` (the fields its templates CI requires) and the root
// `meta.json` a Dokploy instance fetches from a custom template base URL, which lists every template. The
// root list is merged with the one on disk, so several apps generated into one folder all stay listed.
import type { App } from '../../model/app.js';
import { webWorkload } from '../../model/app.js';
import { renderJson } from '../../render/text.js';
import type { GeneratedFile } from '../target.js';

export interface DokployMeta {
  id: string;
  name: string;
  version: string;
  description: string;
  logo: string;
  links: { github: string; website: string; docs: string };
  tags: string[];
}

export const indexPath = 'meta.json';

export function metaOf(app: App, logo: string): DokployMeta {
  const image = (webWorkload(app) ?? app.workloads.find((w) => w.image))?.image;
  const github = app.repository ? `https://github.com/${app.repository}` : '';
  return {
    id: app.name,
    name: app.displayName,
    version: image?.tag ?? 'latest',
    description: app.description,
    logo,
    links: { github, website: app.documentation ?? github, docs: app.documentation ?? github },
    tags: app.tags.length > 0 ? app.tags : [app.category],
  };
}

/** Entries sorted by id, ours replacing any of the same id; an unreadable list is replaced. */
export function mergeIndex(existing: string, ours: DokployMeta[]): string {
  let previous: unknown[] = [];
  try {
    const parsed: unknown = JSON.parse(existing);
    if (Array.isArray(parsed)) previous = parsed;
  } catch {
    previous = [];
  }
  const ids = new Set(ours.map((m) => m.id));
  const kept = previous.filter(
    (m): m is { id: string } =>
      typeof m === 'object' &&
      m !== null &&
      typeof (m as { id?: unknown }).id === 'string' &&
      !ids.has((m as { id: string }).id),
  );
  const all = [...kept, ...ours].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  return renderJson(all);
}

export function indexFile(ours: DokployMeta[]): GeneratedFile {
  const file: GeneratedFile = { path: indexPath, content: renderJson(ours) };
  // Not enumerable: two generations of the same spec stay deep-equal.
  Object.defineProperty(file, 'merge', {
    value: (existing: string) => mergeIndex(existing, ours),
    enumerable: false,
  });
  return file;
}
