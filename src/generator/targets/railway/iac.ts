// Writes .railway/railway.ts (Railway Infrastructure as Code, evaluated by `railway config plan|apply`):
// the app plus Railway's Postgres, Redis and a Storage Bucket, with variables referencing them.
import type { AppModel } from '../../model/app-model.js';
import type { AddonKind } from '../../model/catalog.js';
import { generatedNotice } from '../../render/text.js';
import { type EnvSyntax, renderEnv } from '../shared/env.js';

const alphabet = 'abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';

const q = (value: string) => JSON.stringify(value);

const railwayOutputs: Record<AddonKind, Record<string, string>> = {
  postgres: {
    url: 'db.env.DATABASE_URL',
    host: 'db.env.PGHOST',
    port: 'db.env.PGPORT',
    user: 'db.env.PGUSER',
    password: 'db.env.PGPASSWORD',
    database: 'db.env.PGDATABASE',
  },
  redis: {
    url: 'cache.env.REDIS_URL',
    host: 'cache.env.REDISHOST',
    port: 'cache.env.REDISPORT',
    password: 'cache.env.REDISPASSWORD',
  },
  // A Railway bucket is S3 over public HTTPS with virtual-hosted URLs, so path style is off.
  minio: {
    endpoint: 'ref(storage, "ENDPOINT")',
    publicEndpoint: 'ref(storage, "ENDPOINT")',
    accessKey: 'ref(storage, "ACCESS_KEY_ID")',
    secretKey: 'ref(storage, "SECRET_ACCESS_KEY")',
    bucket: 'ref(storage, "BUCKET")',
    region: 'ref(storage, "REGION")',
    forcePathStyle: q('false'),
  },
};

const tsSyntax: EnvSyntax = {
  literal: q,
  // The generator runs once, when Railway creates the variable (as for its own Postgres password).
  secret: (_name, length) => `{ generator: ${q(`secret(${length}, "${alphabet}")`)} }`,
  addon: (addon, output) => railwayOutputs[addon][output] ?? q(''),
  appUrl: () => q(`https://\${{RAILWAY_PUBLIC_DOMAIN}}`),
};

/** References are `${{<name>.VAR}}`, so the bucket may not share the app's name. */
export function railwayBucketName(model: AppModel): string {
  const bucket = model.minio?.bucket ?? model.name;
  return bucket === model.name ? `${bucket}-files` : bucket;
}

export function railwayTs(model: AppModel, useGithub: boolean): string {
  const imports = new Set(['defineRailway', 'project', 'service', useGithub ? 'github' : 'image']);
  const lines: string[] = [];
  const resources: string[] = [];
  if (model.postgres) {
    imports.add('postgres');
    lines.push('  const db = postgres("Postgres");');
    resources.push('db');
  }
  if (model.redis) {
    imports.add('redis');
    lines.push('  const cache = redis("Redis");');
    resources.push('cache');
  }
  if (model.minio) {
    imports.add('bucket').add('ref');
    lines.push(
      `  const storage = bucket(${q(railwayBucketName(model))}, { region: ${q(model.railway.bucketRegion)} });`,
    );
    resources.push('storage');
  }
  const mounts = model.app.volumes.map((v, i) => {
    imports.add('volume');
    lines.push(`  const volume${i} = volume(${q(`${model.name}-${v.name}`)});`);
    resources.push(`volume${i}`);
    return `      ${q(v.path)}: volume${i},`;
  });
  const source = useGithub
    ? `github(${q(model.repository ?? '')})`
    : `image(${q(`${model.app.image}:${model.app.version}`)})`;
  const app = [
    `  const app = service(${q(model.name)}, {`,
    `    source: ${source},`,
    ...(model.app.command ? [`    start: ${q(model.app.command.join(' '))},`] : []),
    `    healthcheck: ${q(model.app.readinessPath ?? model.app.healthPath)},`,
    '    healthcheckTimeout: 120,',
    `    replicas: ${model.app.replicas},`,
    '    deploy: {',
    `      drainingSeconds: ${model.app.stopGracePeriod},`,
    '      restartPolicyMaxRetries: 10,',
    '      restartPolicyType: "ON_FAILURE",',
    '    },',
    ...(mounts.length > 0 ? ['    volumeMounts: {', ...mounts, '    },'] : []),
    '    env: {',
    ...renderEnv(model, tsSyntax).map(([name, value]) => `      ${name}: ${value},`),
    '    },',
    '  });',
  ];
  resources.push('app');
  const out = [
    `// ${generatedNotice(model.specPath)}`,
    '// Preview with `railway config plan`, apply with `railway config apply` (needs the `railway` npm package).',
    `import { ${[...imports].sort().join(', ')} } from "railway/iac";`,
    '',
    'export default defineRailway(() => {',
    ...lines,
    ...app,
    `  return project(${q(model.name)}, { resources: [${resources.join(', ')}] });`,
    '});',
  ];
  return `${out.join('\n')}\n`;
}
