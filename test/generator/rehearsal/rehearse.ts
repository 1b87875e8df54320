// One rehearsal: stand-ins for the plan's backing services, the app's addresses rewritten to them, and the
// real server started with exactly the resolved environment plus a loopback PORT and HOST; resolves with
// /readyz's answer once it is 200, or throws with what stopped it (a problem, an address, the server's log).
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
): Promise<{ status: number; body: Ready; changed: string[] }> {
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
      return { status: res.status, body: (await res.json()) as Ready, changed };
    } finally {
      await server.stop();
    }
  } finally {
    await standIns.stop();
  }
}
