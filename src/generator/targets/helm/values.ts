// values.yaml (with a comment on each setting) and values.schema.json, which Helm enforces on install, upgrade,
// lint and template: workload images and replicas, bundled resources (each switchable to an external one),
// the route, and the installer inputs.
import { Document, isMap, type Pair, type Scalar } from 'yaml';
import type { App } from '../../model/app.js';
import { bundled, type Resource } from '../../model/resource.js';
import type { ResourceLimits, Workload } from '../../model/workload.js';
import { generatedNotice } from '../../render/text.js';
import { type KubeCtx, keysIn } from '../shared/kube-context.js';

const str = { type: 'string' };
const object = (properties: Record<string, unknown>, extra: Record<string, unknown> = {}) => ({
  type: 'object',
  properties,
  ...extra,
});
const imageSchema = object({ repository: str, tag: str }, { required: ['repository', 'tag'] });

function sizes(limits?: ResourceLimits, requests?: ResourceLimits): Record<string, unknown> {
  const q = (l?: ResourceLimits) =>
    l ? Object.fromEntries(Object.entries(l).filter(([, v]) => v !== undefined)) : {};
  return {
    ...(Object.keys(q(limits)).length > 0 ? { limits: q(limits) } : {}),
    ...(Object.keys(q(requests)).length > 0 ? { requests: q(requests) } : {}),
  };
}

function workloadValues(w: Workload): Record<string, unknown> {
  return {
    image: { repository: w.image?.repository ?? '', tag: w.image?.tag ?? 'latest' },
    ...(w.role === 'release' ? {} : { replicas: w.replicas }),
    resources: sizes(w.limits, w.requests),
  };
}

/** External settings of a resource: the outputs the app reads, with their defaults. */
function externalValues(ctx: KubeCtx, r: Resource): Record<string, unknown> {
  const entries = [...keysIn(ctx, 'settings'), ...keysIn(ctx, 'secrets')].filter(
    (e) => e.source.kind === 'resource' && e.source.resource === r.id,
  );
  return Object.fromEntries(
    entries
      .map((e) => {
        const s = e.source as { output: string; externalDefault?: string };
        return [s.output, s.externalDefault ?? ''] as [string, string];
      })
      .sort(([a], [b]) => (a < b ? -1 : 1)),
  );
}

function resourceValues(ctx: KubeCtx, r: Resource): Record<string, unknown> {
  if (r.type === 'volume') return { storage: '8Gi' };
  const publicEndpoint = ctx.keys.has(`resource.${r.id}.publicEndpoint`);
  return {
    enabled: true,
    image: { repository: r.image.repository, tag: r.image.tag },
    ...(r.type === 'redis' && !r.persistence ? {} : { storage: r.type === 'redis' ? '2Gi' : '8Gi' }),
    resources: {},
    ...(publicEndpoint ? { publicEndpoint: '' } : {}),
    external: externalValues(ctx, r),
  };
}

export function helmValues(app: App, ctx: KubeCtx, websocket: boolean): Record<string, unknown> {
  return {
    host: '',
    url: '',
    route: {
      kind: 'HTTPRoute',
      parentRefs: [{ name: 'traefik-gateway', namespace: 'kube-system' }],
      timeouts: websocket ? { request: '0s' } : {},
    },
    ingress: { className: 'traefik', tls: [] },
    workloads: Object.fromEntries(app.workloads.map((w) => [w.name, workloadValues(w)])),
    resources: Object.fromEntries(bundled(app.resources).map((r) => [r.id, resourceValues(ctx, r)])),
    inputs: Object.fromEntries(
      app.inputs.filter((i) => i.default !== undefined && !i.secret).map((i) => [i.id, i.default]),
    ),
  };
}

