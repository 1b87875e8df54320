// Backups: the dumps in object storage (newest first, age of the newest), the recent runs, and "run now".
import { api } from '../api.js';
import { age, bytes, card, h, table } from '../dom.js';

export async function backupsPage(main) {
  const b = await api('/v1/admin/backups');
  const result = h('span', { className: 'muted', id: 'backup-result' });
  const run = h(
    'button',
    {
      type: 'button',
      disabled: !b.available,
      onclick: async () => {
        run.disabled = true;
        result.textContent = 'Running…';
        try {
          const done = await api('/v1/admin/backups', { method: 'POST' });
          await backupsPage(main);
          document.getElementById('backup-result').textContent =
            `Done: ${done.name} (${bytes(done.size)}, ${done.ms} ms).`;
        } catch (err) {
          result.textContent = `Failed: ${err.message}`;
          run.disabled = false;
        }
      },
    },
    'Run a backup now',
  );
  main.replaceChildren(
    h('h1', {}, 'Backups'),
    h(
      'div',
      { className: 'cards' },
      card('Newest', b.newest ? `${age(b.newest.ageSeconds)} old` : 'none', b.newest?.name),
      card('Stored', String(b.backups.length)),
      card('Schedule', b.schedule ?? 'not scheduled', b.available ? '' : 'embedded mode: no backups'),
    ),
    h('p', {}, run, ' ', result),
    h('h2', {}, 'Stored backups'),
    table(
      ['Name', 'Taken', 'Size', 'Checksum'],
      b.backups.map((x) => [
        h('span', { className: 'mono' }, x.name),
        new Date(x.at).toLocaleString(),
        bytes(x.size),
        x.hasChecksum ? 'yes' : 'missing',
      ]),
      'No backups yet.',
    ),
    h('h2', {}, 'Recent runs'),
    table(
      ['Started', 'By', 'Status', 'Finished', 'Backup', 'Error'],
      b.runs.map((r) => [
        new Date(r.at).toLocaleString(),
        r.by,
        r.status,
        r.finishedAt ? new Date(r.finishedAt).toLocaleTimeString() : '-',
        r.name ?? '-',
        r.error ?? '',
      ]),
      'No runs recorded.',
    ),
  );
}
