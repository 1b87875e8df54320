// The normalized, target-neutral model every emitter reads. Defaults are applied once, in normalize.ts.
import type { AddonKind } from './catalog.js';

/** What an env var of the app receives; each target renders it in its own syntax. */
export type EnvValue =
  | { kind: 'literal'; value: string }
  /** A random value the platform generates at install time, owned by this variable. */
  | { kind: 'secret'; length: number }
  | { kind: 'addon'; addon: AddonKind; output: string }
  /** The app's own public URL (scheme and host). */
  | { kind: 'appUrl' };

export interface EnvVar {
  name: string;
  value: EnvValue;
}

export interface AppService {
  image: string;
  version: string;
  build?: { context: string; dockerfile: string };
  port: number;
  healthPath: string;
  readinessPath?: string;
  healthCommand: 'node' | 'wget' | 'curl';
  websocket: boolean;
  replicas: number;
  stopGracePeriod: number;
  command?: string[];
  volumes: { name: string; path: string }[];
  /** Sorted by name. */
  env: EnvVar[];
}

export interface AddonImage {
  image: string;
  version: string;
}

export interface AppModel {
  name: string;
  displayName: string;
  description: string;
  documentation?: string;
  repository?: string;
  category: string;
  tags: string[];
  /** PNG bytes of the logo, when the spec names one; targets otherwise draw one. */
  logo?: Uint8Array;
  /** Spec path as written in generated-file headers (POSIX, relative to the output root). */
  specPath: string;
  app: AppService;
  postgres?: AddonImage & { database: string; user: string };
  redis?: AddonImage;
  minio?: AddonImage & { bucket: string; region: string };
  railway: { source: 'image' | 'github'; bucketRegion: 'sjc' | 'iad' | 'ams' | 'sin' };
}

export function imageRef(image: AddonImage): string {
  return `${image.image}:${image.version}`;
}
