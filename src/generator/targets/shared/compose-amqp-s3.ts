// Compose provisioners for RabbitMQ (amqp) and MinIO (s3, with the job that creates its bucket).

import type { AmqpResource, S3Resource } from '../../model/resource.js';
import { text, type Value } from '../../model/value.js';
import { imageString } from '../../model/workload.js';
import { amqpOutput } from './bundled-outputs.js';
import { resourceProbe as probe, raw, unit } from './compose-resource-unit.js';
import { healthcheck, serviceTail } from './compose-service.js';
import {
  type ComposeCtx,
  type ComposeUnit,
  credential,
  escapeDollars,
  renderCompose,
  type Service,
  upper,
} from './compose-values.js';
import type { ResourceRef } from './provisioner.js';
import { pickOutput } from './provisioner.js';

export const amqp = {
  provision(r: AmqpResource, ctx: ComposeCtx): ComposeUnit {
    return unit(
      ctx,
      r.id,
      {
        image: imageString(r.image),
        environment: {
          RABBITMQ_DEFAULT_PASS: renderCompose(credential(ctx, r.id, 'PASSWORD', 32), ctx),
          RABBITMQ_DEFAULT_USER: r.username,
          RABBITMQ_DEFAULT_VHOST: escapeDollars(r.vhost),
        },
        hostname: r.id,
        volumes: [`${r.id}-data:/var/lib/rabbitmq`],
        healthcheck: healthcheck(['CMD', 'rabbitmq-diagnostics', '-q', 'ping'], {
          ...probe,
          interval: 10,
          startPeriod: 20,
        }),
      },
      [`${r.id}-data`],
    );
  },
  output(r: AmqpResource, ref: ResourceRef, ctx: ComposeCtx): Value {
    return amqpOutput(r, ref, { host: text(r.id), password: credential(ctx, r.id, 'PASSWORD', 32) });
  },
};

export const s3PublicVar = (r: S3Resource) => `${upper(r.id)}_PUBLIC_ENDPOINT`;

export const s3 = {
  provision(r: S3Resource, ctx: ComposeCtx): ComposeUnit {
    const user = renderCompose(credential(ctx, r.id, 'ACCESS_KEY', 20), ctx);
    const password = renderCompose(credential(ctx, r.id, 'SECRET_KEY', 40), ctx);
    const root = { MINIO_ROOT_PASSWORD: password, MINIO_ROOT_USER: user };
    const init = ctx.initJobs.get(r.id) ?? `${r.id}-init`;
    const main = unit(
      ctx,
      r.id,
      {
        image: imageString(r.image),
        command: ['server', '/data', '--console-address', ':9001'],
        environment: { ...root, MINIO_SITE_REGION: r.region },
        volumes: [`${r.id}-data:/data`],
        ...(r.public
          ? {
              ports: [
                ctx.publish(`resource ${r.id}`, {
                  name: 's3',
                  port: 9000,
                  protocol: 'tcp',
                  http: true,
                  public: true,
                }),
              ],
            }
          : {}),
        healthcheck: healthcheck(['CMD', 'mc', 'ready', 'local'], probe),
      },
      [`${r.id}-data`],
    );
    const job: Service = {
      image: imageString(r.image),
      entrypoint: [
        '/bin/sh',
        '-ec',
        `mc alias set local http://${r.id}:9000 "$\${MINIO_ROOT_USER}" "$\${MINIO_ROOT_PASSWORD}" && mc mb --ignore-existing "local/$\${BUCKET}"`,
      ],
      environment: { BUCKET: r.bucket, ...root },
      ...(ctx.flavor === 'compose' ? { depends_on: { [r.id]: { condition: 'service_healthy' } } } : {}),
      ...serviceTail(ctx, 'job', 1),
    };
    return { services: { ...main.services, [init]: job }, volumes: main.volumes };
  },
  output(r: S3Resource, ref: ResourceRef, ctx: ComposeCtx): Value {
    const values: Record<string, () => Value> = {
      endpoint: () => text(`http://${r.id}:9000`),
      hostPort: () => text(`${r.id}:9000`),
      bucket: () => text(r.bucket),
      region: () => text(r.region),
      accessKeyId: () => credential(ctx, r.id, 'ACCESS_KEY', 20),
      secretKey: () => credential(ctx, r.id, 'SECRET_KEY', 40),
      publicEndpoint: () => {
        if (!r.public) {
          ctx.report.fail(
            `resources.${r.id}.publicEndpoint`,
            'the app reads the public endpoint of a bucket browsers cannot reach',
            `set resources.${r.id}.public: true`,
          );
        }
        return raw(
          ctx.vars.use({
            name: s3PublicVar(r),
            owner: `resource ${r.id}`,
            fill: {
              example: 'http://localhost:9000',
              comment: `URL at which browsers reach the S3 API of ${r.id}`,
            },
          }),
        );
      },
    };
    return pickOutput(values, ref);
  },
};
