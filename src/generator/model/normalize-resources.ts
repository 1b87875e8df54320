// Resources of a version 2 spec with their defaults, and the rewrite of references to external resources
// into the installer inputs that stand for them (so targets only ever resolve bundled resources).
import type { ResourceSpec } from '../spec/types-v2.js';
import { addonDefaults } from './catalog.js';
import { externalInputs, inputId } from './external.js';
import { env, parseImage, ports, probe, template, volumes } from './normalize-parts.js';
import type { Resource, ResourceType } from './resource.js';
import { composeUrl, defaultSchemes } from './url.js';
import { mapResources, type Value } from './value.js';
import type { ImageRef } from './workload.js';

const defaults: Record<'postgres' | 'redis' | 's3' | 'amqp', ImageRef> = {
  postgres: { repository: addonDefaults.postgres.image, tag: addonDefaults.postgres.version },
  redis: { repository: addonDefaults.redis.image, tag: addonDefaults.redis.version },
  s3: { repository: addonDefaults.minio.image, tag: addonDefaults.minio.version },
  amqp: { repository: 'rabbitmq', tag: '4.1-management-alpine' },
};

/** Redis images whose entrypoint loads modules: settings go through REDIS_ARGS, never a command override. */
const argsEnvImages = /(^|\/)redis-stack(-server)?$/;

export function normalizeResource(
  id: string,
  spec: ResourceSpec,
  appName: string,
  types: Map<string, ResourceType>,
): Resource {
  const ext = spec.external;
  const external =
    ext === undefined || ext === false
      ? undefined
      : (() => {
          const wholeUrl = typeof ext === 'object' && ext.wholeUrl === true;
          const inputs = Object.fromEntries(
            externalInputs(id, spec.type, wholeUrl).map((i) => [i.output, i.id]),
          );
          return { inputs, wholeUrl };
        })();
  const base = { id, ...(external ? { external } : {}) };
  const image = (type: keyof typeof defaults): ImageRef =>
    spec.image
      ? parseImage(spec.image)
      : { ...defaults[type], ...(spec.version ? { tag: spec.version } : {}) };
  const dbName = appName.replace(/-/g, '_');
  switch (spec.type) {
    case 'postgres':
      return {
        ...base,
        type: 'postgres',
        image: image('postgres'),
        database: spec.database ?? dbName,
        username: spec.username ?? dbName,
      };
    case 'redis': {
      const img = image('redis');
      return {
        ...base,
        type: 'redis',
        image: img,
        config: Object.entries(spec.config ?? {})
          .map(([k, v]): [string, string] => [k, String(v)])
          .sort(([a], [b]) => (a < b ? -1 : 1)),
        configVia: argsEnvImages.test(img.repository) ? 'env' : 'command',
        persistence: spec.persistence ?? true,
      };
    }
    case 's3':
      return {
        ...base,
        type: 's3',
        image: image('s3'),
        bucket: spec.bucket ?? appName,
        region: spec.region ?? 'us-east-1',
        public: spec.public ?? false,
      };
    case 'amqp':
      return {
        ...base,
        type: 'amqp',
        image: image('amqp'),
        vhost: spec.vhost ?? '/',
        username: spec.username ?? dbName,
      };
    case 'volume':
      return { ...base, type: 'volume' };
    case 'service': {
      const portList = ports(spec.ports, false);
      const liveness = probe(spec.probes?.liveness, portList);
      return {
        ...base,
        type: 'service',
        image: parseImage(spec.image ?? ''),
        ...(spec.command ? { command: spec.command.map((c) => template(c, types)) } : {}),
        ...(spec.args ? { args: spec.args.map((c) => template(c, types)) } : {}),
        env: env(spec.env, types),
        ports: portList,
        volumes: volumes(spec.volumes),
        ...(liveness ? { liveness } : {}),
        outputs: Object.fromEntries(
          Object.entries(spec.outputs ?? {})
            .sort(([a], [b]) => (a < b ? -1 : 1))
            .map(([k, t]) => [k, template(t, types)]),
        ),
      };
    }
  }
}

/** Rewrites `${resources.<external>.<output>}` into input references (URLs composed from the parts). */
export function rewriteExternal(v: Value, resources: readonly Resource[]): Value {
  return mapResources(v, (ref) => {
    const r = resources.find((x) => x.id === ref.resource);
    if (!r?.external) return [ref];
    const input = (output: string): Value => [{ kind: 'input', input: inputId(r.id, output) }];
    if (r.external.wholeUrl) return input('url');
    if (ref.output === 'url' && (r.type === 'postgres' || r.type === 'redis' || r.type === 'amqp')) {
      // An installer's vhost is usually `/`, which a URL path cannot carry unencoded: the URL names none.
      const path = r.type === 'postgres' ? input('database') : undefined;
      return composeUrl(
        {
          scheme: defaultSchemes[r.type],
          ...(r.type !== 'redis' ? { username: input('username') } : {}),
          password: input('password'),
          host: input('host'),
          port: input('port'),
          ...(path ? { path } : {}),
        },
        ref.url,
      );
    }
    if (r.type === 'postgres' && ref.output === 'name') return input('database');
    if (r.type === 'redis' && ref.output === 'username') return [{ kind: 'text', text: 'default' }];
    if (r.type === 's3' && ref.output === 'publicEndpoint') return input('endpoint');
    return input(ref.output);
  });
}
