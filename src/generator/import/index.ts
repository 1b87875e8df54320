// `paasport import`: a docker-compose file -> a version 2 app spec with a header comment of what could not be
// mapped. Pure: the CLI reads the compose file and writes the result.
import { basename, dirname } from 'node:path';
import type { AppSpecV2 } from '../spec/types-v2.js';
import { buildSpec } from './build-spec.js';
import { type Finding, Findings } from './findings.js';
import { parseCompose } from './parse.js';
import { renderSpec } from './render.js';
import { idOf } from './resources.js';
import { type Settled, settle } from './settle.js';

export { ComposeError } from './parse.js';

export interface Imported {
  spec: AppSpecV2;
  /** The spec as YAML with its header comment. */
  text: string;
  findings: Finding[];
  settled: Settled;
}

/** The app name: the compose `name:`, else the file name, else (for docker-compose.yml) its folder's name. */
export function appName(file: string, composeName: string | undefined): string {
  if (composeName) return idOf(composeName);
  const base = basename(file).replace(/\.(ya?ml)$/, '');
  const generic = /^(docker-)?compose([.-].*)?$/.test(base);
  return idOf(generic ? basename(dirname(file)) || 'app' : base);
}

export interface ImportOptions {
  /** GitHub `owner/name` of the app (Portainer loads its stack from there; Railway can build from it). */
  repository?: string;
}

/** Throws ComposeError when the text is not a compose file. */
export function importCompose(text: string, file: string, options: ImportOptions = {}): Imported {
  const compose = parseCompose(text);
  const findings = new Findings();
  const built = buildSpec(compose, appName(file, compose.name), basename(file), findings);
  const { version, name, description, ...rest } = built;
  const spec: AppSpecV2 = {
    version,
    name,
    description,
    ...(options.repository ? { repository: options.repository } : {}),
    ...rest,
  };
  const settled = settle(spec);
  return {
    spec,
    text: renderSpec(spec, basename(file), findings.list, settled),
    findings: findings.list,
    settled,
  };
}
