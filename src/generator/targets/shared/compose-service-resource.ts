// A generic `service` resource (ClickHouse, Meilisearch, a second Redis) as a compose or Swarm service.
import type { ServiceResource } from '../../model/resource.js';
import { imageString } from '../../model/workload.js';
import { probeHealthcheck } from './compose-probe.js';
import { serviceTail } from './compose-service.js';
import { type ComposeCtx, type ComposeUnit, renderCompose } from './compose-values.js';

export function serviceResource(r: ServiceResource, ctx: ComposeCtx): ComposeUnit {
  const render = (v: Parameters<typeof renderCompose>[0]) => renderCompose(v, ctx);
  const published = r.ports.filter((p) => p.public);
  const health = probeHealthcheck([r.liveness], `resources.${r.id}`, ctx.report);
  return {
    services: {
      [r.id]: {
        image: imageString(r.image),
        ...(r.command ? { entrypoint: r.command.map(render) } : {}),
        ...(r.args ? { command: r.args.map(render) } : {}),
        ...(r.env.length > 0
          ? { environment: Object.fromEntries(r.env.map((e) => [e.name, render(e.value)])) }
          : {}),
        ...(published.length > 0 ? { ports: published.map((p) => ctx.publish(`resource ${r.id}`, p)) } : {}),
        ...(r.volumes.length > 0
          ? { volumes: r.volumes.map((v) => `${v.volume}:${v.path}${v.readOnly ? ':ro' : ''}`) }
          : {}),
        ...(health ? { healthcheck: health } : {}),
        ...serviceTail(ctx, 'resource', 1),
      },
    },
    volumes: [],
  };
}
