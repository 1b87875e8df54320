// The v2 normalized model (spec `version: 2` and Score files): workloads plus typed resources, wired by
// values, with installer inputs, generated secrets and notes. Every emitter's `emitApp` reads only this.
import type { Resource } from './resource.js';
import type { Workload } from './workload.js';

/** A value the installer fills in at install time (CapRover variable, Coolify placeholder, `.env` entry). */
export interface Input {
  /** UPPER_SNAKE id: `${inputs.SMTP_HOST}`; also the variable name where the target needs one. */
  id: string;
  label: string;
  description?: string;
  default?: string;
  /** The installer must give a value (no default, or an empty value is not allowed). */
  required: boolean;
  /** JavaScript regular expression source the value must match (without slashes). */
  pattern?: string;
  /** Hidden in UIs and never written into files. */
  secret: boolean;
}

export type SecretFormat = 'hex' | 'alphanumeric' | 'base64' | 'uuid';

/** A random value each platform generates once at install time (`${secrets.<id>}`). */
export interface GeneratedSecret {
  /** UPPER_SNAKE id; an inline `{secret: …}` env value gets the env var's name. */
  id: string;
  format: SecretFormat;
  /** Characters (uuid: always 36). */
  length: number;
}

/**
 * A feature a target cannot carry whose loss would break the app is an error for that target, unless the
 * spec accepts the loss explicitly (`targets.<target>.accept`).
 */
export type LossFeature =
  | 'worker'
  | 'release'
  | 'port'
  | 'probe'
  | 'file'
  | 'volume'
  | 'service'
  | 'stopGracePeriod'
  | 'sessionAffinity'
  | 'limits'
  | 'dependsOn'
  | 'replicas'
  | 'input';

export const lossFeatures: readonly LossFeature[] = [
  'worker',
  'release',
  'port',
  'probe',
  'file',
  'volume',
  'service',
  'stopGracePeriod',
  'sessionAffinity',
  'limits',
  'dependsOn',
  'replicas',
  'input',
];

/** Where the model came from; a Score file also lists what the mapping ignored. */
export interface ModelSource {
  format: 'paasport' | 'score';
  /** Input features with no place in the model, reported as warnings (`containers.web.resources.requests`). */
  ignored: { pointer: string; message: string }[];
}

export interface App {
  specVersion: 2;
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
  source: ModelSource;
  /** Sorted: release first, then web, then the rest by name. At most one release workload. */
  workloads: Workload[];
  /** Sorted by id. References to external resources are already rewritten into input references. */
  resources: Resource[];
  /** Sorted by id; includes the inputs created for external resources. */
  inputs: Input[];
  /** Sorted by id. */
  secrets: GeneratedSecret[];
  /** Post-install instructions (Markdown paragraphs) shown by the platform where it can. */
  notes: string[];
  /** Per target name: the losses the spec accepts. */
  accept: Record<string, LossFeature[]>;
  railway: { source: 'image' | 'github'; bucketRegion: 'sjc' | 'iad' | 'ams' | 'sin' };
}

export function workloadNamed(app: App, name: string): Workload | undefined {
  return app.workloads.find((w) => w.name === name);
}

export function resourceNamed(app: App, id: string): Resource | undefined {
  return app.resources.find((r) => r.id === id);
}

/** The public web workload (the one the platform's domain points at), if any. */
export function webWorkload(app: App): Workload | undefined {
  return app.workloads.find((w) => w.role === 'web');
}

/** Distinguishes the v2 model from the version 1 `AppModel`, which older emitters still read. */
export function isApp(model: object): model is App {
  return (model as { specVersion?: unknown }).specVersion === 2;
}
