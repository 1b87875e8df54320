// Reads any accepted input: a version 1 spec (unchanged path), a version 2 spec, or a Score v1b1 file. For
// version 2 and Score, schema and semantic errors are collected in one round, each with its pointer.
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { parseDocument } from 'yaml';
import type { ModelSource } from '../model/app.js';
import { formatSpecError, fromAjvError } from './errors.js';
import { parseSpecText } from './load.js';
import { mapScore } from './score.js';
import { checkSemanticsV2 } from './semantic-v2.js';
import type { AppSpec, SpecError } from './types.js';
import type { AppSpecV2 } from './types-v2.js';
import { obj } from './walk.js';

export type AnySpec = { version: 1; spec: AppSpec } | { version: 2; spec: AppSpecV2; source: ModelSource };

export type AnyLoad = ({ ok: true } & AnySpec) | { ok: false; errors: SpecError[] };

const validators = new Map<string, ValidateFunction>();

function schemaFile(name: string): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL(`./${name}`, import.meta.url), 'utf8'));
}

// Compiled on first use and kept: compilation is the costliest step of a cold run.
function validator(name: 'app-spec-v2.schema.json' | 'score-v1b1.schema.json'): ValidateFunction {
  let v = validators.get(name);
  if (!v) {
    const options = { allErrors: true, verbose: true, allowUnionTypes: true };
    v =
      name === 'score-v1b1.schema.json'
        ? new Ajv2020({ ...options, strict: false }).compile(schemaFile(name))
        : new Ajv(options).compile(schemaFile(name));
    validators.set(name, v);
  }
  return v;
}

function schemaErrors(name: Parameters<typeof validator>[0], data: unknown): SpecError[] {
  const check = validator(name);
  return check(data) ? [] : (check.errors ?? []).flatMap((e) => fromAjvError(e) ?? []);
}

export function parseAnySpecText(text: string): AnyLoad {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: doc.errors.map((e) => ({ pointer: '', message: e.message.split('\n')[0] ?? e.message })),
    };
  }
  const data: unknown = doc.toJS();
  const root = obj(data);
  if ('apiVersion' in root) return loadScore(root);
  if (root.version !== 2) {
    const v1 = parseSpecText(text);
    return v1.ok ? { ok: true, version: 1, spec: v1.spec } : v1;
  }
  const errors = [...schemaErrors('app-spec-v2.schema.json', data), ...checkSemanticsV2(data)];
  if (errors.length > 0) return { ok: false, errors: dedupe(errors) };
  return { ok: true, version: 2, spec: data as AppSpecV2, source: { format: 'paasport', ignored: [] } };
}

function loadScore(root: Record<string, unknown>): AnyLoad {
  const errors = schemaErrors('score-v1b1.schema.json', root);
  const mapped = mapScore(root);
  errors.push(...mapped.errors);
  if (errors.length === 0) {
    // The mapped spec may still break our rules (name length, references): say where in the Score file.
    const ours = [...schemaErrors('app-spec-v2.schema.json', mapped.spec), ...checkSemanticsV2(mapped.spec)];
    errors.push(...ours.map((e) => ({ ...e, pointer: scorePointer(e.pointer) })));
  }
  if (errors.length > 0) return { ok: false, errors: dedupe(errors) };
  return { ok: true, version: 2, spec: mapped.spec, source: mapped.source };
}

/** Our spec pointers back into Score terms (`/workloads/web/env/X` -> `/containers/web/variables/X`). */
function scorePointer(pointer: string): string {
  return pointer
    .replace(/^\/name$/, '/metadata/name')
    .replace(/^\/workloads\//, '/containers/')
    .replace(/^(\/containers\/[^/]+)\/env\//, '$1/variables/')
    .replace(/^(\/containers\/[^/]+)\/probes\/liveness/, '$1/livenessProbe')
    .replace(/^(\/containers\/[^/]+)\/probes\/readiness/, '$1/readinessProbe')
    .replace(/^(\/containers\/[^/]+)\/dependsOn\//, '$1/before/');
}

function dedupe(errors: SpecError[]): SpecError[] {
  const seen = new Set<string>();
  return errors
    .filter((e) => {
      const key = formatSpecError(e);
      if (seen.has(key)) return false;
      seen.add(key);
      return true;
    })
    .sort((a, b) => (a.pointer < b.pointer ? -1 : a.pointer > b.pointer ? 1 : 0));
}
