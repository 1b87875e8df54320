// Compose and Swarm provisioners, one per resource type: the service that runs the resource (with its data
// volume and health check) and how each output reads (service host names, credentials from `.env`).

import { text } from '../../model/value.js';
import { amqp, s3 } from './compose-amqp-s3.js';
import { postgres, redis } from './compose-postgres-redis.js';
import { serviceResource } from './compose-service-resource.js';
import type { ComposeCtx, ComposeUnit } from './compose-values.js';
import { missingOutput, type Provisioners, resolveResources } from './provisioner.js';

export const composeProvisioners: Provisioners<ComposeCtx, ComposeUnit> = {
  postgres,
  redis,
  s3,
  amqp,
  volume: {
    provision: (r) => ({ services: {}, volumes: [r.id] }),
    output: (r, ref) => (ref.output === 'source' ? text(r.id) : missingOutput(ref)),
  },
  service: {
    provision: (r, ctx) => serviceResource(r, ctx),
    output(r, ref, ctx) {
      if (ref.output === 'host') return text(r.id);
      if (ref.output === 'port') return text(String(r.ports[0]?.port ?? 80));
      const declared = r.outputs[ref.output];
      if (!declared) missingOutput(ref);
      return resolveResources(ctx.app, declared, ctx.provisioners, ctx);
    },
  },
};
