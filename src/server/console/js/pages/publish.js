// Publish form: a channel, JSON data and an optional id (publishing is idempotent by id).
import { api } from '../api.js';
import { h } from '../dom.js';

export async function publishPage(main, params) {
  const result = h('p', { className: 'muted', id: 'publish-result' });
  const form = h(
    'form',
    {
      id: 'publish',
      onsubmit: async (e) => {
        e.preventDefault();
        const f = e.target;
        let data;
        try {
          data = JSON.parse(f.data.value);
        } catch (err) {
          result.textContent = `Data is not valid JSON: ${err.message}`;
          return;
        }
        const body = f.id.value.trim() ? { data, id: f.id.value.trim() } : { data };
        const channel = f.channel.value.trim();
        const p = await api(`/v1/channels/${encodeURIComponent(channel)}/messages`, { method: 'POST', body });
        result.textContent = `Published to ${p.channel} at offset ${p.offset} (id ${p.id}).`;
      },
    },
    h(
      'label',
      {},
      'Channel',
      h('input', { name: 'channel', value: params.get('channel') ?? '', required: true }),
    ),
    h('label', {}, 'Data (JSON)', h('textarea', { name: 'data', value: '{"text": "hello"}' })),
    h('label', {}, 'Id (optional)', h('input', { name: 'id' })),
    h('button', { type: 'submit' }, 'Publish'),
  );
  main.replaceChildren(h('h1', {}, 'Publish'), form, result);
}
