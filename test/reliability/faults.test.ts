// The fault scenarios against three replicas behind nginx: each runs under load and must keep every
// invariant (see run-scenario.ts); then the replicas' logs must hold no secret. Results go to
// docs/reliability.md. RELIABILITY_SCENARIOS=name,name runs a subset; RELIABILITY_SEED replays a run.
import assert from 'node:assert/strict';
import { after, before, describe, test } from 'node:test';
import { Cluster } from './cluster.js';
import { scanLogs } from './log-scan.js';
import { SEED } from './random.js';
import { DOWN_BOUND_MS, UP_BOUND_MS } from './readiness-watch.js';
import { writeReport } from './report.js';
import { type FaultsPart, savePart } from './results.js';
import { LOAD, runScenario, type ScenarioResult } from './run-scenario.js';
import { SCENARIOS } from './scenarios.js';

const only = process.env.RELIABILITY_SCENARIOS?.split(',').filter(Boolean);
const selected = SCENARIOS.filter((s) => !only || only.includes(s.name));

describe('reliability under faults', { timeout: 12 * 60_000 }, () => {
  let cluster: Cluster;
  const tokens: string[] = [];
  const results: ScenarioResult[] = [];
  const logScans: FaultsPart['logScans'] = [];
  const started = Date.now();

  before(async () => {
    cluster = await Cluster.start();
    for (let i = 0; i < LOAD.subscribers; i++) {
      const res = await fetch(`${cluster.replica(0).url}/v1/tokens`, {
        method: 'POST',
        headers: { authorization: `Bearer ${cluster.secrets.apiKey}`, 'content-type': 'application/json' },
        body: JSON.stringify({ subscribe: ['rel-*'], sub: `subscriber-${i}`, ttl: 3600 }),
      });
      assert.equal(res.status, 201);
      tokens.push(((await res.json()) as { token: string }).token);
    }
  });

  after(async () => {
    await cluster?.close();
    if (results.length === 0) return;
    savePart('faults', {
      finishedAt: new Date().toISOString(),
      seed: SEED,
      durationS: Math.round((Date.now() - started) / 1000),
      load: { ...LOAD },
      bounds: { downMs: DOWN_BOUND_MS, upMs: UP_BOUND_MS },
      scenarios: results,
      logScans,
    });
    writeReport();
  });

  selected.forEach((scenario, k) => {
    test(scenario.name, { timeout: 4 * 60_000 }, async () => {
      const result = await runScenario(cluster, scenario, tokens, SEED + k);
      results.push(result);
      const f = result.figures;
      console.log(
        `${scenario.name}: published ${f.published}, acked ${f.acknowledged}, stored ${f.stored}, ` +
          `silent ${f.silentHoles}, told ${f.told}, errors ${JSON.stringify(f.errors)}, ` +
          `readyz down ${result.readiness.maxDownLagMs} ms up ${result.readiness.maxUpLagMs} ms`,
      );
      assert.deepEqual(result.failures, [], `${scenario.name} broke invariants`);
    });
  });

  test('replica logs hold no secret, token or signed URL', () => {
    const scan = scanLogs(
      cluster.logs(),
      {
        'API key': cluster.secrets.apiKey,
        'JWT secret': cluster.secrets.jwtSecret,
        'S3 secret key': cluster.secrets.s3SecretKey,
      },
      tokens,
    );
    logScans.push({ source: 'the 3 replicas, every incarnation', scan });
    // The proxy is not ours, but what it writes matters for where tokens end up: reported, not asserted.
    const proxy = scanLogs(cluster.nginx.errors(), { 'API key': cluster.secrets.apiKey }, tokens);
    logScans.push({ source: 'nginx error log (proxy, reported only)', scan: proxy });
    assert.ok(scan.lines > 0, 'the replicas logged nothing: the scan would prove nothing');
    assert.deepEqual(scan.findings, []);
  });
});
