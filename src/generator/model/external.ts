// Inputs that stand for an external resource's outputs (a managed PostgreSQL the installer brings): one input
// per connection part, or one for the whole URL. Shared by the semantic checks and normalize.
import type { Input } from './app.js';
import type { ResourceType } from './resource.js';

interface PartSpec {
  output: string;
  label: string;
  default?: string;
  secret?: boolean;
}

const parts: Partial<Record<ResourceType, PartSpec[]>> = {
  postgres: [
    { output: 'host', label: 'host' },
    { output: 'port', label: 'port', default: '5432' },
    { output: 'database', label: 'database name' },
    { output: 'username', label: 'user' },
    { output: 'password', label: 'password', secret: true },
  ],
  redis: [
    { output: 'host', label: 'host' },
    { output: 'port', label: 'port', default: '6379' },
    { output: 'password', label: 'password', secret: true },
  ],
  s3: [
    { output: 'endpoint', label: 'endpoint URL' },
    { output: 'bucket', label: 'bucket' },
    { output: 'region', label: 'region', default: 'us-east-1' },
    { output: 'accessKeyId', label: 'access key id' },
    { output: 'secretKey', label: 'secret key', secret: true },
  ],
  amqp: [
    { output: 'host', label: 'host' },
    { output: 'port', label: 'port', default: '5672' },
    { output: 'vhost', label: 'virtual host', default: '/' },
    { output: 'username', label: 'user' },
    { output: 'password', label: 'password', secret: true },
  ],
};

const typeLabels: Record<ResourceType, string> = {
  postgres: 'PostgreSQL',
  redis: 'Redis',
  s3: 'S3',
  amqp: 'RabbitMQ (AMQP)',
  volume: 'volume',
  service: 'service',
};

export function canBeExternal(type: ResourceType): boolean {
  return parts[type] !== undefined;
}

export function inputId(resource: string, output: string): string {
  const snake = output.replace(/([a-z])([A-Z])/g, '$1_$2');
  return `${resource}_${snake}`.replace(/-/g, '_').toUpperCase();
}

/** The inputs an external resource adds, in output order. */
export function externalInputs(
  id: string,
  type: ResourceType,
  wholeUrl: boolean,
): (Input & { output: string })[] {
  const label = `${typeLabels[type]} ${id}`;
  if (wholeUrl) {
    return [
      {
        id: inputId(id, 'url'),
        output: 'url',
        label: `${label}: connection URL`,
        required: true,
        secret: true,
      },
    ];
  }
  return (parts[type] ?? []).map((p) => ({
    id: inputId(id, p.output),
    output: p.output,
    label: `${label}: ${p.label}`,
    required: true,
    secret: p.secret ?? false,
    // Connection URLs are composed from the parts as given: the installer has to encode what a URL reserves.
    ...(p.secret ? { description: 'URL-encode the characters @ : / ? # % if it has any' } : {}),
    ...(p.default !== undefined ? { default: p.default } : {}),
  }));
}

/** Outputs an external resource can give (others, like s3 `hostPort`, need the bundled service). */
export function externalOutputs(type: ResourceType, wholeUrl: boolean): string[] {
  if (wholeUrl) return ['url'];
  const given = (parts[type] ?? []).map((p) => p.output);
  const derived: Partial<Record<ResourceType, string[]>> = {
    postgres: ['name', 'url'],
    redis: ['username', 'url'],
    s3: ['publicEndpoint'],
    amqp: ['url'],
  };
  return [...given, ...(derived[type] ?? [])];
}
