// Kubernetes provisioners, one per resource type: the StatefulSet and Service that run a bundled resource, and
// how each output reads (kube-outputs.ts: a key of the settings ConfigMap or of the Secret, which the Helm
// chart switches to an external resource's values when the bundled one is disabled).
import { composeUrl, defaultSchemes } from '../../model/url.js';
import { text } from '../../model/value.js';
import type { ProbeCheck } from '../../model/workload.js';
import { postgresDataPath } from './env.js';
import type { KubeCtx } from './kube-context.js';
import { fixed, host, password, s3Output, secretEnv } from './kube-outputs.js';
import { dataServiceObjects, execProbe } from './kube-statefulset.js';
import { containerValues } from './kube-values.js';
import { missingOutput, type Provisioners, pickOutput, resolveResources } from './provisioner.js';

export interface KubeUnit {
  objects: Record<string, unknown>[];
}

export const kubeProvisioners: Provisioners<KubeCtx, KubeUnit> = {
  postgres: {
    provision: (r, ctx) => ({
      objects: dataServiceObjects(
        {
          id: r.id,
          image: r.image,
          ports: [{ name: 'postgres', port: 5432 }],
          env: [
            { name: 'POSTGRES_DB', value: ctx.dialect.lit(r.database) },
            secretEnv(ctx, r, 'POSTGRES_PASSWORD'),
            { name: 'POSTGRES_USER', value: ctx.dialect.lit(r.username) },
            // The claim's root may hold lost+found, which initdb refuses.
            { name: 'PGDATA', value: `${postgresDataPath(r.image.tag)}/pgdata` },
          ],
          dataPath: postgresDataPath(r.image.tag),
          probe: execProbe(['sh', '-c', 'pg_isready -U "$POSTGRES_USER" -d "$POSTGRES_DB"']),
        },
        ctx,
      ),
    }),
    output: (r, ref, ctx) =>
      pickOutput(
        {
          host: () => host(ctx, r),
          port: () => fixed(ctx, r, 'port', '5432'),
          name: () => fixed(ctx, r, 'database', r.database),
          database: () => fixed(ctx, r, 'database', r.database),
          username: () => fixed(ctx, r, 'username', r.username),
          password: () => password(ctx, r),
          url: () =>
            composeUrl(
              {
                scheme: defaultSchemes.postgres,
                username: fixed(ctx, r, 'username', r.username),
                password: password(ctx, r),
                host: host(ctx, r),
                port: fixed(ctx, r, 'port', '5432'),
                path: fixed(ctx, r, 'database', r.database),
              },
              ref.url,
            ),
        },
        ref,
      ),
  },
  redis: {
    provision(r, ctx) {
      const settings: [string, string][] = [['requirepass', '$(REDIS_PASSWORD)'], ...r.config];
      if (r.persistence) settings.unshift(['appendonly', 'yes']);
      const args = settings.flatMap(([k, v]) => [
        `--${k}`,
        k === 'requirepass' ? v : ctx.dialect.lit(v.replace(/\$/g, '$$$$')),
      ]);
      return {
        objects: dataServiceObjects(
          {
            id: r.id,
            image: r.image,
            ports: [{ name: 'redis', port: 6379 }],
            env: [
              secretEnv(ctx, r, 'REDIS_PASSWORD'),
              // Redis Stack's entrypoint loads its modules and reads REDIS_ARGS; a command would bypass it.
              ...(r.configVia === 'env' ? [{ name: 'REDIS_ARGS', value: args.join(' ') }] : []),
            ],
            ...(r.configVia === 'command' ? { command: ['redis-server'], args } : {}),
            ...(r.persistence ? { dataPath: '/data', storage: '2Gi' } : {}),
            probe: execProbe([
              'sh',
              '-c',
              'redis-cli -a "$REDIS_PASSWORD" --no-auth-warning ping | grep -q PONG',
            ]),
          },
          ctx,
        ),
      };
    },
    output: (r, ref, ctx) =>
      pickOutput(
        {
          host: () => host(ctx, r),
          port: () => fixed(ctx, r, 'port', '6379'),
          username: () => fixed(ctx, r, 'username', 'default'),
          password: () => password(ctx, r),
          url: () =>
            composeUrl(
              {
                scheme: defaultSchemes.redis,
                password: password(ctx, r),
                host: host(ctx, r),
                port: fixed(ctx, r, 'port', '6379'),
              },
              ref.url,
            ),
        },
        ref,
      ),
  },
  s3: {
    provision(r, ctx) {
      const bucket = ctx.dialect.lit(r.bucket.replace(/'/g, ''));
      return {
        objects: dataServiceObjects(
          {
            id: r.id,
            image: r.image,
            ports: [{ name: 's3', port: 9000 }],
            args: ['server', '/data', '--console-address', ':9001'],
            env: [
              secretEnv(ctx, r, 'MINIO_ROOT_PASSWORD', 'secretKey', 40),
              secretEnv(ctx, r, 'MINIO_ROOT_USER', 'accessKeyId', 20),
              { name: 'MINIO_SITE_REGION', value: ctx.dialect.lit(r.region) },
            ],
            dataPath: '/data',
            probe: {
              httpGet: { path: '/minio/health/ready', port: 's3' },
              periodSeconds: 10,
              timeoutSeconds: 5,
            },
            container: {
              // The bucket is created once the server answers; a bounded loop, as a failing hook restarts the pod.
              lifecycle: {
                postStart: {
                  exec: {
                    command: [
                      'sh',
                      '-c',
                      `for i in $(seq 1 60); do mc alias set local http://127.0.0.1:9000 "$MINIO_ROOT_USER" "$MINIO_ROOT_PASSWORD" >/dev/null 2>&1 && mc mb --ignore-existing 'local/${bucket}' && exit 0; sleep 2; done; exit 1`,
                    ],
                  },
                },
              },
            },
          },
          ctx,
        ),
      };
    },
    output: (r, ref, ctx) => s3Output(r, ref, ctx),
  },
  amqp: {
    provision: (r, ctx) => ({
      objects: dataServiceObjects(
        {
          id: r.id,
          image: r.image,
          ports: [{ name: 'amqp', port: 5672 }],
          env: [
            secretEnv(ctx, r, 'RABBITMQ_DEFAULT_PASS'),
            { name: 'RABBITMQ_DEFAULT_USER', value: ctx.dialect.lit(r.username) },
            { name: 'RABBITMQ_DEFAULT_VHOST', value: ctx.dialect.lit(r.vhost.replace(/\$/g, '$$$$')) },
          ],
          dataPath: '/var/lib/rabbitmq',
          probe: execProbe(['rabbitmq-diagnostics', '-q', 'ping'], 15),
        },
        ctx,
      ),
    }),
    output: (r, ref, ctx) =>
      pickOutput(
        {
          host: () => host(ctx, r),
          port: () => fixed(ctx, r, 'port', '5672'),
          vhost: () => fixed(ctx, r, 'vhost', r.vhost),
          username: () => fixed(ctx, r, 'username', r.username),
          password: () => password(ctx, r),
          url: () =>
            composeUrl(
              {
                scheme: defaultSchemes.amqp,
                username: fixed(ctx, r, 'username', r.username),
                password: password(ctx, r),
                host: host(ctx, r),
                port: fixed(ctx, r, 'port', '5672'),
                path: text(encodeURIComponent(r.vhost)),
              },
              ref.url,
            ),
        },
        ref,
      ),
  },
  volume: {
    provision: () => ({ objects: [] }),
    output: (r, ref) => (ref.output === 'source' ? text(r.id) : missingOutput(ref)),
  },
  service: {
    provision(r, ctx) {
      const values = containerValues(ctx, `resources.${r.id}`);
      const env = values.env(r.env);
      const command = r.command?.map(values.text);
      const args = r.args?.map(values.text);
      const probe = r.liveness ? serviceProbe(r.liveness.check) : undefined;
      return {
        objects: dataServiceObjects(
          {
            id: r.id,
            image: r.image,
            ports: r.ports.map((p) => ({
              name: p.name,
              port: p.port,
              protocol: p.protocol === 'udp' ? 'UDP' : 'TCP',
            })),
            env: [...values.helpers(), ...env],
            ...(command ? { command } : {}),
            ...(args ? { args } : {}),
            ...(probe ? { probe } : {}),
            mounts: r.volumes.map((v) => ({ name: v.volume, mountPath: v.path, readOnly: v.readOnly })),
            volumes: r.volumes.map((v) => ({
              name: v.volume,
              persistentVolumeClaim: { claimName: ctx.dialect.name(v.volume) },
            })),
          },
          ctx,
        ),
      };
    },
    output(r, ref, ctx) {
      if (ref.output === 'host') return host(ctx, r);
      if (ref.output === 'port') return fixed(ctx, r, 'port', String(r.ports[0]?.port ?? 80));
      const declared = r.outputs[ref.output];
      if (!declared) missingOutput(ref);
      return resolveResources(ctx.app, declared, kubeProvisioners, ctx);
    },
  },
};

function serviceProbe(check: ProbeCheck): Record<string, unknown> {
  if (check.kind === 'http')
    return {
      httpGet: { path: check.path, port: check.port, scheme: check.scheme.toUpperCase() },
      periodSeconds: 10,
    };
  if (check.kind === 'tcp') return { tcpSocket: { port: check.port }, periodSeconds: 10 };
  return { exec: { command: check.command }, periodSeconds: 10 };
}
