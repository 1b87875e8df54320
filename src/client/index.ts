// paasport's official client (browsers and Node 20+, no dependencies): `import { createClient } from
// 'paasport/client'`, or from a paasport server's /v1/client.js in a <script type="module">.
import { Client } from './client.js';
import type { ClientOptions } from './types.js';

export type { ClientEvents } from './client.js';
export { Client } from './client.js';
export { ClientError, type ErrorKind } from './errors.js';
export type { SubscriptionEvents } from './subscription.js';
export { Subscription } from './subscription.js';
export type * from './types.js';

/** Opens a client; it connects, and reconnects, by itself until close(). */
export function createClient(options: ClientOptions = {}): Client {
  return new Client(options);
}
