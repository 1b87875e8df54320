// One rehearsal plan per platform output of a generated tree: the web service's environment resolved the way
// that platform resolves it, the backing services it would start next to it, and every internal host name.
import { readFileSync, symlinkSync } from 'node:fs';
import { join } from 'node:path';
import { repoRoot } from '../helpers.js';
import { caproverHosts, resolveCaprover } from './caprover-resolve.js';
import { composeConfig, fillEnvExample, type ResolvedProject, stackConfig } from './compose-resolve.js';
import { resolveCoolify } from './coolify-resolve.js';
import { evaluateRailwayFile, resolveRailway } from './railway-resolve.js';
import { type Backing, backingOf } from './stand-ins.js';

export interface Plan {
  /** The web service's environment, as the platform hands it to the container. */
  env: Record<string, string>;
  backing: Backing[];
  /** Names (or `.suffixes`) of the deployment's private network; none may be left after the rewrite. */
  internal: string[];
  /** Whatever stops the platform from deploying the output as it is. */
  problems: string[];
}

export interface Rehearsal {
  key: string;
  name: string;
  plan(dir: string, scratch: string): Promise<Plan> | Plan;
}

const read = (dir: string, path: string) => readFileSync(join(dir, path), 'utf8');

function fromProject(
  project: ResolvedProject,
  web: string,
  hostsOf: (service: string) => string[],
  problems: string[],
): Plan {
  const env = project.services[web]?.environment;
  const found = backingOf(project.services, hostsOf);
  return {
    env: env ?? {},
    backing: found.backing,
    internal: Object.keys(project.services).flatMap(hostsOf),
    problems: [...problems, ...(env ? [] : [`no service ${web}`]), ...found.problems],
  };
}

/** The platforms an app named `app` is generated for, each a way to resolve its output in a generated tree. */
export function rehearsals(app: string): Rehearsal[] {
  const caprover = (key: string, file: string): Rehearsal => ({
    key,
    name: `CapRover one-click ${file}`,
    plan: (dir) => {
      // An app name other than the spec's, so a name written out instead of $$cap_appname shows.
      const deploy = { appName: 'chat', rootDomain: 'apps.example.com' };
      const r = resolveCaprover(read(dir, `one-click-apps/public/v4/apps/${file}`), deploy);
      return fromProject(r, deploy.appName, caproverHosts, r.problems);
    },
  });
  const coolify = (key: string, file: string, label: string): Rehearsal => ({
    key,
    name: `Coolify ${label} ${file}`,
    plan: (dir, scratch) => {
      const uuid = 'q8k0w4gs';
      const r = resolveCoolify(read(dir, file), { uuid, wildcard: 'https://apps.example.com' }, scratch);
      return fromProject(r, app, (s) => [s, `${s}-${uuid}`], r.problems);
    },
  });
  return [
    {
      key: 'compose',
      name: `docker compose templates/compose/${app}`,
      plan: (dir) => {
        const folder = join(dir, 'templates', 'compose', app);
        const { env, problems } = fillEnvExample(read(folder, '.env.example'));
        return fromProject(composeConfig(folder, 'docker-compose.yml', env), app, (s) => [s], problems);
      },
    },
    {
      key: 'swarm',
      name: `Swarm stack templates/swarm/${app}.stack.yml`,
      plan: (dir) => {
        const { env, problems } = fillEnvExample(read(dir, `templates/swarm/${app}.env.example`));
        const project = stackConfig(join(dir, 'templates', 'swarm', `${app}.stack.yml`), env);
        return fromProject(project, app, (s) => [s], problems);
      },
    },
    caprover('caprover', `${app}.yml`),
    caprover('caprover-cluster', `${app}-cluster.yml`),
    coolify('coolify', `templates/coolify/${app}.yaml`, 'one-click'),
    coolify('coolify-git', 'docker-compose.coolify.yaml', 'Git repository (Docker Compose build pack)'),
    {
      key: 'railway',
      name: 'Railway .railway/railway.ts',
      plan: async (dir) => {
        // `railway config plan` evaluates the file with the nearest node_modules, which holds `railway`.
        symlinkSync(join(repoRoot, 'node_modules'), join(dir, 'node_modules'));
        const r = resolveRailway(await evaluateRailwayFile(join(dir, '.railway', 'railway.ts')));
        const backing: Backing[] = [];
        for (const res of r.resources) {
          const v = r.variables[res.name] ?? {};
          if (res.type === 'database' && res.engine === 'postgres') {
            const [user, password, database] = [
              v.POSTGRES_USER ?? '',
              v.POSTGRES_PASSWORD ?? '',
              v.POSTGRES_DB ?? '',
            ];
            backing.push({
              kind: 'postgres',
              hosts: [v.PGHOST ?? ''],
              port: Number(v.PGPORT),
              user,
              password,
              database,
            });
          } else if (res.type === 'database' && res.engine === 'redis') {
            const password = v.REDIS_PASSWORD ?? '';
            backing.push({ kind: 'redis', hosts: [v.REDISHOST ?? ''], port: Number(v.REDISPORT), password });
          } else if (res.type === 'bucket') {
            backing.push({
              kind: 's3',
              hosts: [],
              port: 443,
              accessKey: v.ACCESS_KEY_ID ?? '',
              secretKey: v.SECRET_ACCESS_KEY ?? '',
              region: v.REGION ?? '',
              hosted: { origin: v.ENDPOINT ?? '', bucket: v.BUCKET ?? '' },
            });
          }
        }
        return {
          env: r.variables[app] ?? {},
          backing,
          internal: ['.railway.internal'],
          problems: r.problems,
        };
      },
    },
  ];
}
