// The code examples of docs/protocol.md, found by their `<!-- example: name -->` markers, so tests run the
// very text readers copy (with the documentation's host names swapped for the test servers').
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ROOT } from '../helpers/services.js';

const doc = readFileSync(join(ROOT, 'docs/protocol.md'), 'utf8');

/** The fenced block following `<!-- example: name -->`. */
export function docExample(name: string): string {
  const marker = `<!-- example: ${name} -->`;
  const at = doc.indexOf(marker);
  if (at < 0) throw new Error(`docs/protocol.md has no example "${name}"`);
  const m = /```[a-z]*\n([\s\S]*?)\n```/.exec(doc.slice(at));
  if (!m?.[1]) throw new Error(`the example "${name}" has no code block`);
  return m[1];
}

/** The script inside an HTML example's `<script type="module">`. */
export function moduleScript(html: string): string {
  const m = /<script type="module">\n([\s\S]*?)<\/script>/.exec(html);
  if (!m?.[1]) throw new Error('no <script type="module"> in the example');
  return m[1];
}
