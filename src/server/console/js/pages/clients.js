// Connected WebSocket clients on every replica: principal, subject, channels, address, since; each with a
// disconnect button (the replica holding the socket closes it with 4002).
import { api } from '../api.js';
import { h, table } from '../dom.js';

export async function clientsPage(main) {
  const render = async () => {
    const list = await api('/v1/admin/connections');
    const rows = list.connections.map((c) => [
      h('span', { className: 'mono' }, c.id),
      h('span', { className: 'mono' }, c.principal),
      c.sub ?? '-',
      c.channels.join(', ') || '-',
      c.remoteAddress,
      new Date(c.connectedAt).toLocaleString(),
      h('span', { className: 'mono muted' }, c.replica.slice(0, 8)),
      h(
        'button',
        {
          type: 'button',
          className: 'danger',
          dataset: { disconnect: c.id },
          onclick: async () => {
            await api(`/v1/admin/connections/${encodeURIComponent(c.id)}`, { method: 'DELETE' });
            await render();
          },
        },
        'Disconnect',
      ),
    ]);
    main.replaceChildren(
      h('h1', {}, 'Clients'),
      h(
        'p',
        { className: 'muted' },
        `${list.connections.length} open connections on ${list.replicas.length} replica(s)`,
        list.missing.length > 0 ? `; no answer from ${list.missing.length}` : '',
        '. ',
        h('button', { type: 'button', className: 'secondary', onclick: () => render() }, 'Refresh'),
      ),
      table(
        ['Connection', 'Principal', 'Subject', 'Channels', 'Address', 'Since', 'Replica', ''],
        rows,
        'No open connections.',
      ),
    );
  };
  await render();
}
