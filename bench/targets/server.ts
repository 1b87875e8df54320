// A server under test: started in its own process with the memory probe preloaded, ready when its
// readiness URL answers 200, and measurable from outside (CPU from /proc, memory after GC over IPC).
import { Child, freePort, rssBytes, waitHttpOk } from '../lib/proc.js';
import type { Protocol } from '../load/clients.js';

const PROBE = new URL('../lib/probe.mjs', import.meta.url).href;

export type Mem = {
  rss: number;
  heapUsed: number;
  heapTotal: number;
  external: number;
  arrayBuffers: number;
};

export type Server = {
  name: string;
  child: Child;
  port: number;
  httpUrl: string;
  /** URL the subscriber clients connect to (WebSocket URL for JSON, HTTP origin for Socket.IO). */
  clientUrl: string;
  readyMs: number;
  mem(): Promise<Mem>;
};

export type StartSpec = {
  name: string;
  script: string;
  args?: string[];
  env?: Record<string, string>;
  tsx?: boolean;
  /** Extra node flags (e.g. --cpu-prof, which NODE_OPTIONS does not accept). */
  nodeArgs?: string[];
  /** An executable started as is (no node, no memory probe): memory is its RSS from /proc. */
  binary?: boolean;
  /** Argument list built from the chosen port (binaries read their port from a config file). */
  argsFor?: (port: number) => string[];
  readyPath?: string;
  readyTimeoutMs?: number;
  clientUrl: (port: number) => string;
};

export async function startServer(spec: StartSpec): Promise<Server> {
  const port = await freePort();
  const child = new Child(spec.script, spec.argsFor?.(port) ?? spec.args ?? [], {
    name: spec.name,
    env: { ...spec.env, PORT: String(port) },
    nodeArgs: ['--expose-gc', '--import', PROBE, ...(spec.nodeArgs ?? [])],
    tsx: spec.tsx ?? false,
    binary: spec.binary ?? false,
  });
  const httpUrl = `http://127.0.0.1:${port}`;
  try {
    const readyMs = await waitHttpOk(
      `${httpUrl}${spec.readyPath ?? '/readyz'}`,
      spec.readyTimeoutMs ?? 60_000,
      child,
    );
    return {
      name: spec.name,
      child,
      port,
      httpUrl,
      clientUrl: spec.clientUrl(port),
      readyMs,
      mem: spec.binary
        ? async () => {
            const rss = rssBytes(child.pid);
            return { rss, heapUsed: Number.NaN, heapTotal: Number.NaN, external: 0, arrayBuffers: 0 };
          }
        : () => child.request<Mem>('mem', {}, 30_000),
    };
  } catch (err) {
    await child.stop();
    throw err;
  }
}

export type Deployment = {
  servers: Server[];
  protocol: Protocol;
  /** Bearer key for HTTP publish (paasport); empty for peers without auth. */
  apiKey: string;
  /** Database of this deployment, when it has one (for bulk loads in the counts scenario). */
  databaseUrl?: string;
  stop(): Promise<void>;
};

export type DeployOptions = { replicas: number; env?: Record<string, string>; nodeArgs?: string[] };

export type Target = {
  id: string;
  label: string;
  protocol: Protocol;
  /** Whether several replicas can share one channel (through Redis). */
  multiReplica: boolean;
  deploy(opts: DeployOptions): Promise<Deployment>;
};

export async function stopAll(servers: Server[]): Promise<void> {
  await Promise.all(servers.map((s) => s.child.stop()));
}
