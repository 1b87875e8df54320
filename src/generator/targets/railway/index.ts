// Railway target: .railway/railway.ts (Infrastructure as Code, for new projects) and railway.json
// (config as code, which existing repo-deployed services still read until Railway switches it off).
import type { AppModel } from '../../model/app-model.js';
import { renderJson } from '../../render/text.js';
import type { EmitResult, GeneratedFile, Target, TargetWarning } from '../target.js';
import { emitRailwayApp } from './app.js';
import { railwayBucketName, railwayTs } from './iac.js';

function railwayJson(model: AppModel, build: { context: string; dockerfile: string }): GeneratedFile {
  const dir = build.context === '.' ? '' : `${build.context.replace(/^\.\//, '')}/`;
  const config = {
    $schema: 'https://railway.com/railway.schema.json',
    build: { builder: 'DOCKERFILE', dockerfilePath: build.dockerfile },
    deploy: {
      ...(model.app.command ? { startCommand: model.app.command.join(' ') } : {}),
      healthcheckPath: model.app.readinessPath ?? model.app.healthPath,
      healthcheckTimeout: 120,
      numReplicas: model.app.replicas,
      restartPolicyType: 'ON_FAILURE',
      restartPolicyMaxRetries: 10,
      drainingSeconds: model.app.stopGracePeriod,
    },
  };
  return { path: `${dir}railway.json`, content: renderJson(config) };
}

function emit(model: AppModel): EmitResult {
  const warnings: TargetWarning[] = [];
  let github = model.railway.source === 'github';
  if (github && !model.repository) {
    warnings.push({
      feature: 'targets.railway.source',
      message: 'github needs `repository`; using the image.',
    });
    github = false;
  }
  if (model.postgres) {
    warnings.push({
      feature: 'addons.postgres',
      message:
        "Railway provisions its own Postgres (postgres-ssl:18, database 'railway'); version, database and user are not used.",
    });
  }
  if (model.redis) {
    warnings.push({
      feature: 'addons.redis',
      message: 'Railway provisions its own Redis; the version is not used.',
    });
  }
  if (model.minio) {
    warnings.push({
      feature: 'addons.minio',
      message: `Railway gets a native Storage Bucket named ${railwayBucketName(model)} (S3 name gets a suffix, virtual-hosted URLs); image, version and region are not used.`,
    });
  }
  if (model.app.command?.some((arg) => /\s/.test(arg))) {
    warnings.push({
      feature: 'app.command',
      message: 'Railway start commands are split on spaces; an argument contains one.',
    });
  }
  const files: GeneratedFile[] = [{ path: '.railway/railway.ts', content: railwayTs(model, github) }];
  if (model.app.build) {
    files.push(railwayJson(model, model.app.build));
    if (github) {
      warnings.push({
        feature: 'targets.railway.source',
        message:
          'a service cannot be managed by railway.json and .railway/railway.ts at once; run `railway config migrate` or delete railway.json.',
      });
    }
  }
  return { files, warnings };
}

export const railwayTarget: Target = {
  name: 'railway',
  description: 'Railway .railway/railway.ts (IaC: app, Postgres, Redis, bucket) and railway.json',
  emit,
  emitApp: emitRailwayApp,
};
