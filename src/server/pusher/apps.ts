// The Pusher apps this server answers for: the default app from PUSHER_APP_ID/KEY/SECRET and its
// options, then every entry of PUSHER_APPS. Looked up by key (WebSocket path) and by id (HTTP API path).
import type { Env } from '../config/load.js';

export interface WebhookTarget {
  url: string;
  /** Event names sent to this URL; undefined sends every kind. */
  eventTypes?: string[];
}

export interface PusherApp {
  id: string;
  key: string;
  secret: string;
  enableClientMessages: boolean;
  enableUserAuthentication: boolean;
  /** Across replicas; 0 means no limit of its own. */
  maxConnections: number;
  maxPresenceMembers: number;
  maxEventPayloadBytes: number;
  webhooks: WebhookTarget[];
}

export class PusherApps {
  readonly #byKey = new Map<string, PusherApp>();
  readonly #byId = new Map<string, PusherApp>();

  constructor(apps: PusherApp[]) {
    for (const app of apps) {
      this.#byKey.set(app.key, app);
      this.#byId.set(app.id, app);
    }
  }

  get all(): PusherApp[] {
    return [...this.#byId.values()];
  }

  get size(): number {
    return this.#byId.size;
  }

  byKey(key: string): PusherApp | undefined {
    return this.#byKey.get(key);
  }

  byId(id: string): PusherApp | undefined {
    return this.#byId.get(id);
  }
}

export function appsFromEnv(env: Env): PusherApps {
  const apps: PusherApp[] = [];
  if (env.PUSHER_APP_ID && env.PUSHER_APP_KEY && env.PUSHER_APP_SECRET) {
    apps.push({
      id: env.PUSHER_APP_ID,
      key: env.PUSHER_APP_KEY,
      secret: env.PUSHER_APP_SECRET,
      enableClientMessages: env.PUSHER_APP_CLIENT_EVENTS,
      enableUserAuthentication: env.PUSHER_APP_USER_AUTHENTICATION,
      maxConnections: env.PUSHER_APP_MAX_CONNECTIONS,
      maxPresenceMembers: 100,
      maxEventPayloadBytes: 100 * 1024,
      webhooks: env.PUSHER_APP_WEBHOOK_URL ? [{ url: env.PUSHER_APP_WEBHOOK_URL }] : [],
    });
  }
  for (const a of env.PUSHER_APPS) {
    apps.push({
      id: a.id,
      key: a.key,
      secret: a.secret,
      enableClientMessages: a.enableClientMessages,
      enableUserAuthentication: a.enableUserAuthentication,
      maxConnections: a.maxConnections,
      maxPresenceMembers: a.maxPresenceMembersPerChannel,
      maxEventPayloadBytes: Math.round(a.maxEventPayloadInKb * 1024),
      webhooks: a.webhooks.map((w) => ({ url: w.url, eventTypes: w.event_types })),
    });
  }
  return new PusherApps(apps);
}
