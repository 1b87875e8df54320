// The hostable one-click repository's `v4/list`: the apps of this spec, merged with the apps already listed
// in the output folder, so several apps generated into one repository all stay listed.
import { generatedNotice, renderJson, renderYaml } from '../../render/text.js';
import type { GeneratedFile } from '../target.js';

export interface ListedApp {
  name: string;
  displayName: unknown;
  description: unknown;
  isOfficial: false;
  logoUrl: string;
}

export const listPath = (root: string) => `${root}/repository/v4/list`;

/** Entries sorted by name, ours replacing any of the same name; an unreadable list is replaced. */
export function mergeList(existing: string, ours: ListedApp[]): string {
  let previous: unknown[] = [];
  try {
    const parsed = JSON.parse(existing) as { oneClickApps?: unknown };
    if (Array.isArray(parsed.oneClickApps)) previous = parsed.oneClickApps;
  } catch {
    previous = [];
  }
  const names = new Set(ours.map((a) => a.name));
  const kept = previous.filter(
    (a): a is { name: string } =>
      typeof a === 'object' &&
      a !== null &&
      typeof (a as { name?: unknown }).name === 'string' &&
      !names.has((a as { name: string }).name),
  );
  const all = [...kept, ...ours].sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return renderJson({ oneClickApps: all });
}

export function listFile(root: string, ours: ListedApp[]): GeneratedFile {
  const file: GeneratedFile = { path: listPath(root), content: renderJson({ oneClickApps: ours }) };
  // Not enumerable: two generations of the same spec stay deep-equal.
  Object.defineProperty(file, 'merge', {
    value: (existing: string) => mergeList(existing, ours),
    enumerable: false,
  });
  return file;
}

/** One template in both forms the repository serves (YAML for humans, JSON for CapRover), its logo, and its
 * entry for the list. */
export function publishedApp(
  root: string,
  appName: string,
  doc: Record<string, unknown>,
  specPath: string,
  logo: GeneratedFile['content'],
): { files: GeneratedFile[]; listed: ListedApp } {
  const meta = doc.caproverOneClickApp as Record<string, unknown>;
  return {
    files: [
      {
        path: `${root}/public/v4/apps/${appName}.yml`,
        content: renderYaml(doc, { indent: 4, header: [generatedNotice(specPath)] }),
      },
      { path: `${root}/public/v4/logos/${appName}.png`, content: logo },
      { path: `${root}/repository/v4/apps/${appName}`, content: renderJson(doc) },
      { path: `${root}/repository/v4/logos/${appName}.png`, content: logo },
    ],
    listed: {
      name: appName,
      displayName: meta.displayName,
      description: meta.description,
      isOfficial: false,
      logoUrl: `${appName}.png`,
    },
  };
}
