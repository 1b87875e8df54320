// `paasport import <compose file> [-o spec.yaml]`: reads a docker-compose file, writes the version 2 spec it
// maps to (to the file, or stdout) and lists on stderr what was not carried over. Exit 0 when a spec is
// written, 2 when the compose file cannot be read or is not a compose file.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, resolve } from 'node:path';
import type { CliIo } from '../cli.js';
import { ComposeError, importCompose } from '../import/index.js';
import { reportLines } from '../import/render.js';
import { UsageError } from './args.js';

export const defaultComposeFile = 'docker-compose.yml';

export function importCommand(positionals: string[], options: Map<string, string[]>, io: CliIo): number {
  if (positionals.length > 1) {
    throw new UsageError(`expected one <compose file> argument, got ${positionals.length}`);
  }
  const file = positionals[0] ?? defaultComposeFile;
  const repository = options.get('repository')?.at(-1);
  if (repository !== undefined && !/^[A-Za-z0-9_.-]+\/[A-Za-z0-9_.-]+$/.test(repository)) {
    throw new UsageError(`--repository takes a GitHub owner/name, got "${repository}"`);
  }
  let text: string;
  try {
    text = readFileSync(resolve(io.cwd, file), 'utf8');
  } catch (err) {
    io.stderr(`paasport import: cannot read ${file}: ${(err as Error).message}\n`);
    return 2;
  }
  let imported: ReturnType<typeof importCompose>;
  try {
    imported = importCompose(text, resolve(io.cwd, file), repository ? { repository } : {});
  } catch (err) {
    if (!(err instanceof ComposeError)) throw err;
    io.stderr(`paasport import: ${file} ${err.message}\n`);
    return 2;
  }
  for (const { title, lines } of reportLines(imported.findings, imported.settled)) {
    if (lines.length === 0) continue;
    io.stderr(`${title} (${lines.length}):\n${lines.map((l) => `  - ${l}\n`).join('')}`);
  }
  const out = options.get('out')?.at(-1);
  if (out === undefined || out === '-') {
    io.stdout(imported.text);
    return 0;
  }
  const path = resolve(io.cwd, out);
  mkdirSync(dirname(path), { recursive: true });
  writeFileSync(path, imported.text);
  io.stdout(`wrote ${out}; check it with: paasport validate ${out}\n`);
  return 0;
}
