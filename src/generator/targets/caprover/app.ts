// CapRover for a v2 app: the one-click template for a single node and for a cluster (public/v4 layout of the
// one-click-apps repository, and a hostable repository whose list keeps apps generated before).
import type { App } from '../../model/app.js';
import { createReport } from '../shared/report.js';
import type { EmitResult, GeneratedFile, TargetWarning } from '../target.js';
import { buildAppTemplate } from './app-template.js';
import { drawLogo } from './logo.js';
import { type ListedApp, listFile, publishedApp } from './repository-list.js';

export const oneClickRoot = 'one-click-apps';

/** Named volumes mounted by several apps: each app is pinned to its own node in a cluster. */
function sharedVolumes(doc: Record<string, unknown>): string[] {
  const owners = new Map<string, string[]>();
  for (const [name, s] of Object.entries(doc.services as Record<string, { volumes?: string[] }>)) {
    for (const v of s.volumes ?? []) {
      const source = v.split(':')[0] as string;
      owners.set(source, [...(owners.get(source) ?? []), name]);
    }
  }
  return [...owners.entries()].filter(([, o]) => o.length > 1).map(([v, o]) => `${v} (${o.join(', ')})`);
}

export function emitCaproverApp(app: App): EmitResult {
  const report = createReport(app, 'caprover');
  const logo = app.logo ?? drawLogo(app.name);
  const files: GeneratedFile[] = [];
  const listed: ListedApp[] = [];
  for (const variant of ['single', 'cluster'] as const) {
    // The cluster variant reports the same findings again; one report keeps them once.
    const doc = buildAppTemplate(app, variant, variant === 'single' ? report : createReport(app, 'caprover'));
    const appName = variant === 'single' ? app.name : `${app.name}-cluster`;
    if (variant === 'cluster') {
      const shared = sharedVolumes(doc);
      if (shared.length > 0) {
        report.warn(
          'caprover.cluster',
          `no cluster template: volumes shared by several apps live on one node each (${shared.join('; ')})`,
        );
        continue;
      }
    }
    const published = publishedApp(oneClickRoot, appName, doc, app.specPath, logo);
    files.push(...published.files);
    listed.push(published.listed);
  }
  files.push(listFile(oneClickRoot, listed));
  const result = report.result(files);
  return { ...result, warnings: unique(result.warnings) };
}

function unique(warnings: TargetWarning[]): TargetWarning[] {
  const seen = new Set<string>();
  return warnings.filter((w) => {
    const key = `${w.feature}\n${w.message}`;
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}
