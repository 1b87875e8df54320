// Parses spec text (YAML or JSON), validates it against app-spec.schema.json, then runs the semantic checks.
import { readFileSync } from 'node:fs';
import { Ajv, type ValidateFunction } from 'ajv';
import { parseDocument } from 'yaml';
import { formatSpecError, fromAjvError } from './errors.js';
import { checkSemantics } from './semantic.js';
import type { AppSpec, SpecError } from './types.js';

export type LoadResult = { ok: true; spec: AppSpec } | { ok: false; errors: SpecError[] };

let validator: ValidateFunction | undefined;

export function specSchema(): Record<string, unknown> {
  return JSON.parse(readFileSync(new URL('./app-spec.schema.json', import.meta.url), 'utf8'));
}

// Compiled on first use and kept: compilation is the costliest step of a cold run.
function validate(): ValidateFunction {
  validator ??= new Ajv({ allErrors: true, verbose: true, allowUnionTypes: true }).compile(specSchema());
  return validator;
}

export function parseSpecText(text: string): LoadResult {
  const doc = parseDocument(text, { prettyErrors: true, uniqueKeys: true });
  if (doc.errors.length > 0) {
    return {
      ok: false,
      errors: doc.errors.map((e) => ({ pointer: '', message: e.message.split('\n')[0] ?? e.message })),
    };
  }
  const data: unknown = doc.toJS();
  const check = validate();
  const spec = data as AppSpec;
  // Schema and semantic errors in one round: the semantic checks read the document defensively.
  const errors = [
    ...(check(data) ? [] : (check.errors ?? []).flatMap((e) => fromAjvError(e) ?? [])),
    ...checkSemantics(spec),
  ];
  return errors.length > 0 ? { ok: false, errors: dedupe(errors) } : { ok: true, spec };
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
