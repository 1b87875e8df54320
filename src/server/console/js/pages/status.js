// Status: version, uptime, drain state, each dependency with its driver, latency and health, and the replicas.
import { api } from '../api.js';
import { age, card, h, table } from '../dom.js';

export async function statusPage(main) {
  const s = await api('/v1/admin/status');
  const healthy = s.dependencies.every((d) => d.ok);
  main.replaceChildren(
    h('h1', {}, 'Status'),
    h(
      'div',
      { className: 'cards' },
      card('Version', s.version, `Node ${s.node}, ${s.env}`),
      card('Uptime', age(s.uptimeSeconds), `since ${new Date(s.startedAt).toLocaleString()}`),
      card('State', s.draining ? 'draining' : 'serving'),
      card(
        'Dependencies',
        h('span', { className: healthy ? 'ok' : 'bad', id: 'health' }, healthy ? 'healthy' : 'degraded'),
      ),
    ),
    h('h2', {}, 'Dependencies'),
    table(
      ['Dependency', 'Driver', 'Health', 'Latency', 'Outages', 'Error'],
      s.dependencies.map((d) => [
        d.name,
        d.driver,
        h('span', { className: d.ok ? 'ok' : 'bad' }, d.ok ? 'up' : 'down'),
        `${d.latencyMs} ms`,
        String(d.outages ?? '-'),
        d.error ?? '',
      ]),
    ),
    h('h2', {}, 'Replicas'),
    table(
      ['Replica', 'Version', 'Started', 'Connections', 'State', 'Last heartbeat'],
      s.replicas.map((r) => [
        h('span', { className: 'mono' }, r.replica === s.replica ? `${r.replica} (this one)` : r.replica),
        r.version,
        new Date(r.startedAt).toLocaleString(),
        String(r.connections),
        r.draining ? 'draining' : 'serving',
        new Date(r.lastSeen).toLocaleTimeString(),
      ]),
    ),
  );
}
