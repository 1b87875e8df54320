// Entry of the console: the login (an API key, checked against /v1/admin/status and kept in sessionStorage),
// then one page per hash (#status, #channels, ...). A page renders into <main> and may return a cleanup
// function (timers, sockets) run when another page opens.
import { ApiError, api, session } from './api.js';
import { h } from './dom.js';
import { backupsPage } from './pages/backups.js';
import { channelsPage } from './pages/channels.js';
import { clientsPage } from './pages/clients.js';
import { filesPage } from './pages/files.js';
import { metricsPage } from './pages/metrics.js';
import { publishPage } from './pages/publish.js';
import { statusPage } from './pages/status.js';
import { tailPage } from './pages/tail.js';

const pages = {
  status: statusPage,
  channels: channelsPage,
  tail: tailPage,
  publish: publishPage,
  clients: clientsPage,
  files: filesPage,
  backups: backupsPage,
  metrics: metricsPage,
};

const main = document.getElementById('main');
const nav = document.getElementById('nav');
const errorBox = document.getElementById('error');
let cleanup = null;
/** Bumped by every route(): a page that finishes loading after a newer one has opened is dropped. */
let current = 0;

export function showError(err) {
  if (!err) {
    errorBox.hidden = true;
    return;
  }
  errorBox.textContent = err instanceof ApiError ? `${err.code}: ${err.message}` : String(err.message ?? err);
  errorBox.hidden = false;
  if (err instanceof ApiError && err.status === 401) logout();
}

function logout() {
  session.key = null;
  cleanup?.();
  cleanup = null;
  void route();
}

/** What to say when no key is configured: how to set one, or where the generated one was printed. */
function noKeyHelp(settings) {
  if (settings.devKeyPrinted) {
    return h('p', {}, 'No API_KEYS are set: use the development key printed in the server log at start.');
  }
  if (settings.apiKeysConfigured) return null;
  return h(
    'div',
    { className: 'card', id: 'no-keys' },
    h('p', {}, h('strong', {}, 'No API key is configured on this server.')),
    h('p', {}, 'Set API_KEYS (comma-separated) and restart, for example:'),
    h('pre', {}, 'API_KEYS=$(openssl rand -hex 24) npm start'),
    h('p', { className: 'muted' }, 'In production each key must be at least 24 characters.'),
  );
}

async function loginPage() {
  nav.hidden = true;
  const settings = await fetch('/console/settings.json').then((r) => r.json());
  const input = h('input', { type: 'password', name: 'key', autocomplete: 'off', required: true, size: 40 });
  const form = h(
    'form',
    {
      id: 'login',
      onsubmit: async (e) => {
        e.preventDefault();
        session.key = input.value.trim();
        try {
          await api('/v1/admin/status');
          showError(null);
          // A new hash routes through hashchange; the same hash would not fire it.
          if (location.hash === '#status') await route();
          else location.hash = '#status';
        } catch (err) {
          session.key = null;
          showError(err);
        }
      },
    },
    h('label', {}, 'API key', input),
    h('button', { type: 'submit' }, 'Log in'),
  );
  main.replaceChildren(
    h(
      'section',
      { className: 'login' },
      h('h1', {}, 'Log in'),
      h(
        'p',
        { className: 'muted' },
        'The key stays in this tab (sessionStorage) and is sent only to this server.',
      ),
      noKeyHelp(settings),
      form,
    ),
  );
  input.focus();
}

async function route() {
  const mine = ++current;
  cleanup?.();
  cleanup = null;
  if (!session.key) return loginPage();
  nav.hidden = false;
  const [name, query] = location.hash.slice(1).split('?');
  const page = pages[name] ? name : 'status';
  for (const a of nav.querySelectorAll('a')) a.classList.toggle('active', a.hash === `#${page}`);
  // Each page renders into a view of its own: one still loading when another opens (a slow status
  // request, then a click) fills a detached view instead of replacing the page now shown.
  const view = h('div', { className: 'view' }, h('p', { className: 'muted' }, 'Loading…'));
  main.replaceChildren(view);
  try {
    const done = (await pages[page](view, new URLSearchParams(query ?? ''))) ?? null;
    if (mine !== current) {
      done?.();
      return;
    }
    cleanup = done;
    showError(null);
  } catch (err) {
    if (mine === current) showError(err);
  }
}

document.getElementById('logout').addEventListener('click', logout);
window.addEventListener('hashchange', () => void route());
void route();
