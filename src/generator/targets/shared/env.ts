// Renders the app's env list with per-target syntax for secrets, addon outputs and the public URL.
import type { AppModel, EnvValue } from '../../model/app-model.js';
import type { AddonKind } from '../../model/catalog.js';

export interface EnvSyntax {
  literal(value: string): string;
  secret(name: string, length: number): string;
  addon(addon: AddonKind, output: string): string;
  appUrl(): string;
}

export function renderValue(value: EnvValue, name: string, syntax: EnvSyntax): string {
  switch (value.kind) {
    case 'literal':
      return syntax.literal(value.value);
    case 'secret':
      return syntax.secret(name, value.length);
    case 'addon':
      return syntax.addon(value.addon, value.output);
    case 'appUrl':
      return syntax.appUrl();
  }
}

/** The app's environment as an ordered [name, rendered value] list (already sorted by name). */
export function renderEnv(model: AppModel, syntax: EnvSyntax): [string, string][] {
  return model.app.env.map((v) => [v.name, renderValue(v.value, v.name, syntax)]);
}

export function appSecrets(model: AppModel): { name: string; length: number }[] {
  return model.app.env.flatMap((v) =>
    v.value.kind === 'secret' ? [{ name: v.name, length: v.value.length }] : [],
  );
}

/** True when the app env reads this addon output (e.g. whether MinIO must be reachable from browsers). */
export function usesOutput(model: AppModel, addon: AddonKind, output: string): boolean {
  return model.app.env.some(
    (v) => v.value.kind === 'addon' && v.value.addon === addon && v.value.output === output,
  );
}

/** Postgres 18 images keep data under /var/lib/postgresql (a versioned subfolder); older ones in /data. */
export function postgresDataPath(version: string): string {
  const major = Number.parseInt(version, 10);
  return Number.isFinite(major) && major >= 18 ? '/var/lib/postgresql' : '/var/lib/postgresql/data';
}

/** Container command for the HTTP health check, with the tool the app image ships. */
export function httpProbe(model: AppModel, path: string): string[] {
  const url = `http://127.0.0.1:${model.app.port}${path}`;
  switch (model.app.healthCommand) {
    case 'node':
      return [
        'CMD',
        'node',
        '-e',
        `fetch('${url}').then((r)=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))`,
      ];
    case 'wget':
      return ['CMD', 'wget', '-q', '--spider', url];
    case 'curl':
      return ['CMD', 'curl', '-fsS', '-o', '/dev/null', url];
  }
}
