// Runs the chosen targets over a model and collects their files (sorted by path) and warnings. No I/O.
import type { AppModel } from './model/app-model.js';
import type { GeneratedFile, Target } from './targets/target.js';

export interface GeneratedWarning {
  target: string;
  feature: string;
  message: string;
}

export interface Generated {
  files: GeneratedFile[];
  warnings: GeneratedWarning[];
}

export function generate(model: AppModel, targets: readonly Target[]): Generated {
  const files: GeneratedFile[] = [];
  const warnings: GeneratedWarning[] = [];
  const owner = new Map<string, string>();
  for (const target of targets) {
    const result = target.emit(model);
    for (const file of result.files) {
      const previous = owner.get(file.path);
      if (previous !== undefined) {
        throw new Error(`targets ${previous} and ${target.name} both write ${file.path}`);
      }
      owner.set(file.path, target.name);
      files.push(file);
    }
    for (const w of result.warnings) warnings.push({ target: target.name, ...w });
  }
  files.sort((a, b) => (a.path < b.path ? -1 : a.path > b.path ? 1 : 0));
  return { files, warnings };
}

export function formatWarning(w: GeneratedWarning): string {
  return `warning: ${w.target}: ${w.feature}: ${w.message}`;
}
