// What the Kubernetes targets (helm, k8s) share while building objects: the dialect that writes names, images
// and sizes (Helm templates or fixed manifests), and the registry of settings (one ConfigMap) and secrets (one
// Secret) that every reference in the app's values reads from.
import type { App, GeneratedSecret, Input } from '../../model/app.js';
import type { ResourceLimits } from '../../model/workload.js';
import type { Templates } from './kube-yaml.js';
import type { Report } from './report.js';

export type Store = 'settings' | 'secrets';

/** Where a setting's value comes from; each dialect writes it its own way. */
export type KeySource =
  | { kind: 'app'; output: 'url' | 'host' }
  | { kind: 'input'; input: Input }
  | { kind: 'generated'; secret: GeneratedSecret }
  /** A resource output: `bundled` when the chart runs it, the external value from values otherwise. */
  | {
      kind: 'resource';
      resource: string;
      output: string;
      bundled?: string;
      generate?: GeneratedSecret;
      /** Default of the external setting (`5432`, the database name). */
      externalDefault?: string;
    }
  /** A setting only the installer knows, with an example (the public S3 URL). */
  | { kind: 'setting'; path: string[]; example: string; comment: string };

export interface KeyEntry {
  store: Store;
  key: string;
  source: KeySource;
}

export interface KubeDialect {
  target: 'helm' | 'k8s';
  t: Templates;
  /** Object name of a component (`web`, `db`, `settings`). */
  name(component: string): string;
  /** Literal text from the spec, escaped for the file (Helm: `{{` would start an action). */
  lit(text: string): string;
  labels(component: string): Record<string, string>;
  selector(component: string): Record<string, string>;
  /** Image of a workload or resource; `path` names its values (`workloads.web`). */
  image(path: string[], image: { repository: string; tag: string } | undefined, owner: string): string;
  replicas(path: string[], n: number): number | string;
  resources(path: string[], limits?: ResourceLimits, requests?: ResourceLimits): unknown;
  storage(path: string[], size: string): string;
  /** Pod template annotations of workloads (Helm: a checksum of the settings, so pods roll when they change). */
  podAnnotations?: Record<string, string>;
}

export interface KubeCtx {
  app: App;
  dialect: KubeDialect;
  report: Report;
  keys: Map<string, KeyEntry>;
}

export function createKubeCtx(app: App, dialect: KubeDialect, report: Report): KubeCtx {
  return { app, dialect, report, keys: new Map() };
}

/** Registers a key (once) and returns it; two sources for one key are a bug in the caller. */
export function useKey(ctx: KubeCtx, store: Store, key: string, source: KeySource): KeyEntry {
  const existing = ctx.keys.get(key);
  if (existing) return existing;
  const entry = { store, key, source };
  ctx.keys.set(key, entry);
  return entry;
}

export function keysIn(ctx: KubeCtx, store: Store): KeyEntry[] {
  return [...ctx.keys.values()].filter((k) => k.store === store).sort((a, b) => (a.key < b.key ? -1 : 1));
}

/** `(index .Values "workloads" "web")`: values paths by index, as ids may contain dashes. */
export function valuesRef(path: string[]): string {
  return path.length === 0 ? '.Values' : `(index .Values ${path.map((p) => JSON.stringify(p)).join(' ')})`;
}
