// How each output of a bundled resource reads on Kubernetes: a key of the settings ConfigMap (host, port, names)
// or of the Secret (passwords, keys), with the value the bundled service has and the default of an external
// one. The Helm chart switches between the two with the resource's `enabled` value.
import type { GeneratedSecret } from '../../model/app.js';
import type { Resource, S3Resource } from '../../model/resource.js';
import type { Value } from '../../model/value.js';
import { type KeyEntry, type KeySource, type KubeCtx, useKey } from './kube-context.js';
import { keyPart, keyRef } from './kube-values.js';
import { pickOutput, type ResourceRef } from './provisioner.js';

const generated = (id: string, length: number): GeneratedSecret => ({ id, format: 'alphanumeric', length });

/** The key of one output of a resource. */
export function out(
  ctx: KubeCtx,
  r: Resource,
  output: string,
  source: Partial<KeySource & { kind: 'resource' }> = {},
  secret = false,
): Value {
  const entry = useKey(ctx, secret ? 'secrets' : 'settings', `resource.${r.id}.${output}`, {
    kind: 'resource',
    resource: r.id,
    output,
    ...source,
  } as KeySource);
  return [keyPart(entry)];
}

export const password = (ctx: KubeCtx, r: Resource, output = 'password', length = 32) =>
  out(ctx, r, output, { generate: generated(`${r.id}-${output}`, length) }, true);

export function host(ctx: KubeCtx, r: Resource): Value {
  return out(ctx, r, 'host', { bundled: ctx.dialect.name(r.id) });
}

export function fixed(ctx: KubeCtx, r: Resource, output: string, value: string): Value {
  return out(ctx, r, output, { bundled: value, externalDefault: value });
}

/** The `valueFrom` of a resource key, for the bundled service's own env. */
export function secretEnv(ctx: KubeCtx, r: Resource, name: string, output = 'password', length = 32) {
  password(ctx, r, output, length);
  return { name, valueFrom: keyRef(ctx.keys.get(`resource.${r.id}.${output}`) as KeyEntry, ctx) };
}

export function s3Output(r: S3Resource, ref: ResourceRef, ctx: KubeCtx): Value {
  return pickOutput(
    {
      endpoint: () => out(ctx, r, 'endpoint', { bundled: `http://${ctx.dialect.name(r.id)}:9000` }),
      hostPort: () => out(ctx, r, 'hostPort', { bundled: `${ctx.dialect.name(r.id)}:9000` }),
      bucket: () => fixed(ctx, r, 'bucket', r.bucket),
      region: () => fixed(ctx, r, 'region', r.region),
      accessKeyId: () => password(ctx, r, 'accessKeyId', 20),
      secretKey: () => password(ctx, r, 'secretKey', 40),
      publicEndpoint: () => {
        if (!r.public) {
          ctx.report.fail(
            `resources.${r.id}.publicEndpoint`,
            'the app reads the public endpoint of a bucket browsers cannot reach',
            `set resources.${r.id}.public: true`,
          );
        }
        return [
          keyPart(
            useKey(ctx, 'settings', `resource.${r.id}.publicEndpoint`, {
              kind: 'setting',
              path: ['resources', r.id, 'publicEndpoint'],
              example: `https://${r.id}.${ctx.app.name}.example.com`,
              comment: `URL at which browsers reach the S3 API of ${r.id}`,
            }),
          ),
        ];
      },
    },
    ref,
  );
}
