// Delivery to Pusher connections through paasport's own fan-out: a FanOut of this face (same bus topics,
// same gap fill from PostgreSQL) whose outbox turns each paasport frame into its Pusher frame once per
// broadcast, then writes it through the shared Outbox (corking, slow-consumer cut) to every peer but the
// excluded sender.
import { Gauge } from 'prom-client';
import type { ChannelContext } from '../channels/context.js';
import { FanOut } from '../channels/fanout.js';
import { type Framed, frameText, type Outbox, type Peer } from '../channels/outbox.js';
import type { Deps } from '../deps.js';
import { type Translated, translate } from './frames.js';

/** A Pusher connection as the outbox sees it. */
export interface PusherPeer extends Peer {
  readonly socketId: string;
}

class TranslatingOutbox {
  // A broadcast writes the same Framed to every subscriber in a row: translate it once.
  #last: { from: Framed; to: (Translated & { framed: Framed }) | null } | undefined;

  constructor(private readonly outbox: Outbox) {}

  write(peer: Peer, framed: Framed): boolean {
    if (this.#last?.from !== framed) {
      const t = translate(framed.text);
      this.#last = { from: framed, to: t ? { ...t, framed: frameText(t.text) } : null };
    }
    const to = this.#last.to;
    if (!to) return false;
    if (to.exclude !== undefined && (peer as PusherPeer).socketId === to.exclude) return false;
    return this.outbox.write(peer, to.framed);
  }
}

export function createPusherFanOut(deps: Deps, context: ChannelContext): FanOut {
  const metrics = {
    ...context.metrics,
    localChannels: new Gauge({
      name: 'paasport_pusher_channels_served',
      help: 'Pusher channels with at least one subscriber on this replica',
      registers: [deps.metrics.registry],
    }),
  };
  return new FanOut(
    deps.bus,
    context.store,
    new TranslatingOutbox(context.outbox),
    deps.config.redis.keyPrefix,
    metrics,
    context.log.child({ face: 'pusher' }),
  );
}
