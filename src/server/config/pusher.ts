// Settings of the Pusher Channels face (src/server/pusher/): the default app, more apps as JSON, and the
// protocol timings. No app configured means the face is off: no `/app/{key}` socket, no `/apps/{id}` API.
import { z } from 'zod';
import { bool, duration, nonNegativeInt, positiveInt, type SettingTable, url } from './setting.js';

/** One entry of PUSHER_APPS, in Soketi's spelling where Soketi has one. */
export const pusherAppSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{1,32}$/, 'id: 1-32 letters, digits, _ or -'),
  key: z.string().regex(/^[A-Za-z0-9_.-]{1,64}$/, 'key: 1-64 letters, digits, _ . or -'),
  secret: z.string().min(1),
  enableClientMessages: z.boolean().default(false),
  enableUserAuthentication: z.boolean().default(false),
  maxConnections: z.number().int().nonnegative().default(0),
  maxPresenceMembersPerChannel: z.number().int().positive().default(100),
  maxEventPayloadInKb: z.number().positive().default(100),
  webhooks: z
    .array(
      z.object({
        url: z.string().url(),
        event_types: z
          .array(
            z.enum([
              'channel_occupied',
              'channel_vacated',
              'member_added',
              'member_removed',
              'client_event',
              'cache_miss',
            ]),
          )
          .optional(),
      }),
    )
    .default([]),
});
export type PusherAppSetting = z.output<typeof pusherAppSchema>;

const appsJson = z.string().transform((v, ctx) => {
  if (v.trim() === '') return [];
  let parsed: unknown;
  try {
    parsed = JSON.parse(v);
  } catch {
    ctx.addIssue({ code: 'custom', message: 'expected a JSON list of {id, key, secret, ...}' });
    return z.NEVER;
  }
  const result = z.array(pusherAppSchema).safeParse(parsed);
  if (!result.success) {
    ctx.addIssue({ code: 'custom', message: result.error.issues.map((i) => i.message).join('; ') });
    return z.NEVER;
  }
  return result.data;
});

