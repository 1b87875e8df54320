// Config files for Swarm: `docker stack deploy` cannot take inline content, and does not interpolate a config
// file, so each file is written next to the stack as a Go template (`template_driver: golang`) whose
// placeholders read the task's environment (`{{ env "PAASPORT_CFG_DB_PASSWORD" }}`); the service gets those
// variables from `.env`. The config name carries a content hash, since Swarm configs cannot be updated.
import { createHash } from 'node:crypto';
import { renderValue, type Value, type ValuePart } from '../../model/value.js';
import { type ComposeCtx, renderCompose } from './compose-values.js';
import { resolveResources } from './provisioner.js';

export interface SwarmTemplate {
  text: string;
  /** Env the service needs for the template: name -> compose reference (`${DB_PASSWORD:?…}`). */
  env: Record<string, string>;
}

/** Literal `{{` must not start a template action. */
function goText(text: string): string {
  return text.replace(/\{\{/g, '{{"{{"}}');
}

export function swarmTemplate(v: Value, ctx: ComposeCtx): SwarmTemplate {
  const env: Record<string, string> = {};
  const variable = (part: ValuePart): string => {
    const reference = renderCompose([part], ctx);
    const base = /^\$\{([A-Z][A-Z0-9_]*)/.exec(reference)?.[1] ?? `VALUE_${Object.keys(env).length + 1}`;
    const name = `PAASPORT_CFG_${base}`;
    env[name] = reference;
    return `{{ env "${name}" }}`;
  };
  const resolved = resolveResources(ctx.app, v, ctx.provisioners, ctx);
  const text = renderValue(resolved, {
    text: goText,
    resource: (ref) => variable(ref),
    app: (output) => (output === 'name' ? goText(ctx.app.name) : variable({ kind: 'app', output })),
    input: (id) => variable({ kind: 'input', input: id }),
    secret: (id) => variable({ kind: 'secret', secret: id }),
    raw: (t) => variable({ kind: 'raw', text: t }),
  });
  return { text, env };
}

/** Swarm config name: the app, the config and a hash of its content (configs are immutable in Swarm). */
export function swarmConfigName(app: string, config: string, text: string): string {
  return `${app}_${config}_${createHash('sha256').update(text).digest('hex').slice(0, 10)}`;
}
