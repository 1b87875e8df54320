// Markdown shown by CapRover before (start) and after (end) a one-click deploy, for single node and cluster.
import type { AppModel } from '../../model/app-model.js';
import { usesOutput } from '../shared/env.js';

export type Variant = 'single' | 'cluster';

function serviceList(model: AppModel): string[] {
  return [
    `- \`$$cap_appname\`: ${model.displayName}`,
    ...(model.postgres ? ['- `$$cap_appname-db`: PostgreSQL'] : []),
    ...(model.redis ? ['- `$$cap_appname-redis`: Redis'] : []),
    ...(model.minio ? ['- `$$cap_appname-s3`: MinIO (S3-compatible file storage)'] : []),
  ];
}

export function startText(model: AppModel, variant: Variant): string {
  const lines = [
    model.description,
    '',
    'This creates these apps:',
    '',
    ...serviceList(model),
    '',
    'Passwords and secret keys are generated below; keep them unless you bring your own.',
  ];
  if (variant === 'cluster') {
    lines.push(
      '',
      'For a CapRover **cluster** (several nodes in Docker Swarm). Before you add nodes, CapRover needs a Docker',
      'registry (Cluster page). These apps pull public images, so they deploy without pushing to it.',
    );
  }
  return `${lines.join('\n')}\n`;
}

export function endText(model: AppModel, variant: Variant): string {
  const public_ = model.minio && usesOutput(model, 'minio', 'publicEndpoint');
  const steps = [
    `1. Open **$$cap_appname** > HTTP Settings: Enable HTTPS, then Force HTTPS.${
      public_ ? ' Do the same for **$$cap_appname-s3**: browsers download files from it.' : ''
    }`,
  ];
  if (model.app.replicas > 1 || variant === 'cluster') {
    steps.push(
      `${steps.length + 1}. Scale: **$$cap_appname** > App Configs > Instance Count: ${model.app.replicas}` +
        ' (templates cannot set it). The app keeps no local state, so every replica serves every client.',
    );
  }
  if (model.app.websocket) {
    steps.push(
      `${steps.length + 1}. WebSockets: CapRover's nginx closes connections idle for 60 s; clients should ping more often.`,
    );
  }
  steps.push(
    `${steps.length + 1}. Generated secrets are under **$$cap_appname** > App Configs > Environment Variables.`,
    `${steps.length + 2}. Upgrade: **$$cap_appname** > Deployment > Deploy via ImageName \`${model.app.image}:<new version>\`.`,
  );
  if (model.postgres) {
    steps.push(
      `${steps.length + 1}. Back up PostgreSQL: \`docker exec $(docker ps -q -f name=$$cap_appname-db) pg_dump -U $$cap_pg_user $$cap_pg_database > backup.sql\`.`,
    );
  }
  if (variant === 'cluster') {
    steps.push(
      `${steps.length + 1}. Data apps (${[model.postgres && 'db', model.redis && 'redis', model.minio && 's3']
        .filter(Boolean)
        .map((s) => `$$cap_appname-${s}`)
        .join(
          ', ',
        )}) have volumes, so CapRover pins each to the node it first runs on (App Configs > Node ID).` +
        ' Keep them at one instance. To choose the node, set its Node ID before adding data.',
      `${steps.length + 2}. Open the Swarm ports between nodes: 2377/tcp, 7946/tcp+udp, 4789/udp.`,
    );
  }
  const lines = [
    `${model.displayName} is deploying. It will answer at https://$$cap_appname.$$cap_root_domain`,
    '',
    ...steps,
  ];
  return `${lines.join('\n')}\n`;
}
