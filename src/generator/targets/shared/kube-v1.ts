// A version 1 model read as a v2 app, for targets written only against the v2 model (helm, k8s): the app is
// one `web` workload, its addons become resources with the same outputs, its volumes volume resources.
import type { App, GeneratedSecret } from '../../model/app.js';
import type { AppModel, EnvValue } from '../../model/app-model.js';
import type { AddonKind } from '../../model/catalog.js';
import type { Resource } from '../../model/resource.js';
import { text, type Value } from '../../model/value.js';
import type { Probe, Workload } from '../../model/workload.js';

/** v1 addon output names that are called differently in the v2 model. */
const outputNames: Record<AddonKind, Record<string, string>> = {
  postgres: { user: 'username' },
  redis: {},
  minio: { accessKey: 'accessKeyId' },
};
const resourceIds: Record<AddonKind, string> = { postgres: 'postgres', redis: 'redis', minio: 'minio' };

function envValue(name: string, v: EnvValue, secrets: GeneratedSecret[]): Value {
  switch (v.kind) {
    case 'literal':
      return text(v.value);
    case 'secret':
      // v1 secrets are hex on every target (`openssl rand -hex` in `.env.example`).
      secrets.push({ id: name, format: 'hex', length: v.length });
      return [{ kind: 'secret', secret: name }];
    case 'appUrl':
      return [{ kind: 'app', output: 'url' }];
    case 'addon':
      if (v.addon === 'minio' && v.output === 'forcePathStyle') return text('true');
      return [
        {
          kind: 'resource',
          resource: resourceIds[v.addon],
          output: outputNames[v.addon][v.output] ?? v.output,
        },
      ];
  }
}

function httpProbe(path: string, port: number, tool: 'node' | 'wget' | 'curl'): Probe {
  return {
    check: { kind: 'http', path, port, scheme: 'http', tool },
    interval: 10,
    timeout: 5,
    retries: 6,
    startPeriod: 20,
  };
}

export function appFromV1(model: AppModel): App {
  const secrets: GeneratedSecret[] = [];
  const a = model.app;
  const env = a.env.map((e) => ({ name: e.name, value: envValue(e.name, e.value, secrets) }));
  const web: Workload = {
    name: 'web',
    role: 'web',
    image: { repository: a.image, tag: a.version },
    ...(a.build ? { build: a.build } : {}),
    ...(a.command ? { args: a.command.map(text) } : {}),
    env,
    ports: [{ name: 'http', port: a.port, protocol: 'tcp', http: true, public: true }],
    volumes: a.volumes.map((v) => ({ volume: v.name, path: v.path, readOnly: false })),
    files: [],
    liveness: httpProbe(a.healthPath, a.port, a.healthCommand),
    ...(a.readinessPath ? { readiness: httpProbe(a.readinessPath, a.port, a.healthCommand) } : {}),
    replicas: a.replicas,
    stopGracePeriod: a.stopGracePeriod,
    dependsOn: [],
    sessionAffinity: false,
    websocket: a.websocket,
  };
  const publicS3 = a.env.some(
    (e) => e.value.kind === 'addon' && e.value.addon === 'minio' && e.value.output === 'publicEndpoint',
  );
  const resources: Resource[] = [
    ...(model.minio
      ? [
          {
            id: 'minio',
            type: 's3' as const,
            image: image(model.minio),
            bucket: model.minio.bucket,
            region: model.minio.region,
            public: publicS3,
          },
        ]
      : []),
    ...(model.postgres
      ? [
          {
            id: 'postgres',
            type: 'postgres' as const,
            image: image(model.postgres),
            database: model.postgres.database,
            username: model.postgres.user,
          },
        ]
      : []),
    ...(model.redis
      ? [
          {
            id: 'redis',
            type: 'redis' as const,
            image: image(model.redis),
            config: [],
            configVia: 'command' as const,
            persistence: true,
          },
        ]
      : []),
    ...a.volumes.map((v) => ({ id: v.name, type: 'volume' as const })),
  ];
  return {
    specVersion: 2,
    name: model.name,
    displayName: model.displayName,
    description: model.description,
    ...(model.documentation ? { documentation: model.documentation } : {}),
    ...(model.repository ? { repository: model.repository } : {}),
    category: model.category,
    tags: model.tags,
    specPath: model.specPath,
    source: { format: 'paasport', ignored: [] },
    workloads: [web],
    resources: resources.sort((x, y) => (x.id < y.id ? -1 : 1)),
    inputs: [],
    secrets: secrets.sort((x, y) => (x.id < y.id ? -1 : 1)),
    notes: [],
    accept: {},
    railway: model.railway,
  };
}

function image(addon: { image: string; version: string }) {
  return { repository: addon.image, tag: addon.version };
}
