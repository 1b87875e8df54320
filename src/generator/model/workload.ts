// Workloads of the v2 model: the app's containers (web, workers, scheduler, release step), each with its
// image or build, command, env, ports, volumes, files, probes and ordering. Target-neutral, defaults applied.
import type { Value } from './value.js';

/**
 * web: serves public HTTP/WebSocket (at most one public HTTP port); worker and scheduler: long-running, no
 * public HTTP; release: a one-off command that must succeed before the new version serves (migrations).
 */
export type WorkloadRole = 'web' | 'worker' | 'scheduler' | 'release';

export interface ImageRef {
  /** Repository without tag, e.g. `ghcr.io/acme/api`. */
  repository: string;
  /** Pinned tag (never `latest`). */
  tag: string;
}

export interface BuildRef {
  context: string;
  dockerfile: string;
}

export interface Port {
  /** Unique within the workload, e.g. `http`, `grpc`, `metrics`. */
  name: string;
  /** Container port. */
  port: number;
  protocol: 'tcp' | 'udp';
  /** HTTP (and WebSocket) traffic; the platform's proxy routes a public HTTP port by host name. */
  http: boolean;
  /** Reachable from outside the app's network; internal ports only from the app's other services. */
  public: boolean;
  /** Host port a published (non-HTTP-routed) port should take where the target publishes ports. */
  published?: number;
}

export interface VolumeMount {
  /** Id of a `volume` resource. */
  volume: string;
  path: string;
  readOnly: boolean;
}

export interface FileMount {
  /** Absolute path in the container. */
  path: string;
  /** File content; placeholders already parsed (a `noExpand` file is a single text part). */
  content: Value;
  /** Octal mode, e.g. `0644`. */
  mode?: string;
}

/** The tools a probe may run inside the image; an HTTP probe needs one where the target probes from inside. */
export type ProbeTool = 'curl' | 'wget' | 'node' | 'python';

export type ProbeCheck =
  | {
      kind: 'http';
      path: string;
      port: number;
      scheme: 'http' | 'https';
      /** The HTTP client the image ships; undefined means unknown (targets that probe inside must error). */
      tool?: ProbeTool;
    }
  | { kind: 'exec'; command: string[] }
  | {
      kind: 'tcp';
      port: number;
      /** How the image can open a TCP connection (`nc -z`, bash `/dev/tcp`); undefined means unknown. */
      tool?: 'nc' | 'bash';
    };

export interface Probe {
  check: ProbeCheck;
  /** Seconds. */
  interval: number;
  timeout: number;
  retries: number;
  startPeriod: number;
}

export type DependencyCondition = 'started' | 'healthy' | 'completed';

export interface Dependency {
  /** A workload name or a bundled resource id (external resources are never waited for). */
  on: { workload: string } | { resource: string };
  condition: DependencyCondition;
}

export interface ResourceLimits {
  /** Whole or fractional CPUs as a string, e.g. `0.5`, `2`. */
  cpu?: string;
  /** Bytes with unit, e.g. `512M`, `1.5Gi`. */
  memory?: string;
}

export interface EnvVar {
  name: string;
  value: Value;
}

export interface Workload {
  /** DNS label, unique in the app; names the service on every target (the web workload is usually `web`). */
  name: string;
  role: WorkloadRole;
  /** Set unless the workload is built only; with both, the target chooses (build from Git or pull). */
  image?: ImageRef;
  build?: BuildRef;
  /** Name of the workload whose image (or build) this one reuses, when the spec said so. */
  imageOf?: string;
  /** Overrides the image entrypoint (Score `command`). */
  command?: Value[];
  /** Overrides the image arguments (Score `args`). */
  args?: Value[];
  /** Sorted by name. */
  env: EnvVar[];
  /** Sorted: the HTTP port first, then by name. */
  ports: Port[];
  volumes: VolumeMount[];
  files: FileMount[];
  liveness?: Probe;
  readiness?: Probe;
  /** 1 for release; workers may be scaled. */
  replicas: number;
  /** Seconds between SIGTERM and SIGKILL. */
  stopGracePeriod: number;
  limits?: ResourceLimits;
  requests?: ResourceLimits;
  dependsOn: Dependency[];
  /** Sticky sessions for the public HTTP port (Traefik cookie, k8s ClientIP affinity). */
  sessionAffinity: boolean;
  /** The public HTTP port carries WebSockets (proxies need upgrade support and long timeouts). */
  websocket: boolean;
}

/** The workload's HTTP port, if any. */
export function httpPort(w: Workload): Port | undefined {
  return w.ports.find((p) => p.http);
}

/** `repository:tag` of an image. */
export function imageString(image: ImageRef): string {
  return `${image.repository}:${image.tag}`;
}
