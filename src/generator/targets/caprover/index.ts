// CapRover target: one-click apps for a single node and a cluster, laid out as the one-click-apps repository
// expects (public/v4/apps, public/v4/logos), plus the built repository an operator can host as a third-party source.
import type { AppModel } from '../../model/app-model.js';
import type { EmitResult, GeneratedFile, Target, TargetWarning } from '../target.js';
import { emitCaproverApp, oneClickRoot } from './app.js';
import { drawLogo } from './logo.js';
import { type ListedApp, listFile, publishedApp } from './repository-list.js';
import { buildTemplate } from './template.js';

export { oneClickRoot };

function emit(model: AppModel): EmitResult {
  const logo = model.logo ?? drawLogo(model.name);
  const files: GeneratedFile[] = [];
  const warnings: TargetWarning[] = [];
  const listed: ListedApp[] = [];
  for (const variant of ['single', 'cluster'] as const) {
    const appName = variant === 'single' ? model.name : `${model.name}-cluster`;
    const { doc, warnings: found } = buildTemplate(model, variant);
    const published = publishedApp(oneClickRoot, appName, doc, model.specPath, logo);
    files.push(...published.files);
    listed.push(published.listed);
    for (const w of found) {
      if (!warnings.some((x) => x.feature === w.feature && x.message === w.message)) warnings.push(w);
    }
  }
  files.push(listFile(oneClickRoot, listed));
  return { files, warnings };
}

export const caproverTarget: Target = {
  name: 'caprover',
  description: 'CapRover one-click apps (single node and cluster) and a hostable one-click repository',
  emit,
  emitApp: emitCaproverApp,
};
