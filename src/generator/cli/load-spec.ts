// Reads a spec file and its logo from disk and builds the model; the only file reading of the generator.
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import type { AppModel } from '../model/app-model.js';
import { normalize } from '../model/normalize.js';
import { parseSpecText } from '../spec/load.js';
import type { SpecError } from '../spec/types.js';

export type SpecLoad = { ok: true; model: AppModel } | { ok: false; errors: SpecError[] };

export function loadSpecFile(specFile: string, outDir: string): SpecLoad {
  let text: string;
  try {
    text = readFileSync(specFile, 'utf8');
  } catch (err) {
    return {
      ok: false,
      errors: [{ pointer: '', message: `cannot read ${specFile}: ${(err as Error).message}` }],
    };
  }
  const result = parseSpecText(text);
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
  return { ok: true, model: normalize(result.spec, { specPath, ...(logo ? { logo } : {}) }) };
}

function isPng(bytes: Uint8Array): boolean {
  const signature = [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a];
  return signature.every((b, i) => bytes[i] === b);
}
