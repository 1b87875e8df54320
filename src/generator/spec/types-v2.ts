// TypeScript shape of a version 2 spec (mirrors app-spec-v2.schema.json; the schema is the source of truth).
import type { LossFeature } from '../model/app.js';

export type EnvSpecValueV2 =
  | string
  | number
  | boolean
  | { secret: SecretSpec }
  | { input: InputSpec }
  | { from: string; scheme?: string; query?: Record<string, string | number | boolean> };

export interface SecretSpec {
  format?: 'hex' | 'alphanumeric' | 'base64' | 'uuid';
  length?: number;
}

export interface InputSpec {
  label: string;
  description?: string;
  default?: string | number | boolean;
  required?: boolean;
  pattern?: string;
  secret?: boolean;
}

export interface PortSpec {
  port: number;
  protocol?: 'tcp' | 'udp';
  http?: boolean;
  public?: boolean;
  published?: number;
}

export interface ProbeSpec {
  http?: {
    path: string;
    port?: number | string;
    scheme?: 'http' | 'https';
    tool?: 'curl' | 'wget' | 'node' | 'python';
  };
  exec?: { command: string[] };
  tcp?: { port: number | string; tool?: 'nc' | 'bash' };
  interval?: number;
  timeout?: number;
  retries?: number;
  startPeriod?: number;
}

export interface LimitsSpec {
  cpu?: string;
  memory?: string;
}

export interface BuildSpec {
  context?: string;
  dockerfile?: string;
}

export interface WorkloadSpec {
  role?: 'web' | 'worker' | 'scheduler' | 'release';
  /** `repository:tag`. */
  image?: string;
  build?: BuildSpec;
  command?: string[];
  args?: string[];
  env?: Record<string, EnvSpecValueV2>;
  ports?: Record<string, number | PortSpec>;
  volumes?: Record<string, { volume: string; readOnly?: boolean }>;
  files?: Record<string, { content: string; mode?: string; noExpand?: boolean }>;
  probes?: { liveness?: ProbeSpec; readiness?: ProbeSpec };
  replicas?: number;
  stopGracePeriod?: number;
  limits?: LimitsSpec;
  requests?: LimitsSpec;
  dependsOn?: Record<string, 'started' | 'healthy' | 'completed'>;
  sessionAffinity?: boolean;
  websocket?: boolean;
}

export interface ResourceSpec {
  type: 'postgres' | 'redis' | 's3' | 'amqp' | 'volume' | 'service';
  image?: string;
  version?: string;
  external?: boolean | { wholeUrl?: boolean };
  database?: string;
  username?: string;
  config?: Record<string, string | number>;
  persistence?: boolean;
  bucket?: string;
  region?: string;
  public?: boolean;
  vhost?: string;
  command?: string[];
  args?: string[];
  env?: Record<string, EnvSpecValueV2>;
  ports?: Record<string, number | PortSpec>;
  volumes?: Record<string, { volume: string; readOnly?: boolean }>;
  probes?: { liveness?: ProbeSpec };
  outputs?: Record<string, string>;
}

export interface TargetOptionsSpec {
  accept?: LossFeature[];
  source?: 'image' | 'github';
  bucketRegion?: 'sjc' | 'iad' | 'ams' | 'sin';
}

export interface AppSpecV2 {
  $schema?: string;
  version: 2;
  name: string;
  displayName?: string;
  description: string;
  documentation?: string;
  repository?: string;
  category?: string;
  tags?: string[];
  logo?: string;
  /** `repository:tag` of every workload that names no image. */
  image?: string;
  build?: BuildSpec;
  /** Env of every workload; a workload's own env overrides a name. */
  env?: Record<string, EnvSpecValueV2>;
  workloads: Record<string, WorkloadSpec>;
  resources?: Record<string, ResourceSpec>;
  inputs?: Record<string, InputSpec>;
  secrets?: Record<string, SecretSpec>;
  notes?: string;
  targets?: Record<string, TargetOptionsSpec>;
}
