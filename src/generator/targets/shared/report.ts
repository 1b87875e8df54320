// Collects what one target could not carry for a v2 model: warnings, and errors for losses that would break
// the app unless the spec accepts them (`targets.<target>.accept`), which turns such an error into a warning.
// An emitter may meet one feature many times (an input read by six services); each finding is kept once.
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
  const seen = new Set<string>();
  const accepted = new Set(app.accept[target] ?? []);
  /** Adds a finding unless the same one (feature and message) is already listed; order is kept. */
  const add = <T extends TargetWarning>(list: T[], finding: T) => {
    const key = JSON.stringify([list === warnings, finding.feature, finding.message]);
    if (seen.has(key)) return;
    seen.add(key);
    list.push(finding);
  };
  const warn = (feature: string, message: string) => add(warnings, { feature, message });
  return {
    warn,
    lose(loss, feature, message, hint) {
      if (accepted.has(loss)) warn(feature, `${message} (accepted by the spec)`);
      else
        add(errors, {
          feature,
          message,
          hint: hint ?? `or accept the loss with targets.${target}.accept: [${loss}]`,
        });
    },
    fail: (feature, message, hint) => add(errors, { feature, message, ...(hint ? { hint } : {}) }),
    result: (files) => ({ files, warnings, errors }),
  };
}
