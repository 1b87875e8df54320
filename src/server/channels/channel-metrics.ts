// Prometheus metrics of the channels, registered on the app's registry next to the foundation's metrics.
import { Counter, Gauge, Histogram } from 'prom-client';
import type { Metrics } from '../metrics.js';

export interface ChannelMetrics {
  published: Counter;
  /** From a publish call to its commit (HTTP and WebSocket alike); the admin summary reads its p99. */
  publishDuration: Histogram;
  deliveries: Counter;
  gapFills: Counter<'reason'>;
  lostOffsets: Counter<'reason'>;
  slowConsumers: Counter;
  rateLimited: Counter<'transport'>;
  localChannels: Gauge;
}

export function createChannelMetrics(metrics: Metrics): ChannelMetrics {
  const registers = [metrics.registry];
  return {
    published: new Counter({
      name: 'paasport_messages_published_total',
      help: 'Messages committed by this replica (idempotent replays excluded)',
      registers,
    }),
    publishDuration: new Histogram({
      name: 'paasport_publish_duration_seconds',
      help: 'Time from a publish to its commit in PostgreSQL (batching included)',
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers,
    }),
    deliveries: new Counter({
      name: 'paasport_message_deliveries_total',
      help: 'Message frames written to subscribers of this replica',
      registers,
    }),
    gapFills: new Counter({
      name: 'paasport_gap_fills_total',
      help: 'Reads from PostgreSQL to fill offsets the bus did not deliver, by trigger',
      labelNames: ['reason'],
      registers,
    }),
    lostOffsets: new Counter({
      name: 'paasport_lost_offsets_total',
      help: 'Offsets live subscribers were told (gap frame) they will not get, by reason',
      labelNames: ['reason'],
      registers,
    }),
    slowConsumers: new Counter({
      name: 'paasport_slow_consumers_total',
      help: 'Connections closed because their send buffer passed WS_MAX_BUFFERED',
      registers,
    }),
    rateLimited: new Counter({
      name: 'paasport_rate_limited_total',
      help: 'Requests and frames refused by rate limits, by transport',
      labelNames: ['transport'],
      registers,
    }),
    localChannels: new Gauge({
      name: 'paasport_channels_served',
      help: 'Channels with at least one subscriber on this replica',
      registers,
    }),
  };
}
