// Collects what one target could not carry for a v2 model: warnings, and errors for losses that would break
// the app unless the spec accepts them (`targets.<target>.accept`), which turns such an error into a warning.
import type { App, LossFeature } from '../../model/app.js';
import type { EmitResult, GeneratedFile, TargetError, TargetWarning } from '../target.js';

export interface Report {
  warn(feature: string, message: string): void;
  /** A loss that breaks the app: an error, or a warning when the spec accepts `loss` for this target. */
  lose(loss: LossFeature, feature: string, message: string, hint?: string): void;
  /** An error no opt-out can lift (the output would not start at all). */
  fail(feature: string, message: string, hint?: string): void;
  result(files: GeneratedFile[]): EmitResult;
}

export function createReport(app: App, target: string): Report {
  const warnings: TargetWarning[] = [];
  const errors: TargetError[] = [];
  const accepted = new Set(app.accept[target] ?? []);
  return {
    warn: (feature, message) => warnings.push({ feature, message }),
    lose(loss, feature, message, hint) {
      if (accepted.has(loss)) warnings.push({ feature, message: `${message} (accepted by the spec)` });
      else
        errors.push({
          feature,
          message,
          hint: hint ?? `or accept the loss with targets.${target}.accept: [${loss}]`,
        });
    },
    fail: (feature, message, hint) => errors.push({ feature, message, ...(hint ? { hint } : {}) }),
    result: (files) => ({ files, warnings, errors }),
  };
}
