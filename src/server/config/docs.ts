// Renders docs/configuration.md and .env.example from the settings tables, so they cannot drift from
// what loadConfig accepts. A test compares the committed files with this output.

import { allSettings } from './sections.js';
import type { Setting } from './setting.js';

const HEADER = '<!-- Generated from src/server/config by `npm run docs:config`; do not edit. -->';

function groups(): Map<string, [string, Setting][]> {
  const out = new Map<string, [string, Setting][]>();
  for (const [name, setting] of Object.entries(allSettings) as [string, Setting][]) {
    const list = out.get(setting.group) ?? [];
    list.push([name, setting]);
    out.set(setting.group, list);
  }
  return out;
}

const cell = (s: string) => s.replace(/\|/g, '\\|').replace(/\n/g, ' ');

export function renderConfigurationMd(): string {
  const lines = [
    HEADER,
    '',
    '# Configuration',
    '',
    'Every setting is an environment variable. For local runs, a `.env` file in the working directory is loaded too',
    '(see `.env.example`). All problems are reported at once, each naming the variable, and the server exits with',
    'status 1 before listening. Durations take `ms`, `s`, `m`, `h` or `d` suffixes; sizes take `KiB`, `MiB` or `GiB`.',
    '',
    'With no `DATABASE_URL`, `REDIS_URL` or `S3_ENDPOINT` the server runs on embedded defaults (PGlite under',
    '`DATA_DIR`, an in-process bus, files under `DATA_DIR`): fine for one replica on a bare machine. The templates',
    'for CapRover, Coolify and Railway always set all three.',
    '',
  ];
  for (const [group, settings] of groups()) {
    lines.push(`## ${group}`, '', '| Variable | Default | Description |', '| --- | --- | --- |');
    for (const [name, s] of settings) {
      const def = s.default === undefined ? '_unset_' : s.default === '' ? '_empty_' : `\`${s.default}\``;
      const secret = s.secret ? ' **Secret.**' : '';
      const example = s.example && !s.secret ? ` Example: \`${s.example}\`.` : '';
      lines.push(`| \`${name}\` | ${def} | ${cell(s.doc)}${secret}${example} |`);
    }
    lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}

export function renderEnvExample(): string {
  const lines = [
    '# Generated from src/server/config by `npm run docs:config`; do not edit.',
    '# Copy to .env for local runs. Every line is optional: unset means the default shown.',
    '',
  ];
  for (const [group, settings] of groups()) {
    lines.push(`# --- ${group} ---`);
    for (const [name, s] of settings) {
      lines.push(`# ${s.doc.replace(/`/g, '')}`);
      const value = s.secret ? '' : (s.default ?? s.example ?? '');
      lines.push(`# ${name}=${value}`);
    }
    lines.push('');
  }
  return `${lines.join('\n').trimEnd()}\n`;
}
