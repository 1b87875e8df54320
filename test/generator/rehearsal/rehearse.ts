// One rehearsal: stand-ins for the plan's backing services, the app's addresses rewritten to them, and the
// real server started with exactly the resolved environment plus a loopback PORT and HOST; resolves with
// /readyz's answer once it is 200 and the status of GET /metrics without and with the resolved METRICS_TOKEN,
// or throws with what stopped it (a problem, an address, the server's log).
import assert from 'node:assert/strict';
import { freePort, startServerProcess } from '../../helpers/services.js';
import type { Plan } from './plans.js';
import { internalHostsLeft, rewriteEnv, startStandIns } from './stand-ins.js';

export interface Ready {
  status: string;
  checks: Record<string, { driver: string; ok: boolean; error?: string }>;
}

export async function rehearse(
  plan: Plan,
  postgres: { url: string; port: number },
  scratch: string,
  readyTimeoutMs = 30_000,
): Promise<{
  status: number;
  body: Ready;
  changed: string[];
  env: Record<string, string>;
  metrics: { anonymous: number; withToken: number };
}> {
  assert.deepEqual(plan.problems, [], 'the platform would not deploy this output as it is');
  const standIns = await startStandIns(plan.backing, postgres, scratch);
  try {
    const { env, changed } = rewriteEnv(plan.env, standIns.rewrites);
    assert.deepEqual(internalHostsLeft(env, plan.internal), [], 'addresses no backing service answers at');
    // The only overrides: a free loopback port and interface instead of the container's PORT and 0.0.0.0.
    // startServerProcess adds PATH, which every container has.
    const overrides = { PORT: String(await freePort()), HOST: '127.0.0.1' };
    const server = await startServerProcess(
      { ...env, ...overrides },
      { hosts: standIns.hosts, readyTimeoutMs },
    );
    try {
      const res = await fetch(`${server.url}/readyz`);
      const body = (await res.json()) as Ready;
      const anonymous = await fetch(`${server.url}/metrics`);
      await anonymous.body?.cancel();
      const withToken = await fetch(`${server.url}/metrics`, {
        headers: { authorization: `Bearer ${env.METRICS_TOKEN ?? ''}` },
      });
      await withToken.body?.cancel();
      const metrics = { anonymous: anonymous.status, withToken: withToken.status };
      return { status: res.status, body, changed, env, metrics };
    } finally {
      await server.stop();
    }
  } finally {
    await standIns.stop();
  }
}
