// Shared pieces of the compose provisioners: the probe timing of bundled services, the unit of one service.
import type { Value } from '../../model/value.js';
import { serviceTail } from './compose-service.js';
import type { ComposeCtx, ComposeUnit, Service } from './compose-values.js';

export const resourceProbe = { interval: 5, timeout: 5, retries: 10, startPeriod: 0 };

export const raw = (t: string): Value => [{ kind: 'raw', text: t }];

export function unit(ctx: ComposeCtx, id: string, service: Service, volumes: string[] = []): ComposeUnit {
  return { services: { [id]: { ...service, ...serviceTail(ctx, 'resource', 1) } }, volumes };
}
