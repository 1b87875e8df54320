// The emitter contract: a target is a pure function from the normalized model to files, warnings and errors.
// `emit` reads the version 1 model; `emitApp` the v2 model (spec version 2 and Score files).
import type { App } from '../model/app.js';
import type { AppModel } from '../model/app-model.js';

export interface GeneratedFile {
  /** POSIX path relative to the output root. */
  path: string;
  content: string | Uint8Array;
  /**
   * Combines the content with the file already on disk (a repository listing several apps); the CLI
   * applies it when the file exists, for writing and for `--check` alike. Must be idempotent.
   */
  merge?(existing: string): string;
}

/** A spec feature the target cannot express; it is reported, never dropped silently. */
export interface TargetWarning {
  feature: string;
  message: string;
}

/**
 * A feature the target cannot carry and whose loss would break the app (a worker, a release step, an extra
 * port, a probe the image cannot run). The spec may accept the loss (`targets.<name>.accept`), which turns
 * it into a warning. When any target reports an error, nothing is written.
 */
export interface TargetError {
  feature: string;
  message: string;
  hint?: string;
}

export interface EmitResult {
  files: GeneratedFile[];
  warnings: TargetWarning[];
  errors?: TargetError[];
}

export interface Target {
  name: string;
  description: string;
  /** Version 1 specs. Pure: no fs, env, clock or randomness. */
  emit(model: AppModel): EmitResult;
  /** Version 2 specs and Score files. Pure. A target without it reports an error for such models. */
  emitApp?(app: App): EmitResult;
}
