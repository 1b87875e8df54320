// Runs the chosen targets over a model and collects their files (sorted by path), warnings and errors. No I/O.
// A version 1 model goes to each target's `emit`, a v2 model (spec version 2, Score) to its `emitApp`.
import { type App, isApp } from './model/app.js';
import type { AppModel } from './model/app-model.js';
import type { EmitResult, GeneratedFile, Target } from './targets/target.js';

export interface GeneratedWarning {
  target: string;
  feature: string;
  message: string;
}

export interface GeneratedError {
  target: string;
  feature: string;
  message: string;
  hint?: string;
}

export interface Generated {
  files: GeneratedFile[];
  warnings: GeneratedWarning[];
  /** When not empty, nothing may be written: some target cannot carry a feature the app needs. */
  errors: GeneratedError[];
}

function emitOne(model: AppModel | App, target: Target): EmitResult {
  if (!isApp(model)) return target.emit(model);
  if (target.emitApp) return target.emitApp(model);
  return {
    files: [],
    warnings: [],
    errors: [{ feature: 'version', message: 'this target does not read spec version 2 yet' }],
  };
}

export function generate(model: AppModel | App, targets: readonly Target[]): Generated {
  const files: GeneratedFile[] = [];
  const warnings: GeneratedWarning[] = [];
  const errors: GeneratedError[] = [];
  const owner = new Map<string, string>();
  if (isApp(model)) {
    for (const i of model.source.ignored) {
      warnings.push({ target: model.source.format, feature: i.pointer, message: i.message });
    }
  }
  for (const target of targets) {
    const result = emitOne(model, target);
    for (const file of result.files) {
      const previous = owner.get(file.path);
      if (previous !== undefined) {
        throw new Error(`targets ${previous} and ${target.name} both write ${file.path}`);
      }
      owner.set(file.path, target.name);
      files.push(file);
    }
    for (const w of result.warnings) warnings.push({ target: target.name, ...w });
    for (const e of result.errors ?? []) errors.push({ target: target.name, ...e });
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, warnings, errors };
}

export function formatWarning(w: GeneratedWarning): string {
  return `warning: ${w.target}: ${w.feature}: ${w.message}`;
}

export function formatError(e: GeneratedError): string {
  return `error: ${e.target}: ${e.feature}: ${e.message}${e.hint ? `; hint: ${e.hint}` : ''}`;
}
