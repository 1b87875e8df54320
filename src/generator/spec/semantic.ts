// Checks a spec for what JSON Schema cannot express: references, name clashes, stateful replicas. Reads the
// document defensively, so it also runs on a spec that failed the schema and both are reported in one round.
import {
  type AddonKind,
  addonKinds,
  addonOutputs,
  appOutputs,
  reservedServiceNames,
} from '../model/catalog.js';
import { closest } from './errors.js';
import type { AppSpec, SpecError } from './types.js';
import { entries, obj, str } from './walk.js';

export function checkSemantics(spec: AppSpec): SpecError[] {
  const errors: SpecError[] = [];
  const root = obj(spec);
  const app = obj(root.app);
  const addons = obj(root.addons) as NonNullable<AppSpec['addons']>;
  const setBy = new Map<string, string>();
  const name = str(root.name) ?? '';

  if (reservedServiceNames.includes(name) || name === 'captain' || name === 'registry') {
    errors.push({ pointer: '/name', message: `"${name}" is reserved`, hint: 'pick another app name' });
  }
  if (name.startsWith('captain-')) {
    errors.push({ pointer: '/name', message: 'names starting with "captain-" are reserved by CapRover' });
  }

  for (const [envName, value] of entries(app.env)) {
    const pointer = `/app/env/${envName}`;
    setBy.set(envName, pointer);
    const from = str(obj(value).from);
    if (from === undefined) continue;
    const [source = '', output = ''] = from.split('.');
    if (source === 'app') {
      if (!(appOutputs as readonly string[]).includes(output)) {
        errors.push(unknownOutput(`${pointer}/from`, output, appOutputs));
      }
      continue;
    }
    const kind = source as AddonKind;
    if (!addonKinds.includes(kind)) continue;
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
    for (const [output, raw] of entries(obj(addons[kind]).env)) {
      const envName = str(raw);
      if (envName === undefined) continue;
      const pointer = `/addons/${kind}/env/${output}`;
      const previous = setBy.get(envName);
      if (previous !== undefined) {
        errors.push({ pointer, message: `sets ${envName}, which ${previous} already sets` });
      }
      setBy.set(envName, pointer);
    }
  }

  const volumes = Array.isArray(app.volumes) ? app.volumes.map(obj) : [];
  if (typeof app.replicas === 'number' && app.replicas > 1 && volumes.length > 0) {
    errors.push({
      pointer: '/app/volumes',
      message: 'an app with volumes cannot run several replicas',
      hint: 'keep state in the addons (Postgres, Redis, MinIO) or set replicas to 1',
    });
  }
  const volumeNames = new Set<string>();
  for (const [i, volume] of volumes.entries()) {
    const volumeName = str(volume.name);
    if (volumeName === undefined) continue;
    if (volumeNames.has(volumeName)) {
      errors.push({
        pointer: `/app/volumes/${i}/name`,
        message: `volume "${volumeName}" is declared twice`,
      });
    }
    volumeNames.add(volumeName);
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
