// Docker Swarm stack of the same topology as the CapRover cluster: a replicated stateless app and data
// services pinned to one labelled node (`docker stack deploy -c`).
import type { AppModel } from '../../model/app-model.js';
import { generatedNotice, renderYaml } from '../../render/text.js';
import { addonSecretNames, envExample, versionVariable } from '../shared/env-file.js';
import { buildStack } from '../shared/stack.js';
import type { EmitResult, Target } from '../target.js';
import { emitSwarmApp } from './app.js';

export function dataLabel(model: AppModel): string {
  return `${model.name}.data`;
}

function emit(model: AppModel): EmitResult {
  const prefix = model.name.toUpperCase().replace(/-/g, '_');
  const required = (name: string) => `\${${name}:?set ${name} in the environment}`;
  const pinned = { replicas: 1, placement: { constraints: [`node.labels.${dataLabel(model)} == true`] } };
  const stack = buildStack(model, {
    secret: (s) => required(typeof s === 'string' ? addonSecretNames[s] : s.env),
    appUrl: `\${${prefix}_PUBLIC_URL:-http://localhost:${model.app.port}}`,
    s3PublicEndpoint: `\${${prefix}_S3_PUBLIC_URL:-http://localhost:9000}`,
    appSource: { image: `${model.app.image}:\${${versionVariable(model)}:-${model.app.version}}` },
    envList: false,
    dependsOn: 'list',
    publishPorts: true,
    extra: (service) => {
      if (service === 'app') {
        return {
          deploy: {
            replicas: model.app.replicas,
            update_config: { parallelism: 1, order: 'start-first', failure_action: 'rollback' },
            restart_policy: { condition: 'any' },
          },
        };
      }
      if (service === 'minio-init') {
        return { deploy: { restart_policy: { condition: 'on-failure', max_attempts: 20 } } };
      }
      return { deploy: pinned };
    },
  });
  const file = `templates/swarm/${model.name}.stack.yml`;
  const header = [
    generatedNotice(model.specPath),
    `Label the node that keeps the data: docker node update --label-add ${dataLabel(model)}=true <node>`,
    `Deploy with: set -a; . ./.env; set +a; docker stack deploy -c ${model.name}.stack.yml ${model.name}`,
  ];
  return {
    files: [
      { path: file, content: renderYaml(stack, { header }) },
      {
        path: `templates/swarm/${model.name}.env.example`,
        content: envExample(model, file, [
          [`${prefix}_PUBLIC_URL`, `https://${model.name}.example.com`],
          ...(model.minio
            ? ([[`${prefix}_S3_PUBLIC_URL`, `https://s3.${model.name}.example.com`]] as [string, string][])
            : []),
        ]),
      },
    ],
    warnings: [],
  };
}

export const swarmTarget: Target = {
  name: 'swarm',
  description: 'Docker Swarm stack file (docker stack deploy) with replicas and pinned data services',
  emit,
  emitApp: emitSwarmApp,
};
