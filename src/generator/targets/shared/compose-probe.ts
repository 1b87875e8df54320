// Health probes as compose/Swarm healthchecks. Docker runs the check inside the container, so an HTTP or TCP
// probe needs a client the image ships; without one the check would fail forever, which is an error.
import type { Probe } from '../../model/workload.js';
import { escapeDollars } from './compose-values.js';
import { healthTest } from './health-test.js';
import type { Report } from './report.js';

export interface Timing {
  interval: number;
  timeout: number;
  retries: number;
  startPeriod: number;
}

export function healthcheck(test: string[], t: Timing): Record<string, unknown> {
  return {
    test,
    interval: `${t.interval}s`,
    timeout: `${t.timeout}s`,
    retries: t.retries,
    ...(t.startPeriod > 0 ? { start_period: `${t.startPeriod}s` } : {}),
  };
}

/**
 * The healthcheck from the first probe the image can run (liveness, then readiness), or undefined with an
 * error when there are probes and none can run. Docker has one check per container.
 */
export function probeHealthcheck(
  probes: readonly (Probe | undefined)[],
  owner: string,
  report: Report,
): Record<string, unknown> | undefined {
  const given = probes.filter((p): p is Probe => p !== undefined);
  const runnable = given.find((p) => probeTest(p) !== undefined);
  if (runnable) {
    if (given.length > 1) {
      report.warn(
        `${owner}.probes`,
        `Docker has one health check per container; the ${runnable === given[0] ? 'first' : 'runnable'} probe (${runnable.check.kind}) is used`,
      );
    }
    return healthcheck(probeTest(runnable)!, runnable);
  }
  const check = given[0]?.check;
  if (!check) return undefined;
  report.lose(
    'probe',
    `${owner}.probe`,
    `a ${check.kind} probe runs inside the container and needs a client the image ships, which the spec does not name`,
    check.kind === 'http'
      ? 'name it (probes.<probe>.http.tool: curl, wget, node or python) or use an exec probe'
      : 'name it (probes.<probe>.tcp.tool: nc or bash) or use an exec probe',
  );
  return undefined;
}

/** Compose interpolates `$` in the test on the deploying host, so every word is escaped. */
function probeTest(probe: Probe): string[] | undefined {
  return healthTest(probe)?.map(escapeDollars);
}
