// A version 1 model read as a v2 app, for targets written after version 2 (Dokploy, Portainer, Render): they
// have one emitter, and a version 1 spec reaches it through the mechanical conversion docs/generator.md gives
// (the app named after the spec, resources postgres / redis / minio, volumes as volume resources).
import type { App } from '../../model/app.js';
import type { AppModel, EnvValue } from '../../model/app-model.js';
import { normalizeV2 } from '../../model/normalize-v2.js';
import type { AppSpecV2, EnvSpecValueV2, ResourceSpec, WorkloadSpec } from '../../spec/types-v2.js';

const outputNames: Record<string, Record<string, string>> = {
  postgres: { user: 'username' },
  minio: { accessKey: 'accessKeyId' },
};

function envValue(v: EnvValue): EnvSpecValueV2 {
  switch (v.kind) {
    case 'literal':
      return v.value;
    case 'secret':
      return { secret: { length: v.length } };
    case 'appUrl':
      return '${app.url}';
    case 'addon':
      if (v.addon === 'minio' && v.output === 'forcePathStyle') return 'true';
      return `\${resources.${v.addon}.${outputNames[v.addon]?.[v.output] ?? v.output}}`;
  }
}

export function appFromV1(model: AppModel): App {
  const a = model.app;
  const http = { path: a.healthPath, tool: a.healthCommand };
  const workload: WorkloadSpec = {
    image: `${a.image}:${a.version}`,
    ...(a.build ? { build: a.build } : {}),
    ...(a.command ? { command: a.command } : {}),
    ports: { http: a.port },
    probes: {
      liveness: { http, retries: 6, startPeriod: 20 },
      ...(a.readinessPath ? { readiness: { http: { ...http, path: a.readinessPath } } } : {}),
    },
    env: Object.fromEntries(a.env.map((e) => [e.name, envValue(e.value)])),
    ...(a.volumes.length > 0
      ? { volumes: Object.fromEntries(a.volumes.map((v) => [v.path, { volume: v.name }])) }
      : {}),
    replicas: a.replicas,
    stopGracePeriod: a.stopGracePeriod,
    websocket: a.websocket,
  };
  const resources: Record<string, ResourceSpec> = {};
  if (model.postgres) {
    resources.postgres = {
      type: 'postgres',
      image: `${model.postgres.image}:${model.postgres.version}`,
      database: model.postgres.database,
      username: model.postgres.user,
    };
  }
  if (model.redis) resources.redis = { type: 'redis', image: `${model.redis.image}:${model.redis.version}` };
  if (model.minio) {
    const readsPublic = a.env.some(
      (e) => e.value.kind === 'addon' && e.value.addon === 'minio' && e.value.output === 'publicEndpoint',
    );
    resources.minio = {
      type: 's3',
      image: `${model.minio.image}:${model.minio.version}`,
      bucket: model.minio.bucket,
      region: model.minio.region,
      ...(readsPublic ? { public: true } : {}),
    };
  }
  for (const v of a.volumes) resources[v.name] = { type: 'volume' };
  const spec: AppSpecV2 = {
    version: 2,
    name: model.name,
    displayName: model.displayName,
    description: model.description,
    ...(model.documentation ? { documentation: model.documentation } : {}),
    ...(model.repository ? { repository: model.repository } : {}),
    category: model.category,
    tags: model.tags,
    workloads: { [model.name]: workload },
    resources,
    targets: { railway: { source: model.railway.source, bucketRegion: model.railway.bucketRegion } },
  };
  return normalizeV2(spec, { specPath: model.specPath, ...(model.logo ? { logo: model.logo } : {}) });
}
