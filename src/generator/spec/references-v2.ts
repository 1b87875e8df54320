// Checks every placeholder of a version 2 spec (env, command, args, file content, service outputs): the
// resource, input or secret it names is declared, and the output exists for that resource type.
import { canBeExternal, externalInputs, externalOutputs } from '../model/external.js';
import { outputAliases, type ResourceType, resourceOutputs, urlOutputs } from '../model/resource.js';
import { closest } from './errors.js';
import { parseTemplate } from './placeholders.js';
import type { SpecError } from './types.js';
import { entries, type Json, obj, str, strings, token } from './walk.js';

export interface Declarations {
  workloads: Set<string>;
  resources: Map<string, ResourceType>;
  external: Set<string>;
  wholeUrl: Set<string>;
  inputs: Set<string>;
  secrets: Set<string>;
  /** Declared outputs of service resources. */
  serviceOutputs: Map<string, string[]>;
  /** Errors found while collecting (clashing ids). */
  errors: SpecError[];
}

export function declarations(root: Json): Declarations {
  const d: Declarations = {
    workloads: new Set(Object.keys(obj(root.workloads))),
    resources: new Map(),
    external: new Set(),
    wholeUrl: new Set(),
    inputs: new Set(Object.keys(obj(root.inputs))),
    secrets: new Set(Object.keys(obj(root.secrets))),
    serviceOutputs: new Map(),
    errors: [],
  };
  const claim = (set: Set<string>, id: string, pointer: string, what: string) => {
    if (d.inputs.has(id) || d.secrets.has(id)) {
      d.errors.push({ pointer, message: `${what} "${id}" clashes with an input or secret of that name` });
    }
    set.add(id);
  };
  for (const [id, raw] of entries(root.resources)) {
    const r = obj(raw);
    const type = str(r.type) as ResourceType | undefined;
    if (!type || !(type in resourceOutputs)) continue;
    d.resources.set(id, type);
    if (type === 'service') d.serviceOutputs.set(id, Object.keys(obj(r.outputs)));
    if (r.external === undefined || r.external === false) continue;
    if (!canBeExternal(type)) {
      d.errors.push({ pointer: `/resources/${token(id)}/external`, message: `a ${type} cannot be external` });
      continue;
    }
    const whole = obj(r.external).wholeUrl === true;
    d.external.add(id);
    if (whole) d.wholeUrl.add(id);
    for (const input of externalInputs(id, type, whole)) {
      claim(d.inputs, input.id, `/resources/${token(id)}/external`, `the external resource's input`);
    }
  }
  for (const [owner, e] of envOwners(root)) {
    for (const [env, v] of entries(e)) {
      const at = `${owner}/env/${token(env)}`;
      if ('input' in obj(v)) claim(d.inputs, env, at, 'inline input');
      if ('secret' in obj(v)) claim(d.secrets, env, at, 'inline secret');
    }
  }
  return d;
}

interface Source {
  pointer: string;
  template: string;
  /** A service's own outputs may only use its host and port. */
  self?: string;
}

function sources(root: Json): Source[] {
  const out: Source[] = [];
  const env = (at: string, e: unknown) => {
    for (const [name, v] of entries(e)) {
      if (typeof v === 'string') out.push({ pointer: `${at}/env/${token(name)}`, template: v });
      const from = str(obj(v).from);
      if (from) out.push({ pointer: `${at}/env/${token(name)}/from`, template: `\${${from}}` });
    }
  };
  const list = (at: string, key: string, v: unknown) =>
    strings(v).forEach((t, i) => {
      out.push({ pointer: `${at}/${key}/${i}`, template: t });
    });
  env('', root.env);
  for (const [name, raw] of entries(root.workloads)) {
    const w = obj(raw);
    const at = `/workloads/${token(name)}`;
    env(at, w.env);
    list(at, 'command', w.command);
    list(at, 'args', w.args);
    for (const [path, f] of entries(w.files)) {
      const file = obj(f);
      if (typeof file.content === 'string' && file.noExpand !== true) {
        out.push({ pointer: `${at}/files/${token(path)}/content`, template: file.content });
      }
    }
  }
  for (const [id, raw] of entries(root.resources)) {
    const r = obj(raw);
    const at = `/resources/${token(id)}`;
    env(at, r.env);
    list(at, 'command', r.command);
    list(at, 'args', r.args);
    for (const [name, t] of entries(r.outputs)) {
      if (typeof t === 'string') out.push({ pointer: `${at}/outputs/${token(name)}`, template: t, self: id });
    }
  }
  return out;
}

