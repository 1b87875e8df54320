// captain-definition (schemaVersion 2) for `caprover deploy` from the repository: builds the Dockerfile when the
// spec says how to build, otherwise deploys the published image.
import type { AppModel } from '../../model/app-model.js';
import { renderJson } from '../../render/text.js';
import type { EmitResult, Target } from '../target.js';

function emit(model: AppModel): EmitResult {
  const build = model.app.build;
  // CapRover uses the captain-definition's folder as build context, so the file goes into the context folder.
  const dir = build && build.context !== '.' ? `${build.context.replace(/^\.\//, '')}/` : '';
  const definition = build
    ? { schemaVersion: 2, dockerfilePath: `./${build.dockerfile}` }
    : { schemaVersion: 2, imageName: `${model.app.image}:${model.app.version}` };
  return { files: [{ path: `${dir}captain-definition`, content: renderJson(definition) }], warnings: [] };
}

export const captainDefinitionTarget: Target = {
  name: 'captain-definition',
  description: 'captain-definition for deploying the repository with `caprover deploy`',
  emit,
};
