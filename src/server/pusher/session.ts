// One Pusher WebSocket connection (protocol 7): connection_established, ping/pong, subscribe/unsubscribe,
// client events, sign-in, and the clean-up of its subscriptions and presence when it closes.
import { randomInt } from 'node:crypto';
import type { RawData, WebSocket } from 'ws';
import { failureLevel } from '../drivers/outage.js';
import type { PusherApp } from './apps.js';
import type { PusherPeer } from './bridge.js';
import { isValidName, kindOf } from './channel-names.js';
import type { Face } from './face.js';
import { connectionEstablished, errorFrame, eventFrame } from './frames.js';
import { userAuthText, verifyAuth } from './signature.js';
import { type Subscribed, subscribe, unsubscribe } from './subscriptions.js';

interface ClientFrame {
  event?: unknown;
  channel?: unknown;
  data?: unknown;
}

export class PusherSession implements PusherPeer {
  readonly socketId = `${randomInt(1, 2 ** 31)}.${randomInt(1, 2 ** 31)}`;
  closing = false;
  readonly subs = new Map<string, Promise<Subscribed | undefined>>();
  user: { id: string; data: string } | undefined;
  #signinTimer: NodeJS.Timeout | undefined;
  #closed = false;

  constructor(
    readonly ws: WebSocket,
    readonly app: PusherApp,
    readonly face: Face,
  ) {
    ws.on('message', (raw, isBinary) => this.#onMessage(raw, isBinary));
    ws.on('close', () => this.#onClose());
    void this.#start();
  }

  onSlow(): void {
    this.face.channels.metrics.slowConsumers.inc();
  }

  send(text: string): void {
    this.face.channels.outbox.send(this, text);
  }

  /** Sends `pusher:error` with the code and closes with it, as Pusher ends a connection. */
  terminate(code: number, message: string): void {
    if (this.closing) return;
    this.send(errorFrame(code, message));
    this.closing = true;
    this.ws.close(code, message.slice(0, 120));
  }

  async #start(): Promise<void> {
    const { face, app } = this;
    try {
      const count = await face.occupancy.connect(app.id, this.socketId);
      if (this.#closed) return void (await face.occupancy.disconnect(app.id, this.socketId));
      if (app.maxConnections > 0 && count > app.maxConnections) {
        this.terminate(4100, 'Over capacity');
        return;
      }
    } catch (err) {
      face.log[failureLevel(err)]({ err }, 'pusher connection bookkeeping failed');
      this.terminate(4200, 'Server unavailable, reconnect shortly');
      return;
    }
    this.send(connectionEstablished(this.socketId, face.settings.activityTimeoutS));
    if (app.enableUserAuthentication) {
      this.#signinTimer = setTimeout(() => {
        if (!this.user) this.terminate(4009, 'Connection not authorized within timeout.');
      }, face.settings.signinTimeoutMs);
      this.#signinTimer.unref();
    }
  }

