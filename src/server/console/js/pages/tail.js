// Live tail of a channel over the WebSocket /v1/ws, with a client token minted for that one channel (the API
// key never goes into a URL). Shows every frame as it arrives; closing the page closes the socket.
import { tailToken } from '../api.js';
import { h } from '../dom.js';

function wsUrl(token) {
  const scheme = location.protocol === 'https:' ? 'wss' : 'ws';
  return `${scheme}://${location.host}/v1/ws?token=${encodeURIComponent(token)}`;
}

export async function tailPage(main, params) {
  const channel = params.get('channel') ?? '';
  const lines = h('div', { className: 'tail', id: 'tail-lines' });
  const state = h(
    'span',
    { className: 'muted', id: 'tail-state' },
    channel ? 'connecting…' : 'pick a channel',
  );
  main.replaceChildren(
    h('h1', {}, 'Live tail'),
    h(
      'form',
      {
        onsubmit: (e) => {
          e.preventDefault();
          location.hash = `#tail?channel=${encodeURIComponent(e.target.channel.value.trim())}`;
        },
      },
      h('label', {}, 'Channel', h('input', { name: 'channel', value: channel, required: true })),
      h('button', { type: 'submit' }, 'Tail'),
      state,
    ),
    lines,
  );
  if (!channel) return undefined;
  const { token } = await tailToken(channel);
  const ws = new WebSocket(wsUrl(token));
  ws.addEventListener('open', () => ws.send(JSON.stringify({ type: 'subscribe', channel })));
  ws.addEventListener('message', (e) => {
    const frame = JSON.parse(e.data);
    if (frame.type === 'subscribed') {
      state.textContent = `live after offset ${frame.offset}`;
      state.dataset.live = 'true';
      return;
    }
    const text =
      frame.type === 'message'
        ? `#${frame.offset} ${new Date(frame.ts).toLocaleTimeString()} ${JSON.stringify(frame.data)}`
        : JSON.stringify(frame);
    lines.prepend(h('div', { className: 'line' }, text));
  });
  ws.addEventListener('close', (e) => {
    state.textContent = `closed (${e.code}${e.reason ? ` ${e.reason}` : ''})`;
    state.dataset.live = 'false';
  });
  return () => ws.close(1000, 'page closed');
}
