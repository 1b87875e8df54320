// Metrics summary of this replica, refreshed every 2 s while the page is open.
import { api } from '../api.js';
import { card, h } from '../dom.js';

export async function metricsPage(main) {
  const cards = h('div', { className: 'cards', id: 'metrics' });
  const note = h('p', { className: 'muted' });
  main.replaceChildren(h('h1', {}, 'Metrics'), cards, note);
  const refresh = async () => {
    const m = await api('/v1/admin/metrics');
    cards.replaceChildren(
      card('WebSocket connections', String(m.connections)),
      card('Channels served', String(m.channelsServed)),
      card('Publishes / s', String(m.publishesPerSecond)),
      card('Deliveries / s', String(m.deliveriesPerSecond)),
      card('Publish p99', m.publishP99Ms === null ? '-' : `${m.publishP99Ms} ms`),
      card('Published (total)', String(m.publishedTotal)),
    );
    note.textContent = `Replica ${m.replica}; rates and p99 over the last ${m.windowSeconds} s. Updated ${new Date().toLocaleTimeString()}.`;
  };
  await refresh();
  const timer = setInterval(() => refresh().catch(() => {}), 2000);
  return () => clearInterval(timer);
}
