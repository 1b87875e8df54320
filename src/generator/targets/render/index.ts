// Render target: render.yaml, the Blueprint Render reads from the repository root (services, managed
// PostgreSQL, Key Value, environment groups).
import type { AppModel } from '../../model/app-model.js';
import { appFromV1 } from '../shared/v1-app.js';
import type { EmitResult, Target } from '../target.js';
import { emitRenderApp } from './app.js';

function emit(model: AppModel): EmitResult {
  return emitRenderApp(appFromV1(model));
}

export const renderTarget: Target = {
  name: 'render',
  description:
    'Render Blueprint (render.yaml): services, managed PostgreSQL, Key Value and environment groups',
  emit,
  emitApp: emitRenderApp,
};
