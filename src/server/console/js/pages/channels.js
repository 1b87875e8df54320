// Channels: the list (paged by name, with message count, last activity, subscribers and presence) and the
// history browser of one channel by offset (#channels?channel=room-1&since=0).
import { api } from '../api.js';
import { h, table } from '../dom.js';

const PAGE = 50;

async function history(main, channel, since) {
  const [info, page] = await Promise.all([
    api(`/v1/admin/channels/${encodeURIComponent(channel)}`),
    api(`/v1/channels/${encodeURIComponent(channel)}/messages?since=${since}&limit=${PAGE}`),
  ]);
  const link = (label, offset) =>
    h('a', { href: `#channels?channel=${encodeURIComponent(channel)}&since=${offset}` }, label);
  main.replaceChildren(
    h('h1', {}, 'Channel ', h('span', { className: 'mono' }, channel)),
    h(
      'p',
      { className: 'muted' },
      `${info.count} messages stored (offsets ${info.firstOffset ?? '-'} to ${info.lastOffset}), `,
      `${info.subscribers} subscribers here, ${info.presence} present across replicas. `,
      h('a', { href: `#tail?channel=${encodeURIComponent(channel)}` }, 'Live tail'),
    ),
    h(
      'form',
      {
        onsubmit: (e) => {
          e.preventDefault();
          location.hash = `#channels?channel=${encodeURIComponent(channel)}&since=${e.target.since.value}`;
        },
      },
      h('label', {}, 'After offset', h('input', { name: 'since', type: 'number', min: 0, value: since })),
      h('button', { type: 'submit' }, 'Show'),
    ),
    table(
      ['Offset', 'Id', 'Time', 'Data'],
      page.messages.map((m) => [
        String(m.offset),
        h('span', { className: 'mono' }, m.id),
        new Date(m.ts).toLocaleString(),
        h('pre', {}, JSON.stringify(m.data, null, 2)),
      ]),
      'No messages after this offset.',
    ),
    h(
      'p',
      {},
      since > 0 ? link('← earlier', Math.max(0, since - PAGE)) : null,
      ' ',
      page.messages.length === PAGE ? link('later →', page.next) : null,
      ' ',
      h('a', { href: '#channels' }, 'All channels'),
    ),
  );
}

export async function channelsPage(main, params) {
  const channel = params.get('channel');
  if (channel) return history(main, channel, Number(params.get('since') ?? 0));
  const after = params.get('after') ?? '';
  const q = new URLSearchParams({ limit: String(PAGE) });
  if (after) q.set('after', after);
  const page = await api(`/v1/admin/channels?${q}`);
  main.replaceChildren(
    h('h1', {}, 'Channels'),
    table(
      ['Channel', 'Messages', 'Last offset', 'Last activity', 'Subscribers (here)', 'Presence'],
      page.channels.map((c) => [
        h('a', { href: `#channels?channel=${encodeURIComponent(c.channel)}`, className: 'mono' }, c.channel),
        String(c.count),
        String(c.lastOffset),
        new Date(c.lastActivity).toLocaleString(),
        String(c.subscribers),
        String(c.presence),
      ]),
      'No channel has messages yet: publish one.',
    ),
    page.next ? h('a', { href: `#channels?after=${encodeURIComponent(page.next)}` }, 'Next page →') : null,
  );
}
