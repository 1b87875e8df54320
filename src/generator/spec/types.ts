// TypeScript shape of a validated app spec (mirrors app-spec.schema.json; the schema is the source of truth).
export type EnvSpecValue = string | number | boolean | { secret: { length?: number } } | { from: string };

export interface AppSpec {
  $schema?: string;
  version: 1;
  name: string;
  displayName?: string;
  description: string;
  documentation?: string;
  repository?: string;
  category?: string;
  tags?: string[];
  logo?: string;
  app: {
    image: string;
    version: string;
    build?: { context?: string; dockerfile?: string };
    port: number;
    healthPath?: string;
    readinessPath?: string;
    healthCommand?: 'node' | 'wget' | 'curl';
    websocket?: boolean;
    replicas?: number;
    stopGracePeriod?: number;
    command?: string[];
    env?: Record<string, EnvSpecValue>;
    volumes?: { name: string; path: string }[];
  };
  addons?: {
    postgres?: AddonSpec & { database?: string; user?: string };
    redis?: AddonSpec;
    minio?: AddonSpec & { bucket?: string; region?: string };
  };
  targets?: {
    railway?: { source?: 'image' | 'github'; bucketRegion?: 'sjc' | 'iad' | 'ams' | 'sin' };
  };
}

export interface AddonSpec {
  image?: string;
  version?: string;
  env?: Record<string, string>;
}

/** One problem in a spec, located by JSON pointer. */
export interface SpecError {
  pointer: string;
  message: string;
  expected?: string;
  hint?: string;
}
