// docker-compose for a single server or local use: healthchecks, `depends_on` conditions, secrets from `.env`.
import type { AppModel } from '../../model/app-model.js';
import { generatedNotice, renderYaml } from '../../render/text.js';
import { addonSecretNames, envExample, versionVariable } from '../shared/env-file.js';
import { buildStack } from '../shared/stack.js';
import type { EmitResult, Target, TargetWarning } from '../target.js';
import { emitComposeApp } from './app.js';

function emit(model: AppModel): EmitResult {
  const dir = `templates/compose/${model.name}`;
  const required = (name: string) => `\${${name}:?set ${name} in .env}`;
  const stack = buildStack(model, {
    secret: (s) => required(typeof s === 'string' ? addonSecretNames[s] : s.env),
    appUrl: `http://localhost:${model.app.port}`,
    s3PublicEndpoint: 'http://localhost:9000',
    appSource: { image: `${model.app.image}:\${${versionVariable(model)}:-${model.app.version}}` },
    envList: false,
    dependsOn: 'conditions',
    publishPorts: true,
    extra: (service) => ({ restart: service === 'minio-init' ? 'no' : 'unless-stopped' }),
  });
  const doc = { name: model.name, ...stack };
  const warnings: TargetWarning[] = [];
  if (model.app.replicas > 1) {
    warnings.push({
      feature: 'app.replicas',
      message: `plain compose runs one app container on its published port; use the Swarm stack for ${model.app.replicas} replicas.`,
    });
  }
  return {
    files: [
      {
        path: `${dir}/docker-compose.yml`,
        content: renderYaml(doc, {
          header: [generatedNotice(model.specPath), 'Start with: docker compose --env-file .env up -d'],
        }),
      },
      { path: `${dir}/.env.example`, content: envExample(model, `${dir}/docker-compose.yml`) },
    ],
    warnings,
  };
}

export const composeTarget: Target = {
  name: 'compose',
  description: 'docker-compose file and .env.example for a single server or local use',
  emit,
  emitApp: emitComposeApp,
};
