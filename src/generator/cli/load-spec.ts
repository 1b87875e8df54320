// Reads a spec (version 1 or 2) or a Score file and its logo from disk and builds the model; the only file
// reading of the generator.
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import type { App } from '../model/app.js';
import type { AppModel } from '../model/app-model.js';
import { normalize } from '../model/normalize.js';
import { normalizeV2 } from '../model/normalize-v2.js';
import { parseAnySpecText } from '../spec/load-any.js';
import type { SpecError } from '../spec/types.js';

export type SpecLoad = { ok: true; model: AppModel } | { ok: false; errors: SpecError[] };
export type AnyModelLoad = { ok: true; model: AppModel | App } | { ok: false; errors: SpecError[] };

/** The file `paasport init` writes and `paasport generate` reads when given no path. */
export const defaultSpecFile = 'paasport.yaml';

export function loadAnyFile(specFile: string, outDir: string): AnyModelLoad {
  let text: string;
  try {
    text = readFileSync(specFile, 'utf8');
  } catch (err) {
    return {
      ok: false,
      errors: [{ pointer: '', message: `cannot read ${specFile}: ${(err as Error).message}` }],
    };
  }
  const result = parseAnySpecText(text);
  if (!result.ok) return result;
  let logo: Uint8Array | undefined;
  if (result.spec.logo) {
    try {
      logo = new Uint8Array(readFileSync(resolve(dirname(specFile), result.spec.logo)));
    } catch {
      return { ok: false, errors: [{ pointer: '/logo', message: `file not found: ${result.spec.logo}` }] };
    }
    if (!isPng(logo)) return { ok: false, errors: [{ pointer: '/logo', message: 'is not a PNG file' }] };
  }
  const specPath = relative(resolve(outDir), resolve(specFile)).split(sep).join('/');
  const options = { specPath, ...(logo ? { logo } : {}) };
  return {
    ok: true,
    model:
      result.version === 1
        ? normalize(result.spec, options)
        : normalizeV2(result.spec, { ...options, source: result.source }),
  };
}

/** A version 1 spec only (its model is what the version 1 emitters read). */
export function loadSpecFile(specFile: string, outDir: string): SpecLoad {
  const loaded = loadAnyFile(specFile, outDir);
  if (!loaded.ok) return loaded;
  if ('specVersion' in loaded.model) {
    return { ok: false, errors: [{ pointer: '/version', message: 'is 2; read it with loadAnyFile' }] };
  }
  return { ok: true, model: loaded.model };
}

function isPng(bytes: Uint8Array): boolean {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  return signature.every((b, i) => bytes[i] === b);
}
