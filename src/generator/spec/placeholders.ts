// Parses placeholder templates (`"${resources.db.host}:${resources.db.port}"`) into model values. `$${` is a
// literal `${`; `${metadata.name}` (Score) is the app name. Unknown placeholders are reported, not kept.
import { type AppOutput, appOutputNames, type Value, type ValuePart, value } from '../model/value.js';

export interface TemplateProblem {
  placeholder: string;
  message: string;
  expected?: string;
}

export interface ParsedTemplate {
  value: Value;
  problems: TemplateProblem[];
}

const pattern = /\$\$\{|\$\{([^}]*)\}/g;

export function parseTemplate(template: string): ParsedTemplate {
  const parts: ValuePart[] = [];
  const problems: TemplateProblem[] = [];
  let last = 0;
  for (const match of template.matchAll(pattern)) {
    const at = match.index ?? 0;
    parts.push({ kind: 'text', text: template.slice(last, at) });
    last = at + match[0].length;
    if (match[0] === '$${') {
      parts.push({ kind: 'text', text: '${' });
      continue;
    }
    const ref = placeholder(match[1] ?? '');
    if ('problem' in ref) problems.push({ placeholder: match[0], ...ref.problem });
    else parts.push(ref.part);
  }
  parts.push({ kind: 'text', text: template.slice(last) });
  return { value: value(...parts), problems };
}

type Parsed = { part: ValuePart } | { problem: { message: string; expected?: string } };

const expectedForms =
  '$' +
  '{resources.<id>.<output>}, $' +
  '{app.url}, $' +
  '{app.host}, $' +
  '{app.name}, $' +
  '{inputs.<ID>} or $' +
  '{secrets.<ID>}';

function placeholder(body: string): Parsed {
  const [root, ...rest] = body.trim().split('.');
  if (root === 'resources' && rest.length === 2 && rest[0] && rest[1]) {
    return { part: { kind: 'resource', resource: rest[0], output: rest[1] } };
  }
  if ((root === 'app' || root === 'metadata') && rest.length === 1) {
    const output = root === 'metadata' && rest[0] === 'name' ? 'name' : rest[0];
    if (root === 'app' && appOutputNames.includes(output as AppOutput)) {
      return { part: { kind: 'app', output: output as AppOutput } };
    }
    if (root === 'metadata' && output === 'name') return { part: { kind: 'app', output: 'name' } };
    return { problem: { message: `unknown app output "${rest[0]}"`, expected: 'url, host or name' } };
  }
  if (root === 'inputs' && rest.length === 1 && rest[0]) return { part: { kind: 'input', input: rest[0] } };
  if (root === 'secrets' && rest.length === 1 && rest[0])
    return { part: { kind: 'secret', secret: rest[0] } };
  return { problem: { message: 'is not a known placeholder', expected: expectedForms } };
}
