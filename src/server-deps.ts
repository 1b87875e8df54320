// Explains a server command run from a package install without the server's dependencies: the package lists
// them as optional peers so `npx paasport generate` and `paasport/client` stay small; `serve` needs them.
import { readFileSync } from 'node:fs';

interface Manifest {
  version: string;
  peerDependencies?: Record<string, string>;
}

export function manifest(): Manifest {
  // package.json sits one level above both src/ and dist/.
  return JSON.parse(readFileSync(new URL('../package.json', import.meta.url), 'utf8')) as Manifest;
}

/** The install command when `err` is a failed import of one of the server's dependencies, else undefined. */
export function missingServerDependency(err: unknown): string | undefined {
  const code = (err as { code?: unknown } | null)?.code;
  if (code !== 'ERR_MODULE_NOT_FOUND' || !(err instanceof Error)) return undefined;
  const peers = manifest().peerDependencies ?? {};
  const missing = /Cannot find (?:package|module) '([^']+)'/.exec(err.message)?.[1];
  if (missing === undefined || !Object.keys(peers).some((p) => missing === p || missing.startsWith(`${p}/`)))
    return undefined;
  const specs = Object.entries(peers).map(([name, range]) => `'${name}@${range}'`);
  return [
    `The server's dependencies are not installed (missing: ${missing}).`,
    'The paasport package keeps them optional so the generator and the client install light. To run the',
    'server from npm, install them next to paasport:',
    `  npm install paasport ${specs.join(' ')}`,
    'or run the container image (docs/operations.md).',
  ].join('\n');
}
