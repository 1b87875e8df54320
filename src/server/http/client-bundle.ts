// The official client (src/client) as one self-contained ES module for browsers. `npm run build` writes it to
// dist/client/client.bundle.js (scripts/build-client.mjs); a server running from source, where no bundle was
// built, bundles it once with esbuild (present as a development dependency) and keeps it in memory.
import { readFile, writeFile } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';

/** Bundle written next to the compiled client: dist/client/ seen from dist/server/http/. */
const BUILT = new URL('../../client/client.bundle.js', import.meta.url);
/** The client's entry point in the repository (the same relative path from src/ and dist/). */
const ENTRY = new URL('../../../src/client/index.ts', import.meta.url);

export interface ClientBundle {
  code: string;
  /** Where it came from, for the log. */
  source: 'built' | 'esbuild';
}

/** Bundles src/client with esbuild; used by the build script and by servers running from source. */
export async function bundleClient(outFile?: string): Promise<string> {
  const esbuild = await import('esbuild');
  const result = await esbuild.build({
    entryPoints: [fileURLToPath(ENTRY)],
    bundle: true,
    format: 'esm',
    platform: 'neutral',
    target: ['es2022'],
    minify: true,
    legalComments: 'none',
    banner: { js: '// paasport client (docs/protocol.md). ESM; import { createClient } from this file.' },
    write: false,
    logLevel: 'silent',
  });
  const code = result.outputFiles[0]?.text;
  if (code === undefined) throw new Error('esbuild produced no output for the client');
  if (outFile) await writeFile(outFile, code);
  return code;
}

let cached: Promise<ClientBundle> | undefined;

/** The built bundle when there is one, else a fresh esbuild bundle; computed once per process. */
export function loadClientBundle(): Promise<ClientBundle> {
  cached ??= readFile(BUILT, 'utf8').then(
    (code): ClientBundle => ({ code, source: 'built' }),
    async (): Promise<ClientBundle> => ({ code: await bundleClient(), source: 'esbuild' }),
  );
  // A failure (no bundle and no esbuild) is not cached: the next request tries again.
  cached.catch(() => {
    cached = undefined;
  });
  return cached;
}
