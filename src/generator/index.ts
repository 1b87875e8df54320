// The generator as a library (`paasport/generator`): load a spec, Score or compose-derived file, emit targets.
// Light on purpose: it needs only `ajv` and `yaml`, never the server's dependencies.
export { type AnyModelLoad, loadAnyFile, loadSpecFile, type SpecLoad } from './cli/load-spec.js';
export { formatError, formatWarning, type Generated, generate } from './generate.js';
export { allTargets, targetNamed } from './targets/index.js';
export type { EmitResult, GeneratedFile, Target, TargetError, TargetWarning } from './targets/target.js';
