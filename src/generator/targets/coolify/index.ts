// Coolify: the one-click service template (templates/coolify/<name>.yaml, image-based, header comments, magic
// SERVICE_* variables) and a root docker-compose.coolify.yaml for Coolify's "Docker Compose" build pack from Git.
import type { AppModel } from '../../model/app-model.js';
import { generatedNotice, renderYaml } from '../../render/text.js';
import { appSecrets, usesOutput } from '../shared/env.js';
import { type AddonSecret, buildStack, type StackFlavor } from '../shared/stack.js';
import type { EmitResult, Target, TargetWarning } from '../target.js';
import { emitCoolifyApp } from './app.js';

const addonMagic: Record<AddonSecret, string> = {
  postgresPassword: 'SERVICE_PASSWORD_POSTGRES',
  redisPassword: 'SERVICE_PASSWORD_REDIS',
  minioUser: 'SERVICE_USER_MINIO',
  minioPassword: 'SERVICE_PASSWORD_MINIO',
};

/**
 * Magic names for app secrets. Coolify finds the generator type by counting underscores, so the id after the
 * type must hold none: JWT_SECRET becomes SERVICE_PASSWORD_64_JWTSECRET.
 */
export function secretMagicNames(model: AppModel): Map<string, string> {
  const taken = new Set(['POSTGRES', 'REDIS', 'MINIO']);
  const names = new Map<string, string>();
  for (const { name, length } of appSecrets(model)) {
    const base = name.replace(/_/g, '');
    let id = base;
    for (let n = 2; taken.has(id); n++) id = `${base}${n}`;
    taken.add(id);
    names.set(name, length <= 32 ? `SERVICE_PASSWORD_${id}` : `SERVICE_PASSWORD_64_${id}`);
  }
  return names;
}

/** `SERVICE_URL_<NAME>`: the service name upper-cased with `-` turned into `_` (a `-` breaks interpolation). */
export function urlId(serviceName: string): string {
  return serviceName.toUpperCase().replace(/[-.]/g, '_');
}

function flavor(model: AppModel, git: boolean): StackFlavor {
  const magic = secretMagicNames(model);
  const app = urlId(model.name);
  const publicS3 = model.minio !== undefined && usesOutput(model, 'minio', 'publicEndpoint');
  const build = model.app.build;
  return {
    secret: (s) => `\${${typeof s === 'string' ? addonMagic[s] : magic.get(s.env)}}`,
    appUrl: `\${SERVICE_URL_${app}}`,
    // MinIO images are "specific services" in templates: Coolify fills MINIO_SERVER_URL with a routed domain.
    s3PublicEndpoint: git ? `\${SERVICE_URL_MINIO}` : `\${MINIO_SERVER_URL}`,
    appSource: git && build ? { build } : { image: `${model.app.image}:${model.app.version}` },
    envList: true,
    extraEnv: {
      app: [`SERVICE_URL_${app}_${model.app.port}`],
      ...(publicS3
        ? {
            minio: git
              ? ['SERVICE_URL_MINIO_9000']
              : [
                  `MINIO_BROWSER_REDIRECT_URL=\${MINIO_BROWSER_REDIRECT_URL}`,
                  `MINIO_SERVER_URL=\${MINIO_SERVER_URL}`,
                ],
          }
        : {}),
    },
    dependsOn: 'conditions',
    publishPorts: false,
    // Coolify restarts every service unless told otherwise; the one-shot bucket job must not loop.
    // exclude_from_hc is a Coolify key stripped before compose runs; Git compose files stay plain compose.
    extra: (service) =>
      service === 'minio-init' ? { restart: 'no', ...(git ? {} : { exclude_from_hc: true }) } : {},
  };
}

function header(model: AppModel): string[] {
  const docs =
    model.documentation ??
    (model.repository ? `https://github.com/${model.repository}` : 'https://coolify.io/docs');
  return [
    `documentation: ${docs}`,
    `slogan: ${model.description.replace(/\s+/g, ' ')}`,
    `category: ${model.category}`,
    `tags: ${model.tags.join(',')}`,
    `logo: svgs/${model.name}.png`,
    `port: ${model.app.port}`,
  ];
}

function warnings(model: AppModel): TargetWarning[] {
  const out: TargetWarning[] = [];
  if (model.app.replicas > 1) {
    out.push({
      feature: 'app.replicas',
      message: `Coolify forces container_name, so a stack runs one app container; ${model.app.replicas} replicas are not possible.`,
    });
  }
  if (model.app.readinessPath) {
    out.push({
      feature: 'app.readinessPath',
      message: 'Coolify routes by the Docker healthcheck only; healthPath is used.',
    });
  }
  if (!model.app.build) {
    out.push({
      feature: 'app.build',
      message: 'no build in the spec: the Git compose file pulls the image instead.',
    });
  }
  return out;
}

function emit(model: AppModel): EmitResult {
  const notice = generatedNotice(model.specPath);
  const template = renderYaml(buildStack(model, flavor(model, false)), {
    header: [...header(model), '', notice],
  });
  const git = renderYaml(buildStack(model, flavor(model, true)), {
    header: [
      notice,
      "For Coolify's Docker Compose build pack (deploy from Git): set its Docker Compose Location to /docker-compose.coolify.yaml.",
    ],
  });
  return {
    files: [
      { path: `templates/coolify/${model.name}.yaml`, content: template },
      { path: 'docker-compose.coolify.yaml', content: git },
    ],
    warnings: warnings(model),
  };
}

export const coolifyTarget: Target = {
  name: 'coolify',
  description: 'Coolify service template and a root docker-compose.coolify.yaml for Coolify Git deploys',
  emit,
  emitApp: emitCoolifyApp,
};
