// CapRover outputs checked against our encoding of the one-click-apps CI and deploy-time rules, the
// repository's prettier config, and CapRover's substitution; plus one-change defects the rules must reject.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
// prettier 2 ships no type declarations; only `check` is used.
// @ts-expect-error untyped module
import prettierModule from 'prettier';
import { parse } from 'yaml';
import { caproverTarget } from '../../src/generator/targets/caprover/index.js';
import { cases, fileText, generateCase } from './helpers.js';
import { checkOneClickApp, simulateDeploy } from './rules/caprover-rules.js';

// .prettierrc of caprover/one-click-apps, checked by its CI with prettier 2.
const prettierRc = {
  parser: 'yaml',
  trailingComma: 'es5',
  tabWidth: 4,
  semi: false,
  arrowParens: 'always',
  bracketSpacing: true,
  singleQuote: true,
} as const;

const prettier = prettierModule as { check(text: string, options: object): boolean };

function outputs(spec: string) {
  const { files } = generateCase(spec, [caproverTarget]);
  const logos = files
    .filter((f) => f.path.includes('/public/v4/logos/'))
    .map((f) => f.path.split('/').pop()!);
  const apps = files.filter((f) => f.path.includes('/public/v4/apps/'));
  return { files, logos, apps };
}

describe('caprover one-click apps', () => {
  for (const c of cases) {
    it(`${c.name}: passes every CI, RT and CL rule and the prettier check`, () => {
      const { logos, apps } = outputs(c.spec);
      assert.equal(apps.length, 2);
      for (const app of apps) {
        const fileName = app.path.split('/').pop()!;
        const text = app.content as string;
        const findings = checkOneClickApp({ fileName, text, logos, cluster: fileName.includes('-cluster') });
        assert.deepEqual(findings, [], fileName);
        assert.ok(prettier.check(text, prettierRc), `${fileName} is prettier-formatted`);
      }
    });
  }

  it('secrets come from distinct variables and survive the substitution', () => {
    // GIVEN the repo template WHEN CapRover substitutes defaults THEN URLs carry the generated passwords
    const { apps } = outputs('test/fixtures/specs/paasport-v1.yaml');
    const doc = parse(apps[0]!.content as string);
    const deployed = simulateDeploy(doc, doc.caproverOneClickApp.variables);
    const services = deployed.services as Record<string, { environment?: Record<string, string> }>;
    const env = services.myapp!.environment!;
    assert.match(env.DATABASE_URL!, /^postgres:\/\/paasport:f{32}@srv-captain--myapp-db:5432\/paasport$/);
    assert.match(env.JWT_SECRET!, /^f{64}$/);
    assert.equal(env.S3_PUBLIC_ENDPOINT, 'https://myapp-s3.example.com');
    assert.equal(services['myapp-db']!.environment!.POSTGRES_PASSWORD, 'f'.repeat(32));
  });

  it('publishes a hostable repository: v4/list, v4/apps/<name> as JSON, logos as PNG', () => {
    const { files } = outputs('test/fixtures/specs/paasport-v1.yaml');
    const list = JSON.parse(fileText(files, 'one-click-apps/repository/v4/list'));
    assert.deepEqual(
      list.oneClickApps.map((a: { name: string }) => a.name),
      ['paasport', 'paasport-cluster'],
    );
    const app = JSON.parse(fileText(files, 'one-click-apps/repository/v4/apps/paasport'));
    assert.equal(app.captainVersion, 4);
    const logo = files.find((f) => f.path === 'one-click-apps/repository/v4/logos/paasport.png')!.content;
    assert.ok(logo instanceof Uint8Array);
    assert.deepEqual([...logo.subarray(0, 8)], [0x89, 0x50, 0x4e, 0x47, 0x0d, 0x0a, 0x1a, 0x0a]);
  });

  it('cluster variant keeps the app stateless and explains the post-install steps', () => {
    const { apps } = outputs('test/fixtures/specs/paasport-v1.yaml');
    const cluster = parse(apps.find((a) => a.path.endsWith('-cluster.yml'))!.content as string);
    assert.equal(cluster.services.$$cap_appname.volumes, undefined);
    assert.match(cluster.caproverOneClickApp.instructions.end, /Instance Count: 2/);
    assert.match(cluster.caproverOneClickApp.instructions.end, /Node ID/);
    assert.match(cluster.caproverOneClickApp.instructions.start, /registry/);
  });
});

