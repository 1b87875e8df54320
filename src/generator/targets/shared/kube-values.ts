// Values in Kubernetes containers: every reference (secret, input, resource output, the app's URL) reads one
// key of the settings ConfigMap or the Secret. A value that is exactly one reference becomes `valueFrom`; a
// value that mixes text and references uses Kubernetes' own `$(VAR)` expansion over helper variables listed
// first in the container's env (expansion only sees variables defined earlier). Literal `$` is written `$$`.
import { renderValue, type Value, type ValuePart } from '../../model/value.js';
import { type KeyEntry, type KubeCtx, useKey } from './kube-context.js';
import { kubeProvisioners } from './kube-resources.js';
import { resolveResources } from './provisioner.js';

const MARK = '\u0000key:';

/** A value part that reads one registered key; provisioners return these for references. */
export function keyPart(entry: KeyEntry): ValuePart {
  return { kind: 'raw', text: `${MARK}${entry.store}:${entry.key}` };
}

export function keyOf(part: ValuePart, ctx: KubeCtx): KeyEntry | undefined {
  if (part.kind !== 'raw' || !part.text.startsWith(MARK)) return undefined;
  return ctx.keys.get(part.text.slice(MARK.length).split(':').slice(1).join(':'));
}

/** The app's references as key parts (resources through the provisioners); text stays text. */
export function resolveKube(v: Value, ctx: KubeCtx): ValuePart[] {
  const resolved = resolveResources(ctx.app, v, kubeProvisioners, ctx);
  return resolved.map((p): ValuePart => {
    switch (p.kind) {
      case 'app':
        if (p.output === 'name') return { kind: 'text', text: ctx.app.name };
        return keyPart(useKey(ctx, 'settings', `app.${p.output}`, { kind: 'app', output: p.output }));
      case 'input': {
        const input = ctx.app.inputs.find((i) => i.id === p.input);
        if (!input) throw new Error(`unknown input ${p.input}`);
        return keyPart(
          useKey(ctx, input.secret ? 'secrets' : 'settings', `input.${input.id}`, { kind: 'input', input }),
        );
      }
      case 'secret': {
        const secret = ctx.app.secrets.find((s) => s.id === p.secret);
        if (!secret) throw new Error(`unknown secret ${p.secret}`);
        return keyPart(useKey(ctx, 'secrets', `secret.${secret.id}`, { kind: 'generated', secret }));
      }
      default:
        return p;
    }
  });
}

export type EnvVar = { name: string; value: string } | { name: string; valueFrom: Record<string, unknown> };

export function helperName(entry: KeyEntry): string {
  return `REF_${entry.key.replace(/[^A-Za-z0-9]+/g, '_').toUpperCase()}`;
}

export function keyRef(entry: KeyEntry, ctx: KubeCtx): Record<string, unknown> {
  const name = ctx.dialect.name(entry.store);
  return entry.store === 'secrets'
    ? { secretKeyRef: { name, key: entry.key } }
    : { configMapKeyRef: { name, key: entry.key } };
}

/** One container's values: env, command and args share the helper variables they need. */
export interface ContainerValues {
  /** A string with `$(REF_…)` for references (env values, command, args). */
  text(v: Value): string;
  env(entries: readonly { name: string; value: Value }[]): EnvVar[];
  /** Shell-quoted for a `sh -c` script: references as `${REF_…}`. */
  shell(v: Value): string;
  /** The helper variables, to list before the container's own env. */
  helpers(): EnvVar[];
}

export function containerValues(ctx: KubeCtx, owner: string): ContainerValues {
  const helpers = new Map<string, EnvVar>();
  /** The spec's own env names, which no helper may take. */
  const names = new Set<string>();
  const lit = ctx.dialect.lit;
  const helper = (entry: KeyEntry) => {
    const name = helperName(entry);
    helpers.set(name, { name, valueFrom: keyRef(entry, ctx) });
    return name;
  };
  const render = (v: Value, text: (t: string) => string, ref: (name: string) => string) =>
    renderValue(resolveKube(v, ctx), {
      text,
      resource: () => {
        throw new Error('unresolved resource reference');
      },
      app: () => '',
      input: () => '',
      secret: () => '',
      raw: (t) => {
        const entry = keyOf({ kind: 'raw', text: t }, ctx);
        if (!entry) throw new Error(`raw text in a Kubernetes value: ${t}`);
        return ref(helper(entry));
      },
    });
  const text = (v: Value) =>
    render(
      v,
      (t) => lit(t.replace(/\$/g, '$$$$')),
      (n) => `$(${n})`,
    );
  return {
    text,
    shell: (v) =>
      `"${render(
        v,
        // Shell-escaped, then `$` doubled: the kubelet expands `$(VAR)` in a command before the shell runs.
        (t) => lit(t.replace(/[\\$`"]/g, (c) => `\\${c}`).replace(/\$/g, '$$$$')),
        (n) => `\${${n}}`,
      )}"`,
    env(entries) {
      for (const e of entries) names.add(e.name);
      return entries.map((e) => {
        const parts = resolveKube(e.value, ctx);
        const only = parts.length === 1 ? keyOf(parts[0] as ValuePart, ctx) : undefined;
        if (only) return { name: e.name, valueFrom: keyRef(only, ctx) };
        return { name: e.name, value: text(e.value) };
      });
    },
    helpers() {
      for (const h of helpers.keys()) {
        if (names.has(h)) {
          ctx.report.fail(
            `${owner}.env.${h}`,
            `${h} is both an env name of the spec and a helper variable`,
            'rename it in the spec',
          );
        }
      }
      return [...helpers.values()].sort((a, b) => (a.name < b.name ? -1 : 1));
    },
  };
}
