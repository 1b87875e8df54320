// Portainer target: an app template (format 3, Compose stack) in a templates.json that Portainer reads by URL,
// and the stack file it deploys from the repository.
import type { AppModel } from '../../model/app-model.js';
import { appFromV1 } from '../shared/v1-app.js';
import type { EmitResult, Target } from '../target.js';
import { emitPortainerApp } from './app.js';

function emit(model: AppModel): EmitResult {
  return emitPortainerApp(appFromV1(model));
}

export const portainerTarget: Target = {
  name: 'portainer',
  description:
    'Portainer app template (format 3, Compose stack) with its stack file and a mergeable templates.json',
  emit,
  emitApp: emitPortainerApp,
};
