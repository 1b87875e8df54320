// Checks an imported spec the way `paasport validate` and `generate` will: it must load, and each target
// must generate it. A loss a target reports as an error (a release step CapRover cannot run, a volume Railway
// cannot share) is accepted in `targets.<target>.accept` with the target's reason, so generation succeeds with
// warnings; errors no acceptance lifts are returned for the report.
import { stringify } from 'yaml';
import { formatError, generate } from '../generate.js';
import { type LossFeature, lossFeatures } from '../model/app.js';
import { normalizeV2 } from '../model/normalize-v2.js';
import { formatSpecError } from '../spec/errors.js';
import { parseAnySpecText } from '../spec/load-any.js';
import type { AppSpecV2 } from '../spec/types-v2.js';
import { allTargets } from '../targets/index.js';
import type { Target } from '../targets/target.js';

export interface Settled {
  /** Losses accepted per target, each with the messages the target gave. */
  accepted: { target: string; loss: LossFeature; messages: string[] }[];
  /** Errors that remain (a target that cannot generate the spec at all). */
  errors: string[];
  /** Schema or cross-field errors: the importer wrote something the spec does not allow. */
  specErrors: string[];
}

function errorsOf(spec: AppSpecV2, target: Target): { errors: string[]; warnings: string[] } | string[] {
  const parsed = parseAnySpecText(stringify(spec));
  if (!parsed.ok) return parsed.errors.map(formatSpecError);
  if (parsed.version !== 2) return ['not a version 2 spec'];
  const model = normalizeV2(parsed.spec, { specPath: 'spec.yaml', source: parsed.source });
  const g = generate(model, [target]);
  return { errors: g.errors.map(formatError), warnings: g.warnings.map((w) => `${w.feature}: ${w.message}`) };
}

export function settle(spec: AppSpecV2): Settled {
  const settled: Settled = { accepted: [], errors: [], specErrors: [] };
  for (const target of allTargets) {
    const first = errorsOf(spec, target);
    if (Array.isArray(first)) {
      settled.specErrors = first;
      return settled;
    }
    if (first.errors.length === 0) continue;
    spec.targets = spec.targets ?? {};
    const options = spec.targets;
    const own: { accept: LossFeature[] } = { accept: [...lossFeatures] };
    options[target.name] = own;
    const floor = errorsOf(spec, target);
    if (Array.isArray(floor)) {
      // The spec schema has no options for this target (yet): its errors stay as they are.
      delete options[target.name];
      settled.errors.push(...first.errors);
      continue;
    }
    // Keep only the losses whose acceptance removes an error.
    for (const loss of lossFeatures) {
      own.accept = own.accept.filter((l) => l !== loss);
      const without = errorsOf(spec, target);
      if (!Array.isArray(without) && without.errors.length > floor.errors.length) own.accept.push(loss);
    }
    own.accept.sort((a, b) => lossFeatures.indexOf(a) - lossFeatures.indexOf(b));
    if (own.accept.length === 0) delete options[target.name];
    else {
      const all = own.accept;
      for (const loss of all) {
        own.accept = [loss];
        const result = errorsOf(spec, target);
        const messages = Array.isArray(result)
          ? []
          : result.warnings
              .filter((w) => w.endsWith(' (accepted by the spec)'))
              .map((w) => w.slice(0, -' (accepted by the spec)'.length));
        settled.accepted.push({ target: target.name, loss, messages });
      }
      own.accept = all;
    }
    settled.errors.push(...floor.errors);
  }
  if (spec.targets && Object.keys(spec.targets).length === 0) delete spec.targets;
  return settled;
}
