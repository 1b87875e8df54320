// CapRover's one-click substitution on tiny templates: order, prefix collisions, random hex, the form's
// validRegex, falsy env values and what breaks parsing.
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { caproverHosts, fillRandomHex, formAccepts, resolveCaprover } from './caprover-resolve.js';

const deploy = { appName: 'chat', rootDomain: 'apps.example.com' };

function template(env: string, variables: string): string {
  return `captainVersion: 4
services:
  $$cap_appname:
    image: app:1
    environment:
${env}
caproverOneClickApp:
  variables:
${variables}
`;
}

describe('CapRover resolver', () => {
  it('replaces the app name, the variables in order and the root domain, as text', () => {
    const r = resolveCaprover(
      template(
        [
          '      DB: postgres://u:$$cap_pw@srv-captain--$$cap_appname-db:5432/d',
          '      URL: $$cap_url',
          '      PORT: 3000',
        ].join('\n'),
        [
          '    - id: $$cap_pw',
          '      label: pw',
          '      defaultValue: secret',
          '    - id: $$cap_url',
          '      label: url',
          '      defaultValue: https://$$cap_appname.$$cap_root_domain',
        ].join('\n'),
      ),
      deploy,
    );
    assert.deepEqual(r.problems, ['service chat: left literal $$cap_appname']);
    assert.deepEqual(r.services.chat?.environment, {
      DB: 'postgres://u:secret@srv-captain--chat-db:5432/d',
      // $$cap_appname was replaced before this default went in; the root domain comes after, so it is.
      URL: 'https://$$cap_appname.apps.example.com',
      PORT: '3000',
    });
  });

  it('lets an earlier id that prefixes a later one corrupt it', () => {
    const r = resolveCaprover(
      template(
        '      PASS: $$cap_db_pass',
        [
          '    - id: $$cap_db',
          '      label: db',
          '      defaultValue: app',
          '    - id: $$cap_db_pass',
          '      label: pass',
          '      defaultValue: s3cret',
        ].join('\n'),
      ),
      deploy,
    );
    assert.equal(r.services.chat?.environment.PASS, 'app_pass');
  });

  it('fills each random hex token with its own lower-case value; above 256 gives nothing', () => {
    const text = fillRandomHex(
      '$$cap_gen_random_hex(12) $$cap_gen_random_hex(12) [$$cap_gen_random_hex(300)]',
    );
    const [a, b, big] = text.split(' ');
    assert.match(a ?? '', /^[0-9a-f]{12}$/);
    assert.match(b ?? '', /^[0-9a-f]{12}$/);
    assert.notEqual(a, b);
    assert.equal(big, '[]');
  });

  it('stores false, 0 and empty as an empty string and a list env as numbered variables', () => {
    const flags = resolveCaprover(template("      A: false\n      B: 0\n      C: 'false'", ''), deploy);
    assert.deepEqual(flags.services.chat?.environment, { A: '', B: '', C: 'false' });
    const list = resolveCaprover(template('      - A=1', ''), deploy);
    assert.deepEqual(list.services.chat?.environment, { '0': 'A=1' });
  });

  it('reports values the form refuses, text that no longer parses and undeclared tokens', () => {
    assert.equal(formAccepts('/^[a-z]+$/', 'abc'), true);
    assert.equal(formAccepts('/^[a-z]+$/', 'ABC'), false);
    assert.equal(formAccepts('/^[a-z]+$/i', 'ABC'), true);
    assert.equal(formAccepts('^[a-z]+$', 'abc'), false);
    const refused = resolveCaprover(
      template(
        '      P: $$cap_p',
        '    - id: $$cap_p\n      label: p\n      defaultValue: ab\n      validRegex: /^.{16,}$/',
      ),
      deploy,
    );
    assert.match(refused.problems.join(), /\$\$cap_p: "ab" fails validRegex/);
    const quoted = resolveCaprover(template('      P: $$cap_p', '    - id: $$cap_p\n      label: p'), {
      ...deploy,
      values: { $$cap_p: 'a"b' },
    });
    assert.match(quoted.problems.join(), /Cannot parse/);
    const undeclared = resolveCaprover(template('      P: $$cap_nope', ''), deploy);
    assert.equal(undeclared.services.chat?.environment.P, '$$cap_nope');
    assert.match(undeclared.problems.join(), /left literal \$\$cap_nope/);
  });

  it('names an app by its network alias and its plain name', () => {
    assert.deepEqual(caproverHosts('chat-db'), ['srv-captain--chat-db', 'chat-db']);
  });
});