  #onMessage(raw: RawData, isBinary: boolean): void {
    if (this.closing) return;
    let frame: ClientFrame;
    try {
      if (isBinary) throw new Error('binary');
      frame = JSON.parse(raw.toString()) as ClientFrame;
      if (typeof frame !== 'object' || frame === null || typeof frame.event !== 'string')
        throw new Error('shape');
    } catch {
      this.send(errorFrame(null, 'Invalid frame: expected JSON with an event'));
      return;
    }
    const data = (typeof frame.data === 'string' ? tryParse(frame.data) : frame.data) as
      | Record<string, unknown>
      | undefined;
    switch (frame.event) {
      case 'pusher:ping': {
        this.send(eventFrame('pusher:pong', '{}'));
        return;
      }
      case 'pusher:pong':
        return;
      case 'pusher:subscribe': {
        this.#subscribe(data);
        return;
      }
      case 'pusher:unsubscribe': {
        this.#unsubscribe(data?.channel);
        return;
      }
      case 'pusher:signin': {
        this.#signin(data);
        return;
      }
      default:
        if (frame.event.startsWith('client-')) {
          void this.#clientEvent(frame);
          return;
        }
        {
          this.send(errorFrame(null, `Unsupported event ${frame.event.slice(0, 64)}`));
          return;
        }
    }
  }

  #subscribe(data: Record<string, unknown> | undefined): void {
    const channel = data?.channel;
    if (typeof channel !== 'string' || !isValidName(channel)) {
      this.send(errorFrame(4009, 'Invalid channel name'));
      return;
    }
    if (this.subs.has(channel)) return;
    const work = subscribe(this, channel, data ?? {});
    this.subs.set(channel, work);
    void work.then((s) => {
      if (!s && this.subs.get(channel) === work) this.subs.delete(channel);
    });
  }

  #unsubscribe(channel: unknown): void {
    if (typeof channel !== 'string') return;
    const work = this.subs.get(channel);
    if (!work) return;
    this.subs.delete(channel);
    this.face.channels.track(
      work.then((s) => s && unsubscribe(this, s)),
      'pusher unsubscribe',
    );
  }

  #signin(data: Record<string, unknown> | undefined): void {
    const userData = data?.user_data;
    const parsed =
      typeof userData === 'string' ? (tryParse(userData) as { id?: unknown } | undefined) : undefined;
    if (
      typeof userData !== 'string' ||
      typeof parsed?.id !== 'string' ||
      parsed.id === '' ||
      !verifyAuth(this.app, data?.auth, userAuthText(this.socketId, userData))
    ) {
      this.terminate(4009, 'Connection not authorized: invalid sign-in.');
      return;
    }
    if (this.user) this.face.removeUser(this.app.id, this.user.id, this);
    this.user = { id: parsed.id, data: userData };
    clearTimeout(this.#signinTimer);
    this.face.addUser(this.app.id, parsed.id, this);
    this.send(eventFrame('pusher:signin_success', { user_data: userData }));
  }

  async #clientEvent(frame: ClientFrame): Promise<void> {
    const { app, face } = this;
    const channel = typeof frame.channel === 'string' ? frame.channel : '';
    const event = frame.event as string;
    const sub = await this.subs.get(channel);
    const kind = kindOf(channel);
    let refusal: string | undefined;
    if (!app.enableClientMessages) refusal = 'The app does not have client messaging enabled.';
    else if (!sub) refusal = 'The client is not subscribed to this channel.';
    else if (!kind.authorized || kind.encrypted)
      refusal = 'Client events are only allowed on private and presence channels.';
    else if (event.length > 200) refusal = 'Event name is longer than 200 characters.';
    else if (Buffer.byteLength(JSON.stringify(frame.data ?? null)) > app.maxEventPayloadBytes)
      refusal = 'Event data is too large.';
    if (refusal) {
      this.send(errorFrame(4301, refusal, channel || undefined));
      return;
    }
    const userId = sub?.member?.user_id;
    try {
      await face.publish(app, {
        event,
        channel,
        data: frame.data,
        socket_id: this.socketId,
        ...(userId === undefined ? {} : { user_id: userId }),
      });
    } catch (err) {
      face.log[failureLevel(err)]({ err }, 'pusher client event not published');
      this.send(errorFrame(4302, 'The event could not be published, retry.', channel));
      return;
    }
    face.webhooks.emit(app, {
      name: 'client_event',
      channel,
      event,
      data: typeof frame.data === 'string' ? frame.data : JSON.stringify(frame.data ?? null),
      socket_id: this.socketId,
      ...(userId === undefined ? {} : { user_id: userId }),
    });
  }

  #onClose(): void {
    this.#closed = true;
    this.closing = true;
    clearTimeout(this.#signinTimer);
    if (this.user) this.face.removeUser(this.app.id, this.user.id, this);
    const { face, app } = this;
    const subs = [...this.subs.values()];
    this.subs.clear();
    face.channels.track(
      Promise.all([
        ...subs.map((w) => w.then((s) => s && unsubscribe(this, s))),
        face.occupancy.disconnect(app.id, this.socketId),
      ]),
      'pusher disconnect clean-up',
    );
  }
}

function tryParse(text: string): unknown {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}