export const pusherSettings = {
  PUSHER_APP_ID: {
    group: 'Pusher Channels',
    doc: 'Id of the default Pusher app (the `appId` of Pusher server libraries). With `PUSHER_APP_KEY` and `PUSHER_APP_SECRET` it turns on the Pusher-compatible face: WebSocket at `/app/{key}`, HTTP API at `/apps/{id}`.',
    example: 'app1',
    schema: z.string().optional(),
  },
  PUSHER_APP_KEY: {
    group: 'Pusher Channels',
    doc: 'Public key of the default Pusher app, given to clients (pusher-js `new Pusher(key)`, Laravel Echo `key`).',
    example: 'app-key',
    schema: z.string().optional(),
  },
  PUSHER_APP_SECRET: {
    group: 'Pusher Channels',
    doc: 'Secret of the default Pusher app: signs HTTP API calls, channel authorizations and webhooks. In production at least 32 characters.',
    secret: true,
    schema: z.string().min(1).optional(),
  },
  PUSHER_APP_CLIENT_EVENTS: {
    group: 'Pusher Channels',
    doc: 'Let clients of the default app send `client-*` events on private and presence channels.',
    default: 'false',
    schema: bool,
  },
  PUSHER_APP_USER_AUTHENTICATION: {
    group: 'Pusher Channels',
    doc: 'Require clients of the default app to sign in (`pusher:signin`) within `PUSHER_SIGNIN_TIMEOUT`, or be disconnected with 4009.',
    default: 'false',
    schema: bool,
  },
  PUSHER_APP_MAX_CONNECTIONS: {
    group: 'Pusher Channels',
    doc: 'Connections of the default app across all replicas; more are refused with `pusher:error` 4100. `0` means no limit beyond `WS_MAX_CONNECTIONS`.',
    default: '0',
    schema: nonNegativeInt,
  },
  PUSHER_APP_WEBHOOK_URL: {
    group: 'Pusher Channels',
    doc: 'URL the default app posts its webhooks to (channel_occupied, channel_vacated, member_added, member_removed, client_event), signed with `X-Pusher-Key` and `X-Pusher-Signature`.',
    schema: url(['http', 'https']).optional(),
  },
  PUSHER_APPS: {
    group: 'Pusher Channels',
    doc: 'More apps as a JSON list: `[{"id":"app2","key":"key2","secret":"...","enableClientMessages":true,"enableUserAuthentication":false,"maxConnections":0,"webhooks":[{"url":"https://...","event_types":["channel_occupied"]}]}]`. Ids and keys must be unique, the default app included.',
    default: '',
    secret: true,
    schema: appsJson,
  },
  PUSHER_ACTIVITY_TIMEOUT: {
    group: 'Pusher Channels',
    doc: 'The `activity_timeout` announced to clients: after this long without a frame they send `pusher:ping`. Keep it below the idle timeout of proxies in front.',
    default: '120s',
    schema: duration,
  },
  PUSHER_SIGNIN_TIMEOUT: {
    group: 'Pusher Channels',
    doc: 'How long a connection of an app with user authentication may stay without signing in.',
    default: '30s',
    schema: duration,
  },
  PUSHER_TIMESTAMP_SKEW: {
    group: 'Pusher Channels',
    doc: 'Largest difference between the `auth_timestamp` of a signed HTTP API call and the server clock.',
    default: '600s',
    schema: duration,
  },
  PUSHER_WEBHOOK_BATCH: {
    group: 'Pusher Channels',
    doc: 'How long webhook events gather before one signed POST carries them all.',
    default: '250ms',
    schema: duration,
  },
  PUSHER_WEBHOOK_RETRIES: {
    group: 'Pusher Channels',
    doc: 'Further attempts of a webhook POST that failed (network error or non-2xx answer), with doubling backoff from 1s.',
    default: '4',
    schema: positiveInt,
  },
} satisfies SettingTable;

type PusherEnv = {
  NODE_ENV: string;
  PUSHER_APP_ID?: string;
  PUSHER_APP_KEY?: string;
  PUSHER_APP_SECRET?: string;
  PUSHER_APPS?: PusherAppSetting[];
};

/** Cross-field rules: the default app's three settings go together, ids and keys are unique, secrets strong. */
export function checkPusher(env: PusherEnv): string[] {
  const problems: string[] = [];
  const trio = [env.PUSHER_APP_ID, env.PUSHER_APP_KEY, env.PUSHER_APP_SECRET];
  if (trio.some(Boolean) && !trio.every(Boolean))
    problems.push('PUSHER_APP_ID: PUSHER_APP_ID, PUSHER_APP_KEY and PUSHER_APP_SECRET go together');
  const apps = [
    ...(env.PUSHER_APP_ID && env.PUSHER_APP_KEY && env.PUSHER_APP_SECRET
      ? [
          {
            id: env.PUSHER_APP_ID,
            key: env.PUSHER_APP_KEY,
            secret: env.PUSHER_APP_SECRET,
            name: 'PUSHER_APP_SECRET',
          },
        ]
      : []),
    ...(env.PUSHER_APPS ?? []).map((a) => ({ ...a, name: `PUSHER_APPS: app ${a.id}` })),
  ];
  const ids = new Set<string>();
  const keys = new Set<string>();
  for (const app of apps) {
    if (ids.has(app.id)) problems.push(`PUSHER_APPS: app id ${app.id} is used twice`);
    if (keys.has(app.key)) problems.push(`PUSHER_APPS: app key ${app.key} is used twice`);
    ids.add(app.id);
    keys.add(app.key);
    if (env.NODE_ENV === 'production' && app.secret.length < 32)
      problems.push(`${app.name}: secret too weak for production, use at least 32 characters`);
  }
  return problems;
}
