// Checks a schema-valid spec for what JSON Schema cannot express: references, name clashes, stateful replicas.
import {
  type AddonKind,
  addonKinds,
  addonOutputs,
  appOutputs,
  reservedServiceNames,
} from '../model/catalog.js';
import { closest } from './errors.js';
import type { AppSpec, SpecError } from './types.js';

export function checkSemantics(spec: AppSpec): SpecError[] {
  const errors: SpecError[] = [];
  const addons = spec.addons ?? {};
  const setBy = new Map<string, string>();

  if (reservedServiceNames.includes(spec.name) || spec.name === 'captain' || spec.name === 'registry') {
    errors.push({ pointer: '/name', message: `"${spec.name}" is reserved`, hint: 'pick another app name' });
  }
  if (spec.name.startsWith('captain-')) {
    errors.push({ pointer: '/name', message: 'names starting with "captain-" are reserved by CapRover' });
  }

  for (const [name, value] of Object.entries(spec.app.env ?? {})) {
    const pointer = `/app/env/${name}`;
    setBy.set(name, pointer);
    if (typeof value !== 'object' || !('from' in value)) continue;
    const [source = '', output = ''] = value.from.split('.');
    if (source === 'app') {
      if (!(appOutputs as readonly string[]).includes(output)) {
        errors.push(unknownOutput(`${pointer}/from`, output, appOutputs));
      }
      continue;
    }
    const kind = source as AddonKind;
    if (addons[kind] === undefined) {
      errors.push({
        pointer: `${pointer}/from`,
        message: `refers to addon "${kind}", which is not declared`,
        hint: `add addons.${kind}`,
      });
    } else if (!(addonOutputs[kind] as readonly string[]).includes(output)) {
      errors.push(unknownOutput(`${pointer}/from`, output, addonOutputs[kind]));
    }
  }

  for (const kind of addonKinds) {
    for (const [output, envName] of Object.entries(addons[kind]?.env ?? {})) {
      const pointer = `/addons/${kind}/env/${output}`;
      const previous = setBy.get(envName);
      if (previous !== undefined) {
        errors.push({ pointer, message: `sets ${envName}, which ${previous} already sets` });
      }
      setBy.set(envName, pointer);
    }
  }

  if ((spec.app.replicas ?? 1) > 1 && (spec.app.volumes ?? []).length > 0) {
    errors.push({
      pointer: '/app/volumes',
      message: 'an app with volumes cannot run several replicas',
      hint: 'keep state in the addons (Postgres, Redis, MinIO) or set replicas to 1',
    });
  }
  const volumeNames = new Set<string>();
  for (const [i, volume] of (spec.app.volumes ?? []).entries()) {
    if (volumeNames.has(volume.name)) {
      errors.push({
        pointer: `/app/volumes/${i}/name`,
        message: `volume "${volume.name}" is declared twice`,
      });
    }
    volumeNames.add(volume.name);
  }
  return errors;
}

function unknownOutput(pointer: string, output: string, allowed: readonly string[]): SpecError {
  const near = closest(output, allowed);
  return {
    pointer,
    message: `unknown output "${output}"`,
    expected: `one of ${allowed.join(', ')}`,
    ...(near ? { hint: `did you mean "${near}"?` } : {}),
  };
}
