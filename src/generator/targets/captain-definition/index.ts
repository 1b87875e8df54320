// captain-definition (schemaVersion 2) for `caprover deploy` from the repository: builds the Dockerfile when the
// spec says how to build, otherwise deploys the published image.
import type { App } from '../../model/app.js';
import type { AppModel } from '../../model/app-model.js';
import { imageString } from '../../model/workload.js';
import { renderJson } from '../../render/text.js';
import { createReport } from '../shared/report.js';
import type { EmitResult, Target } from '../target.js';

function definitionFile(
  build: { context: string; dockerfile: string } | undefined,
  image: string | undefined,
) {
  // CapRover uses the captain-definition's folder as build context, so the file goes into the context folder.
  const dir = build && build.context !== '.' ? `${build.context.replace(/^\.\//, '')}/` : '';
  const definition = build
    ? { schemaVersion: 2, dockerfilePath: `./${build.dockerfile}` }
    : { schemaVersion: 2, imageName: image };
  return { path: `${dir}captain-definition`, content: renderJson(definition) };
}

function emit(model: AppModel): EmitResult {
  return {
    files: [definitionFile(model.app.build, `${model.app.image}:${model.app.version}`)],
    warnings: [],
  };
}

/**
 * One definition, for the web workload (else the first): every CapRover app of the template that shares its
 * image can be redeployed from the repository with it, since CapRover keeps each app's command override.
 */
function emitApp(app: App): EmitResult {
  const report = createReport(app, 'captain-definition');
  const main = app.workloads.find((w) => w.role === 'web') ?? app.workloads.find((w) => w.role !== 'release');
  if (!main) return report.result([]);
  const key = (w: typeof main) => JSON.stringify(w.build ?? w.image ?? null);
  for (const w of app.workloads) {
    if (key(w) !== key(main) && w.imageOf !== main.name) {
      report.warn(
        `workloads.${w.name}`,
        `the captain-definition builds ${main.name}; ${w.name} has its own image or build and is deployed on its own`,
      );
    }
  }
  return report.result([definitionFile(main.build, main.image ? imageString(main.image) : undefined)]);
}

export const captainDefinitionTarget: Target = {
  name: 'captain-definition',
  description: 'captain-definition for deploying the repository with `caprover deploy`',
  emit,
  emitApp,
};
