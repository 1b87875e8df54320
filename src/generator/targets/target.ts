// The emitter contract: a target is a pure function from the normalized model to files plus warnings.
import type { AppModel } from '../model/app-model.js';

export interface GeneratedFile {
  /** POSIX path relative to the output root. */
  path: string;
  content: string | Uint8Array;
}

/** A spec feature the target cannot express; it is reported, never dropped silently. */
export interface TargetWarning {
  feature: string;
  message: string;
}

export interface EmitResult {
  files: GeneratedFile[];
  warnings: TargetWarning[];
}

export interface Target {
  name: string;
  description: string;
  /** Pure: no fs, env, clock or randomness. */
  emit(model: AppModel): EmitResult;
}
