// Files: newest first, with metadata, a download (fetched with the key, saved from a blob URL) and delete.
import { api } from '../api.js';
import { bytes, h, table } from '../dom.js';

async function download(f) {
  const res = await api(`/v1/files/${f.id}?download`, { raw: true });
  const url = URL.createObjectURL(await res.blob());
  const a = h('a', { href: url, download: f.name });
  document.body.append(a);
  a.click();
  a.remove();
  setTimeout(() => URL.revokeObjectURL(url), 10_000);
}

export async function filesPage(main, params) {
  const before = params.get('before');
  const page = await api(`/v1/admin/files?limit=50${before ? `&before=${encodeURIComponent(before)}` : ''}`);
  const rows = page.files.map((f) => [
    f.name,
    f.contentType,
    bytes(f.size),
    f.owner ?? '-',
    f.status,
    new Date(f.createdAt).toLocaleString(),
    h('span', { className: 'mono muted', title: f.sha256 ?? '' }, f.id),
    h(
      'span',
      {},
      f.status === 'ready'
        ? h('button', { type: 'button', className: 'secondary', onclick: () => download(f) }, 'Download')
        : null,
      ' ',
      h(
        'button',
        {
          type: 'button',
          className: 'danger',
          onclick: async () => {
            if (!confirm(`Delete ${f.name}?`)) return;
            await api(`/v1/files/${f.id}`, { method: 'DELETE' });
            await filesPage(main, params);
          },
        },
        'Delete',
      ),
    ),
  ]);
  main.replaceChildren(
    h('h1', {}, 'Files'),
    table(['Name', 'Type', 'Size', 'Owner', 'Status', 'Created', 'Id', ''], rows, 'No files uploaded yet.'),
    page.next ? h('a', { href: `#files?before=${encodeURIComponent(page.next)}` }, 'Older →') : null,
  );
}
