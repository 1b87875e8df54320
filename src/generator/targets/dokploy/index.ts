// Dokploy target: a template in the layout of Dokploy's templates repository (blueprints/<name>/) and the root
// meta.json that lists it, so the output folder can be served as a custom template base URL.
import type { AppModel } from '../../model/app-model.js';
import { appFromV1 } from '../shared/v1-app.js';
import type { EmitResult, Target } from '../target.js';
import { emitDokployApp } from './app.js';

function emit(model: AppModel): EmitResult {
  return emitDokployApp(appFromV1(model));
}

export const dokployTarget: Target = {
  name: 'dokploy',
  description:
    'Dokploy template (blueprints/<name>: compose, template.toml, meta.json, logo) and a hostable meta.json',
  emit,
  emitApp: emitDokployApp,
};