export function checkReferences(root: Json, d: Declarations): SpecError[] {
  const errors: SpecError[] = [...d.errors];
  for (const source of sources(root)) {
    const parsed = parseTemplate(source.template);
    for (const p of parsed.problems) {
      errors.push({
        pointer: source.pointer,
        message: `${p.placeholder} ${p.message}`,
        ...(p.expected ? { expected: p.expected } : {}),
      });
    }
    for (const part of parsed.value) {
      const problem = checkPart(part, d, source);
      if (problem) errors.push({ pointer: source.pointer, ...problem });
    }
  }
  for (const [owner, e] of envOwners(root)) {
    for (const [env, v] of entries(e)) {
      const value = obj(v);
      if (value.scheme === undefined && value.query === undefined) continue;
      const [, id = '', output = ''] = (str(value.from) ?? '').split('.');
      const type = d.resources.get(id);
      const canonical = type ? (outputAliases[type]?.[output] ?? output) : output;
      if (!type || !(urlOutputs[type] ?? []).includes(canonical) || d.wholeUrl.has(id)) {
        errors.push({
          pointer: `${owner}/env/${token(env)}`,
          message: 'scheme and query apply only to the url of a postgres, redis or amqp resource',
          ...(d.wholeUrl.has(id)
            ? { hint: `${id} is given as one URL by the installer; say so in notes` }
            : {}),
        });
      }
    }
  }
  return errors;
}

function envOwners(root: Json): [string, unknown][] {
  return [
    ['', root.env],
    ...entries(root.workloads).map(([name, w]): [string, unknown] => [
      `/workloads/${token(name)}`,
      obj(w).env,
    ]),
  ];
}

type Problem = { message: string; expected?: string; hint?: string } | undefined;

function checkPart(
  part: ReturnType<typeof parseTemplate>['value'][number],
  d: Declarations,
  s: Source,
): Problem {
  if (part.kind === 'input' && !d.inputs.has(part.input)) {
    return missing(`input "${part.input}"`, part.input, d.inputs, `declare inputs.${part.input}`);
  }
  if (part.kind === 'secret' && !d.secrets.has(part.secret)) {
    return missing(`secret "${part.secret}"`, part.secret, d.secrets, `declare secrets.${part.secret}`);
  }
  if (part.kind !== 'resource') return undefined;
  const type = d.resources.get(part.resource);
  if (!type) {
    return missing(`resource "${part.resource}"`, part.resource, new Set(d.resources.keys()), undefined);
  }
  const output = outputAliases[type]?.[part.output] ?? part.output;
  let allowed: string[] = [...resourceOutputs[type]];
  if (type === 'service' && s.self !== part.resource)
    allowed.push(...(d.serviceOutputs.get(part.resource) ?? []));
  if (d.external.has(part.resource)) allowed = externalOutputs(type, d.wholeUrl.has(part.resource));
  if (allowed.includes(output)) return undefined;
  const near = closest(part.output, allowed);
  return {
    message: `resource "${part.resource}" (${type}${d.external.has(part.resource) ? ', external' : ''}) has no output "${part.output}"`,
    expected: `one of ${allowed.join(', ')}`,
    ...(near ? { hint: `did you mean "${near}"?` } : {}),
  };
}

function missing(what: string, name: string, known: Set<string>, hint: string | undefined): Problem {
  const near = closest(name, [...known]);
  return {
    message: `refers to ${what}, which is not declared`,
    ...(near ? { hint: `did you mean "${near}"?` } : hint ? { hint } : {}),
  };
}