/** String replace without `$` patterns in the replacement (templates are full of `$$cap_`). */
function sub(text: string, from: string | RegExp, to: string): string {
  return text.replace(from, () => to);
}

describe('caprover rules reject known defects', () => {
  const { apps, logos } = outputs('test/fixtures/specs/paasport-v1.yaml');
  const base = apps.find((a) => a.path.endsWith('/paasport.yml'))!.content as string;
  const check = (text: string, fileName = 'paasport.yml', cluster = false) =>
    checkOneClickApp({ fileName, text, logos, cluster }).map((f) => f.rule);
  const variants: [string, string, (t: string) => string, string?][] = [
    ['captainVersion 3', 'CI-04', (t) => sub(t, 'captainVersion: 4', 'captainVersion: 3')],
    [
      '201-character description',
      'CI-07',
      (t) => sub(t, /^ {4}description: .*$/m, `    description: ${'x'.repeat(201)}`),
    ],
    ['no end instructions', 'CI-08', (t) => sub(t, /^ {8}end: \|\n( {12}.*\n|\n)*/m, '')],
    ['prefix collision', 'RT-04', (t) => sub(t, '- id: $$cap_pg_version', '- id: $$cap_pg')],
    ['undeclared variable', 'RT-12', (t) => sub(t, 'LOG_LEVEL: info', 'LOG_LEVEL: $$cap_level')],
    ['slash-less validRegex', 'RT-06', (t) => sub(t, 'validRegex: /^[a-z0-9-]+$/', "validRegex: '^[a-z]+$'")],
    ['random hex > 256', 'RT-10', (t) => sub(t, '$$cap_gen_random_hex(32)', '$$cap_gen_random_hex(300)')],
    ['falsy env value', 'RT-18', (t) => sub(t, "MIGRATE_ON_START: 'true'", 'MIGRATE_ON_START: false')],
    [
      'notExposeAsWebApp false',
      'RT-28',
      (t) => sub(t, "notExposeAsWebApp: 'true'", "notExposeAsWebApp: 'false'"),
    ],
    [
      'port with protocol',
      'RT-21',
      (t) =>
        sub(t, '        depends_on:', "        ports:\n            - '5432:5432/tcp'\n        depends_on:"),
    ],
    [
      'depends_on cycle',
      'RT-22',
      (t) =>
        sub(
          t,
          "        caproverExtra:\n            notExposeAsWebApp: 'true'",
          "        depends_on:\n            - $$cap_appname\n        caproverExtra:\n            notExposeAsWebApp: 'true'",
        ),
    ],
    ['.yaml extension', 'CI-01', (t) => t, 'paasport.yaml'],
    [
      '" in a default',
      'RT-08',
      (t) =>
        sub(
          t,
          'defaultValue: paasport\n          validRegex: /^[a-z_]',
          "defaultValue: 'pa\"ss'\n          validRegex: /^[a-z_]",
        ),
    ],
    [
      'ignored key',
      'RT-25',
      (t) => sub(t, '        depends_on:', '        restart: always\n        depends_on:'),
    ],
    ['unpinned image', 'RT-17', (t) => sub(t, 'image: postgres:$$cap_pg_version', 'image: postgres')],
  ];
  for (const [name, rule, change, fileName] of variants) {
    it(`${name} -> ${rule}`, () => {
      const text = change(base);
      assert.notEqual(text === base && !fileName, true, 'the variant changes the template');
      assert.ok(check(text, fileName).includes(rule), `${rule} in ${check(text, fileName).join(',')}`);
    });
  }
  it('a volume shared between services -> CL-02 (cluster)', () => {
    const text = sub(base, '$$cap_appname-redis-data:/data', '$$cap_appname-db-data:/data');
    assert.ok(check(text, 'paasport.yml', true).includes('CL-02'));
  });
});
