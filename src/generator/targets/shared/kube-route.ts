// Public routes: to the web workload's HTTP port, and to the S3 API of a bundled bucket browsers reach. Each
// is a Gateway API HTTPRoute (k3s' Traefik and most current controllers speak it) or, as the alternative, a
// plain networking.k8s.io/v1 Ingress with no controller-specific annotations.
import { webWorkload } from '../../model/app.js';
import { bundled } from '../../model/resource.js';
import { httpPort } from '../../model/workload.js';
import type { KubeCtx } from './kube-context.js';

export interface RouteSettings {
  /** HTTPRoute parentRefs (a list, or a Helm block marker). */
  parentRefs: unknown;
  /** HTTPRoute timeouts (an object, or a Helm block marker); undefined leaves the controller's defaults. */
  timeouts?: unknown;
  ingressClassName?: unknown;
  tls?: unknown;
}

export interface Route {
  /** Component name (`web`, `minio-s3`). */
  component: string;
  httpRoute: Record<string, unknown>;
  ingress: Record<string, unknown>;
}

function route(
  ctx: KubeCtx,
  component: string,
  labelsOf: string,
  service: string,
  port: number,
  host: string,
  s: RouteSettings,
  timeouts: boolean,
): Route {
  const d = ctx.dialect;
  const metadata = { name: d.name(component), labels: d.labels(labelsOf) };
  return {
    component,
    httpRoute: {
      apiVersion: 'gateway.networking.k8s.io/v1',
      kind: 'HTTPRoute',
      metadata,
      spec: {
        parentRefs: s.parentRefs,
        hostnames: [host],
        rules: [
          {
            matches: [{ path: { type: 'PathPrefix', value: '/' } }],
            backendRefs: [{ name: service, port }],
            ...(timeouts && s.timeouts !== undefined ? { timeouts: s.timeouts } : {}),
          },
        ],
      },
    },
    ingress: {
      apiVersion: 'networking.k8s.io/v1',
      kind: 'Ingress',
      metadata,
      spec: {
        ...(s.ingressClassName !== undefined ? { ingressClassName: s.ingressClassName } : {}),
        ...(s.tls !== undefined ? { tls: s.tls } : {}),
        rules: [
          {
            host,
            http: {
              paths: [
                {
                  path: '/',
                  pathType: 'Prefix',
                  backend: { service: { name: service, port: { number: port } } },
                },
              ],
            },
          },
        ],
      },
    },
  };
}

/**
 * The app's routes. `host` is the app's host; `s3Host(id)` the host of a public bucket's S3 API (only
 * buckets whose public endpoint the app reads are routed).
 */
export function kubeRoutes(
  ctx: KubeCtx,
  host: string,
  s3Host: (id: string) => string,
  s: RouteSettings,
): Route[] {
  const routes: Route[] = [];
  const web = webWorkload(ctx.app);
  const port = web ? httpPort(web) : undefined;
  if (web && port?.public) {
    routes.push(
      route(ctx, web.name, web.name, ctx.dialect.name(web.name), port.port, host, s, web.websocket),
    );
  }
  for (const r of bundled(ctx.app.resources)) {
    if (r.type === 's3' && r.public && ctx.keys.has(`resource.${r.id}.publicEndpoint`)) {
      routes.push(route(ctx, `${r.id}-s3`, r.id, ctx.dialect.name(r.id), 9000, s3Host(r.id), s, false));
    }
  }
  return routes;
}
