// Regression tests for the compose and Swarm defects of the v1 trial, on the v2 model, each checked through
// the real `docker compose config` where the behaviour is the tool's: `$` kept literal, unique host ports,
// secrets that cannot merge with resource credentials, the app URL from `.env`, the release step, probes,
// Redis images that load modules, config files, inputs and opt-outs.
import assert from 'node:assert/strict';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse } from 'yaml';
import { generate } from '../../src/generator/generate.js';
import { composeTarget } from '../../src/generator/targets/compose/index.js';
import { swarmTarget } from '../../src/generator/targets/swarm/index.js';
import { appFromText, dockerCompose, envFrom } from './v2-helpers.js';

const head = 'version: 2\nname: shop\ndescription: d\nimage: ghcr.io/acme/shop:1.0.0\n';

function compose(spec: string) {
  const result = generate(appFromText(spec), [composeTarget]);
  const file = result.files.find((f) => f.path.endsWith('docker-compose.yml'));
  const example = result.files.find((f) => f.path.endsWith('.env.example'));
  return {
    ...result,
    text: file?.content as string,
    doc: file ? parse(file.content as string) : undefined,
    example: example?.content as string,
  };
}

/** `docker compose config` of a generated file with its `.env` filled from `.env.example`. */
function resolved(text: string, example: string, hostEnv: Record<string, string> = {}) {
  const dir = mkdtempSync(join(tmpdir(), 'paasport-v2-'));
  try {
    writeFileSync(join(dir, 'docker-compose.yml'), text);
    const env = envFrom(example);
    writeFileSync(
      join(dir, '.env'),
      Object.entries(env)
        .map(([k, v]) => `${k}=${v}\n`)
        .join(''),
    );
    const out = dockerCompose(['-f', 'docker-compose.yml', 'config', '--format', 'json'], dir, hostEnv);
    assert.equal(out.status, 0, out.stderr);
    return JSON.parse(out.stdout) as { services: Record<string, Record<string, unknown>> };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('compose and swarm on the v2 model', () => {
  it('keeps `$` in commands, args and env literal instead of interpolating it on the deploying host', () => {
    const c = compose(
      `${head}workloads:\n  web:\n    command: [sh, -c]\n    args: ['echo "$HOME $PUBLIC_URL" && exec server']\n    env: { PRICE: 'costs $5' }\n`,
    );
    // GIVEN variables of the same names on the deploying host WHEN compose resolves the file
    const web = resolved(c.text, c.example, { HOME: '/home/operator', PUBLIC_URL: 'https://leak' }).services
      .web!;
    // THEN nothing was substituted: compose prints a literal `$` as `$$` again
    assert.deepEqual(web.command, ['echo "$$HOME $$PUBLIC_URL" && exec server']);
    assert.deepEqual(web.entrypoint, ['sh', '-c']);
    assert.equal((web.environment as Record<string, string>).PRICE, 'costs $$5');
    assert.doesNotMatch(JSON.stringify(web), /operator|leak/);
  });

  it('never publishes one host port twice: the app keeps its port, a public bucket moves', () => {
    const c = compose(
      `${head}workloads:\n  web:\n    ports: { http: 9000 }\n    env: { S3: '\${resources.files.publicEndpoint}' }\nresources:\n  files: { type: s3, public: true }\n`,
    );
    assert.deepEqual(c.doc.services.web.ports, ['9000:9000']);
    assert.deepEqual(c.doc.services.files.ports, ['9001:9000']);
    assert.match(c.warnings.map((w) => w.message).join(), /published on 9001/);
    const clash = compose(
      `${head}workloads:\n  web:\n    ports: { http: 80, grpc: { port: 50051, public: true, published: 80 } }\n`,
    );
    assert.match(clash.errors.map((e) => e.message).join(), /host port 80 is already published/);
  });

  it('refuses an app secret named like a resource credential instead of merging them in .env', () => {
    const c = compose(
      `${head}workloads:\n  web:\n    env:\n      DB_PASSWORD: { secret: {} }\n      DATABASE_URL: '\${resources.db.url}'\nresources:\n  db: { type: postgres }\n`,
    );
    assert.equal(c.errors.length, 1);
    assert.match(
      c.errors[0]!.message,
      /resource db and secret DB_PASSWORD would both read DB_PASSWORD|secret DB_PASSWORD and resource db would both read DB_PASSWORD/,
    );
  });

  it('reads the app URL and host from .env, never a hard-coded localhost', () => {
    const c = compose(
      `${head}workloads:\n  web:\n    ports: { http: 3000 }\n    env: { URL: '\${app.url}', HOST: '\${app.host}' }\n`,
    );
    assert.doesNotMatch(c.text, /localhost/);
    assert.equal(c.doc.services.web.environment.URL, `\${APP_URL:?set APP_URL in .env}`);
    assert.match(c.example, /^APP_URL=http:\/\/localhost:3000$/m);
  });

  it('runs the release step once, before the services that need it', () => {
    const spec = `${head}workloads:\n  web:\n    ports: { http: 3000 }\n    env: { DB: '\${resources.db.url}' }\n  worker:\n    args: [work]\n  release:\n    args: [migrate]\nresources:\n  db: { type: postgres }\n`;
    const c = compose(spec);
    const services = resolved(c.text, c.example).services;
    assert.equal(services.release!.restart, 'no');
    for (const name of ['web', 'worker']) {
      assert.deepEqual(
        (services[name]!.depends_on as Record<string, { condition: string }>).release?.condition,
        'service_completed_successfully',
      );
    }
    assert.equal(c.doc.services.web.depends_on.db.condition, 'service_healthy');
    const swarm = generate(appFromText(spec), [swarmTarget]);
    const stack = parse(swarm.files.find((f) => f.path.endsWith('.stack.yml'))!.content as string);
    assert.equal(stack.services.release.deploy.mode, 'replicated-job');
    assert.match(swarm.warnings.map((w) => w.message).join(), /no depends_on conditions/);
  });

  it('maps probes to health checks only with a client the image has; the spec may accept the loss', () => {
    const probe = (check: string, accept = '') =>
      compose(
        `${head}workloads:\n  web:\n    ports: { http: 8000 }\n    probes: { liveness: { ${check}, interval: 30, timeout: 10, retries: 3, startPeriod: 5 } }\n${accept}`,
      );
    assert.deepEqual(probe('http: { path: /up, tool: python }').doc.services.web.healthcheck, {
      test: [
        'CMD',
        'python3',
        '-c',
        "import urllib.request; urllib.request.urlopen('http://127.0.0.1:8000/up', timeout=10)",
      ],
      interval: '30s',
      timeout: '10s',
      retries: 3,
      start_period: '5s',
    });
    assert.deepEqual(probe('tcp: { port: http, tool: nc }').doc.services.web.healthcheck.test, [
      'CMD',
      'nc',
      '-z',
      '127.0.0.1',
      '8000',
    ]);
    assert.deepEqual(probe('exec: { command: [check, $HOME] }').doc.services.web.healthcheck.test, [
      'CMD',
      'check',
      '$$HOME',
    ]);
    const unknown = probe('http: { path: /up }');
    assert.equal(unknown.errors[0]?.feature, 'workloads.web.probe');
    assert.match(unknown.errors[0]?.hint ?? '', /tool/);
    const accepted = probe('http: { path: /up }', 'targets:\n  compose: { accept: [probe] }\n');
    assert.deepEqual(accepted.errors, []);
    assert.match(accepted.warnings.map((w) => w.message).join(), /accepted by the spec/);
  });

  it('passes Redis Stack settings through REDIS_ARGS and stock Redis settings as its command', () => {
    const spec = (image: string) =>
      `${head}workloads:\n  web:\n    env: { R: '\${resources.cache.url}' }\nresources:\n  cache: { type: redis, ${image}config: { maxmemory-policy: noeviction } }\n`;
    const stack = compose(spec('image: redis/redis-stack-server:7.4.0-v3, ')).doc.services.cache;
    assert.equal(stack.command, undefined);
    assert.match(
      stack.environment.REDIS_ARGS,
      /--requirepass \$\{CACHE_PASSWORD:\?.*\} --maxmemory-policy noeviction/,
    );
    const stock = compose(spec('')).doc.services.cache;
    assert.deepEqual(stock.command.slice(-2), ['--maxmemory-policy', 'noeviction']);
  });

  it('mounts files with content (compose configs) and fills inputs from .env with a message', () => {
    const c = compose(
      `${head}workloads:\n  web:\n    files:\n      /etc/app.toml: { content: "host = \\"\${resources.q.host}\\"\\nsmtp = \\"\${inputs.SMTP_HOST}\\"\\n" }\nresources:\n  q: { type: amqp }\ninputs:\n  SMTP_HOST: { label: SMTP host, description: Outgoing mail server }\n`,
    );
    const services = resolved(c.text, c.example).services;
    assert.equal((services.web!.configs as { target: string }[])[0]?.target, '/etc/app.toml');
    assert.match(
      c.doc.configs['web-etc-app-toml'].content,
      /^host = "q"\nsmtp = "\$\{SMTP_HOST:\?set SMTP_HOST in \.env\}"/,
    );
    assert.match(c.example, /^# SMTP host \(required\): Outgoing mail server\nSMTP_HOST=$/m);
    assert.match(c.example, /^# resource q: hex, 32 characters: openssl rand -hex 16\nQ_PASSWORD=$/m);
  });

  it('reports session affinity Swarm cannot keep across replicas, unless the spec accepts it', () => {
    const spec = (accept: string) =>
      `${head}workloads:\n  web:\n    ports: { http: 3000 }\n    replicas: 3\n    sessionAffinity: true\n${accept}`;
    const lost = generate(appFromText(spec('')), [swarmTarget]);
    assert.equal(lost.errors[0]?.feature, 'workloads.web.sessionAffinity');
    assert.match(lost.errors[0]?.hint ?? '', /sticky sessions/);
    const accepted = generate(appFromText(spec('targets:\n  swarm: { accept: [sessionAffinity] }\n')), [
      swarmTarget,
    ]);
    assert.deepEqual(accepted.errors, []);
    const stack = parse(accepted.files.find((f) => f.path.endsWith('.stack.yml'))!.content as string);
    assert.equal(stack.services.web.deploy.replicas, 3);
  });

  it('writes Swarm config files as Go templates reading the task env, under content-hashed names', () => {
    const app = appFromText(
      `${head}workloads:\n  web:\n    files:\n      /etc/app.conf: { content: "pass={{x}} \${resources.cache.password}\\n", mode: '0640' }\nresources:\n  cache: { type: redis }\n`,
    );
    const { files, errors } = generate(app, [swarmTarget]);
    assert.deepEqual(errors, []);
    const template = files.find((f) => f.path === 'templates/swarm/shop-files/web-etc-app-conf')!.content;
    assert.equal(template, 'pass={{"{{"}}x}} {{ env "PAASPORT_CFG_CACHE_PASSWORD" }}\n');
    const stack = parse(files.find((f) => f.path.endsWith('.stack.yml'))!.content as string);
    assert.match(stack.configs['web-etc-app-conf'].name, /^shop_web-etc-app-conf_[0-9a-f]{10}$/);
    assert.equal(stack.configs['web-etc-app-conf'].template_driver, 'golang');
    assert.deepEqual(stack.services.web.configs, [
      { source: 'web-etc-app-conf', target: '/etc/app.conf', mode: 0o640 },
    ]);
    assert.match(stack.services.web.environment.PAASPORT_CFG_CACHE_PASSWORD, /^\$\{CACHE_PASSWORD:\?/);
  });
});
