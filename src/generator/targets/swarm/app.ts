// Docker Swarm stack for a v2 app: workloads with their replicas and rolling updates, stateful services
// pinned to one labelled node, the release step as a replicated job, config files as Go templates written
// next to the stack. Swarm has no depends_on, which the header and warnings explain; the spec's notes
// go into the header, as a stack file has no other place for them.
import type { App } from '../../model/app.js';
import { generatedNotice, renderYaml } from '../../render/text.js';
import { buildComposeStack } from '../shared/compose-stack.js';
import { envExampleLines } from '../shared/compose-vars.js';
import { createReport } from '../shared/report.js';
import { swarmConfigName } from '../shared/swarm-config.js';
import type { EmitResult, GeneratedFile } from '../target.js';

export function emitSwarmApp(app: App): EmitResult {
  const report = createReport(app, 'swarm');
  const stack = buildComposeStack(app, 'swarm', report, 'the environment');
  const release = app.workloads.find((w) => w.role === 'release');
  if (release) {
    report.warn(
      `workloads.${release.name}`,
      'Swarm has no depends_on conditions: the release step runs as a replicated job on each deploy while the other services start, and they restart until it has completed',
    );
  }
  for (const w of app.workloads) {
    const waits = w.dependsOn
      .map((d) => ('workload' in d.on ? d.on.workload : d.on.resource))
      .filter((name) => name !== release?.name);
    if (waits.length > 0) {
      report.warn(
        `workloads.${w.name}.dependsOn`,
        `Swarm has no depends_on: ${w.name} starts alongside ${waits.join(', ')} without waiting for ${waits.length > 1 ? 'them' : 'it'}; it must retry until ${waits.length > 1 ? 'they are' : 'it is'} ready`,
      );
    }
    if (w.sessionAffinity && w.replicas > 1) {
      report.lose(
        'sessionAffinity',
        `workloads.${w.name}.sessionAffinity`,
        "Swarm's routing mesh balances connections across replicas with no stickiness",
        'put a proxy with sticky sessions (Traefik, nginx ip_hash) in front, or accept with targets.swarm.accept: [sessionAffinity]',
      );
    }
  }
  const file = `templates/swarm/${app.name}.stack.yml`;
  const configDir = `${app.name}-files`;
  const configFiles: GeneratedFile[] = Object.entries(stack.configs).map(([name, text]) => ({
    path: `templates/swarm/${configDir}/${name}`,
    content: text,
  }));
  const doc = {
    services: stack.services,
    ...(stack.volumes.length > 0 ? { volumes: Object.fromEntries(stack.volumes.map((v) => [v, {}])) } : {}),
    ...(configFiles.length > 0
      ? {
          configs: Object.fromEntries(
            Object.entries(stack.configs).map(([name, text]) => [
              name,
              {
                name: swarmConfigName(app.name, name, text),
                file: `./${configDir}/${name}`,
                template_driver: 'golang',
              },
            ]),
          ),
        }
      : {}),
  };
  const header = [
    generatedNotice(app.specPath),
    `Label the node that keeps the data: docker node update --label-add ${app.name}.data=true <node>`,
    ...(release
      ? [
          `The release step runs as a job on every deploy; the other services restart until it has completed.`,
          `Watch it with: docker service ps ${app.name}_${release.name}`,
        ]
      : []),
    `Deploy with: set -a; . ./.env; set +a; docker stack deploy -c ${app.name}.stack.yml ${app.name}`,
    ...(app.notes.length > 0
      ? [
          '',
          'After installing:',
          ...app.notes.flatMap((n, i) => [...(i > 0 ? [''] : []), ...n.split('\n').map((l) => l.trimEnd())]),
        ]
      : []),
  ];
  const files: GeneratedFile[] = [
    { path: file, content: renderYaml(doc, { header }) },
    {
      path: `templates/swarm/${app.name}.env.example`,
      content: `${[`# ${generatedNotice(app.specPath)}`, `# Settings for ${file}; copy to .env and export before deploying.`, '', ...envExampleLines(stack.vars.entries())].join('\n')}\n`,
    },
    ...configFiles,
  ];
  return report.result(files);
}
