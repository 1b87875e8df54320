// Turns a validated spec into the AppModel: applies defaults, merges addon env mappings, sorts env by name.
import type { AppSpec, EnvSpecValue } from '../spec/types.js';
import type { AppModel, EnvValue, EnvVar } from './app-model.js';
import { type AddonKind, addonDefaults, addonKinds } from './catalog.js';

export interface NormalizeOptions {
  specPath: string;
  logo?: Uint8Array;
}

export function normalize(spec: AppSpec, options: NormalizeOptions): AppModel {
  const addons = spec.addons ?? {};
  const env: EnvVar[] = Object.entries(spec.app.env ?? {}).map(([name, value]) => ({
    name,
    value: envValue(value),
  }));
  for (const kind of addonKinds) {
    for (const [output, name] of Object.entries(addons[kind]?.env ?? {})) {
      env.push({ name, value: { kind: 'addon', addon: kind, output } });
    }
  }
  env.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));

  const build = spec.app.build
    ? { context: spec.app.build.context ?? '.', dockerfile: spec.app.build.dockerfile ?? 'Dockerfile' }
    : undefined;
  const model: AppModel = {
    name: spec.name,
    displayName: spec.displayName ?? spec.name.charAt(0).toUpperCase() + spec.name.slice(1),
    description: spec.description.trim(),
    category: spec.category ?? 'other',
    tags: spec.tags ?? [spec.name],
    specPath: options.specPath,
    app: {
      image: spec.app.image,
      version: spec.app.version,
      port: spec.app.port,
      healthPath: spec.app.healthPath ?? '/healthz',
      healthCommand: spec.app.healthCommand ?? 'node',
      websocket: spec.app.websocket ?? false,
      replicas: spec.app.replicas ?? 1,
      stopGracePeriod: spec.app.stopGracePeriod ?? 10,
      volumes: spec.app.volumes ?? [],
      env,
      ...(build ? { build } : {}),
      ...(spec.app.readinessPath ? { readinessPath: spec.app.readinessPath } : {}),
      ...(spec.app.command ? { command: spec.app.command } : {}),
    },
    railway: {
      source: spec.targets?.railway?.source ?? 'image',
      bucketRegion: spec.targets?.railway?.bucketRegion ?? 'iad',
    },
    ...(spec.documentation ? { documentation: spec.documentation } : {}),
    ...(spec.repository ? { repository: spec.repository } : {}),
    ...(options.logo ? { logo: options.logo } : {}),
  };
  if (addons.postgres) {
    model.postgres = {
      ...image('postgres', addons.postgres),
      database: addons.postgres.database ?? spec.name.replace(/-/g, '_'),
      user: addons.postgres.user ?? spec.name.replace(/-/g, '_'),
    };
  }
  if (addons.redis) model.redis = image('redis', addons.redis);
  if (addons.minio) {
    model.minio = {
      ...image('minio', addons.minio),
      bucket: addons.minio.bucket ?? spec.name,
      region: addons.minio.region ?? 'us-east-1',
    };
  }
  return model;
}

function image(kind: AddonKind, addon: { image?: string; version?: string }) {
  return {
    image: addon.image ?? addonDefaults[kind].image,
    version: addon.version ?? addonDefaults[kind].version,
  };
}

function envValue(value: EnvSpecValue): EnvValue {
  if (typeof value !== 'object') return { kind: 'literal', value: String(value) };
  if ('secret' in value) return { kind: 'secret', length: value.secret.length ?? 32 };
  const [source, output = ''] = value.from.split('.');
  if (source === 'app') return { kind: 'appUrl' };
  return { kind: 'addon', addon: source as AddonKind, output };
}