export function valuesYaml(app: App, values: Record<string, unknown>): string {
  const doc = new Document(values);
  const note = (path: string[], text: string) => {
    let node: unknown = doc.contents;
    let pair: Pair | undefined;
    for (const key of path) {
      if (!isMap(node)) return;
      pair = node.items.find((p) => (p.key as Scalar).value === key) as Pair | undefined;
      node = pair?.value;
    }
    if (pair)
      (pair.key as Scalar).commentBefore = text
        .split('\n')
        .map((l) => ` ${l}`)
        .join('\n');
  };
  note(['host'], 'Public host name of the app (required), e.g. app.example.com.');
  note(['url'], 'Public URL as browsers reach it; https://<host> when empty.');
  note(
    ['route'],
    'kind: HTTPRoute (Gateway API; needs its CRDs and a Gateway, see parentRefs), Ingress, or none.\n' +
      'timeouts: HTTPRoute rule timeouts; "0s" disables the request timeout for long-lived WebSockets.',
  );
  note(['ingress'], 'Used when route.kind is Ingress: a plain networking.k8s.io/v1 Ingress, no annotations.');
  note(['workloads'], 'Image, replicas and resources (limits/requests) of each workload.');
  note(
    ['resources'],
    'Bundled services run as StatefulSets with their data on a PersistentVolumeClaim.\n' +
      'Set enabled: false and fill in external to use a managed service instead.',
  );
  const required = app.inputs.filter((i) => i.required && i.default === undefined);
  note(
    ['inputs'],
    `Values the installer gives${required.length > 0 ? `; required: ${required.map((i) => i.id).join(', ')}` : ''}.\n` +
      'Secret inputs are kept in the release Secret once given.',
  );
  doc.commentBefore = ` ${generatedNotice(app.specPath)}`;
  return doc.toString({ indent: 2, indentSeq: true, lineWidth: 0 });
}

export function valuesSchema(app: App, values: Record<string, unknown>): Record<string, unknown> {
  const workloads = values.workloads as Record<string, Record<string, unknown>>;
  const resources = values.resources as Record<string, Record<string, unknown>>;
  return {
    $schema: 'http://json-schema.org/draft-07/schema#',
    type: 'object',
    additionalProperties: false,
    properties: {
      host: str,
      url: str,
      route: object(
        {
          kind: { type: 'string', enum: ['HTTPRoute', 'Ingress', 'none'] },
          parentRefs: {
            type: 'array',
            items: object({ name: str, namespace: str, sectionName: str }, { required: ['name'] }),
          },
          timeouts: object({ request: str, backendRequest: str }, { additionalProperties: false }),
        },
        { required: ['kind'] },
      ),
      ingress: object({ className: str, tls: { type: 'array' } }),
      workloads: object(
        Object.fromEntries(
          Object.entries(workloads).map(([name, w]) => [
            name,
            object({
              image: imageSchema,
              ...('replicas' in w ? { replicas: { type: 'integer', minimum: 0 } } : {}),
              resources: { type: 'object' },
            }),
          ]),
        ),
        { additionalProperties: false },
      ),
      resources: object(
        Object.fromEntries(
          Object.entries(resources).map(([id, r]) => [
            id,
            object({
              ...('enabled' in r
                ? { enabled: { type: 'boolean' }, image: imageSchema, resources: { type: 'object' } }
                : {}),
              storage: str,
              ...('publicEndpoint' in r ? { publicEndpoint: str } : {}),
              ...('external' in r
                ? {
                    external: object(
                      Object.fromEntries(
                        Object.keys(r.external as object).map((k) => [k, { type: ['string', 'integer'] }]),
                      ),
                    ),
                  }
                : {}),
            }),
          ]),
        ),
        { additionalProperties: false },
      ),
      inputs: object(
        Object.fromEntries(
          app.inputs.map((i) => [
            i.id,
            {
              type: 'string',
              ...(i.description ? { description: i.description } : {}),
              ...(i.pattern ? { pattern: i.pattern } : {}),
            },
          ]),
        ),
        { additionalProperties: false },
      ),
    },
    required: ['route', 'workloads', 'resources', 'inputs'],
  };
}
