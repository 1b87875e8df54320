// No spec feature is dropped without a word: resource requests, input patterns, dependsOn and notes each
// reach the output or a warning naming the feature and the target; one finding is reported once; Coolify's
// notes list the secrets it leaves to the installer; CapRover's input descriptions are whole sentences.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { formatWarning, type Generated } from '../../src/generator/generate.js';
import { caproverTarget } from '../../src/generator/targets/caprover/index.js';
import { coolifyTarget } from '../../src/generator/targets/coolify/index.js';
import { railwayTarget } from '../../src/generator/targets/railway/index.js';
import { swarmTarget } from '../../src/generator/targets/swarm/index.js';
import { appFromText, generateApp } from './rules/app-fixtures.js';

const spec = `
version: 2
name: ledger
displayName: Ledger
description: A ledger with a worker that waits for the web workload.
image: ghcr.io/acme/ledger:1.2.0
workloads:
  web:
    ports: { http: 8080 }
    probes:
      liveness: { http: { path: /health, tool: wget } }
    env:
      REGION: \${inputs.REGION}
      INSTANCE_ID: \${secrets.INSTANCE_ID}
    limits: { cpu: "1", memory: 512M }
    requests: { cpu: 250m, memory: 256M }
  worker:
    command: [ledger, work]
    env:
      REGION: \${inputs.REGION}
      INSTANCE_ID: \${secrets.INSTANCE_ID}
    requests: { memory: 128M }
    dependsOn:
      web: healthy
inputs:
  REGION:
    label: Region
    description: The region code, two letters and a digit
    pattern: ^[a-z]{2}[0-9]$
secrets:
  INSTANCE_ID: { format: uuid }
notes: |
  Create the first account with ledger admin create.
  Then invite the others from the settings page.
`;

function file(g: Generated, path: string): string {
  const f = g.files.find((x) => x.path === path);
  assert.ok(
    f,
    `no ${path} among ${g.files.map((x) => x.path).join(', ')}; errors: ${JSON.stringify(g.errors)}`,
  );
  return f.content as string;
}

/** The warning lines of one target for one feature, as `paasport generate` prints them. */
function warned(g: Generated, feature: string): string[] {
  return g.warnings.filter((w) => w.feature === feature).map(formatWarning);
}

describe('v2 targets drop no feature silently', () => {
  const app = appFromText(spec);

  it('resource requests: CapRover, Coolify and Railway warn per workload', () => {
    // GIVEN workloads with requests WHEN each target without reservations emits THEN each names the loss
    for (const [target, name] of [
      [caproverTarget, 'CapRover'],
      [coolifyTarget, 'Coolify'],
      [railwayTarget, 'Railway'],
    ] as const) {
      const g = generateApp(app, [target]);
      for (const w of ['web', 'worker']) {
        const lines = warned(g, `workloads.${w}.requests`);
        assert.equal(lines.length, 1, `${target.name} ${w}: ${JSON.stringify(g.warnings)}`);
        assert.match(
          lines[0] as string,
          new RegExp(`^warning: ${target.name}: workloads\\.${w}\\.requests: `),
        );
        assert.match(lines[0] as string, new RegExp(`${name} .*requests are not set`));
      }
    }
  });

  it("an input's pattern on Railway: a warning, and INSTALL.md states the pattern", () => {
    // GIVEN an input with a pattern WHEN Railway emits THEN it warns and the install steps give the pattern
    const g = generateApp(app, [railwayTarget]);
    assert.deepEqual(warned(g, 'inputs.REGION.pattern'), [
      'warning: railway: inputs.REGION.pattern: Railway does not check values against a pattern; INSTALL.md states it',
    ]);
    assert.match(
      file(g, '.railway/INSTALL.md'),
      /Set `REGION` \(Region\) .*must match `\/\^\[a-z\]\{2\}\[0-9\]\$\/`\./,
    );
  });

  it('dependsOn on Swarm: a warning naming the workload waited for', () => {
    // GIVEN a worker that waits for web to be healthy WHEN Swarm emits THEN it warns that nothing waits
    const g = generateApp(app, [swarmTarget]);
    assert.deepEqual(warned(g, 'workloads.worker.dependsOn'), [
      'warning: swarm: workloads.worker.dependsOn: Swarm has no depends_on: worker starts alongside web without waiting for it; it must retry until it is ready',
    ]);
    assert.deepEqual(warned(g, 'workloads.web.dependsOn'), []);
  });

  it("notes on Swarm: written into the stack file's header comment", () => {
    // GIVEN notes of two lines WHEN Swarm emits THEN the stack file's header carries them as comments
    const stack = file(generateApp(app, [swarmTarget]), 'templates/swarm/ledger.stack.yml');
    const header = stack.slice(0, stack.indexOf('services:'));
    assert.match(
      header,
      /# After installing:\n# Create the first account with ledger admin create\.\n# Then invite the others from the settings page\.\n/,
    );
  });

  it('Coolify reports an input read by several services once, and lists its required uuid secret', () => {
    // GIVEN an input with a pattern read by two services (in the template and the Git file) and a uuid
    // secret WHEN Coolify emits THEN each warning appears once, and the notes file asks for INSTANCE_ID
    const g = generateApp(app, [coolifyTarget]);
    const lines = g.warnings.map(formatWarning);
    assert.deepEqual(lines, [...new Set(lines)], 'no warning repeated');
    assert.deepEqual(warned(g, 'inputs.REGION.pattern'), [
      'warning: coolify: inputs.REGION.pattern: Coolify does not check values against a pattern',
    ]);
    assert.equal(warned(g, 'secrets.INSTANCE_ID').length, 1);
    const notes = file(g, 'templates/coolify/ledger.md');
    assert.match(notes, /- `INSTANCE_ID`: a random UUID \(required, secret\)\. Coolify cannot generate it/);
    assert.match(notes, /- `REGION`: Region \(required\)\. The region code/);
  });

  it('CapRover input descriptions end each sentence with a full stop', () => {
    // GIVEN a description without a full stop WHEN CapRover emits THEN "Required." is a sentence of its own
    const g = generateApp(app, [caproverTarget]);
    const template = file(g, 'one-click-apps/public/v4/apps/ledger.yml');
    assert.match(template, /description: The region code, two letters and a digit\. Required\.\n/);
  });
});
