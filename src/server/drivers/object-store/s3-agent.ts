// HTTP agents for the S3 client whose sockets die when they stall. Node only reports an idle socket
// ('timeout') and the minio client does not listen for it, so a paused or partitioned S3 would hang a
// request for as long as TCP keeps the connection: here a socket that moves no byte for idleMs is destroyed
// with a DeadlineExceededError, which fails the request (or the download stream) as an outage.
import http from 'node:http';
import https from 'node:https';
import type { Duplex } from 'node:stream';
import { DeadlineExceededError } from '../../util/timeout.js';

function arm(socket: Duplex | null | undefined, idleMs: number): Duplex | null | undefined {
  socket?.on('timeout', () => socket.destroy(new DeadlineExceededError('S3 request', idleMs)));
  return socket;
}

class HttpDeadlineAgent extends http.Agent {
  constructor(private readonly idleMs: number) {
    // The agent applies `timeout` to every socket it creates and re-applies it on reuse.
    super({ keepAlive: true, timeout: idleMs });
  }

  override createConnection(
    options: http.ClientRequestArgs,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    return arm(super.createConnection(options, callback), this.idleMs);
  }
}

class HttpsDeadlineAgent extends https.Agent {
  constructor(private readonly idleMs: number) {
    super({ keepAlive: true, timeout: idleMs });
  }

  override createConnection(
    options: https.RequestOptions,
    callback?: (err: Error | null, stream: Duplex) => void,
  ): Duplex | null | undefined {
    return arm(super.createConnection(options, callback), this.idleMs);
  }
}

export function deadlineAgent(useSSL: boolean, idleMs: number): http.Agent {
  return useSSL ? new HttpsDeadlineAgent(idleMs) : new HttpDeadlineAgent(idleMs);
}
