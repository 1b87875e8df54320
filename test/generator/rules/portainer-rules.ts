// Our encoding of Portainer's app templates format 3 (portainer-docs advanced/app-templates/format.md and the
// v3 list Portainer serves): the fields of a stack template, the env form fields, and that the stack file a
// template points at exists among the generated files.
const envKeys = new Set(['name', 'label', 'description', 'default', 'preset', 'select']);
const stackKeys = new Set([
  'id',
  'type',
  'title',
  'description',
  'note',
  'categories',
  'platform',
  'logo',
  'name',
  'administrator_only',
  'repository',
  'env',
]);

export function checkPortainerTemplates(list: unknown, files: string[]): string[] {
  const out: string[] = [];
  const doc = list as { version?: unknown; templates?: unknown };
  if (doc.version !== '3') out.push('version must be "3"');
  if (!Array.isArray(doc.templates)) return [...out, 'templates must be an array'];
  const ids = new Set<number>();
  for (const [i, raw] of doc.templates.entries()) {
    const t = raw as Record<string, unknown>;
    const at = `templates[${i}]`;
    for (const k of Object.keys(t)) if (!stackKeys.has(k)) out.push(`${at}: unknown field ${k}`);
    if (typeof t.id !== 'number' || !Number.isInteger(t.id) || ids.has(t.id)) out.push(`${at}: id`);
    ids.add(t.id as number);
    if (t.type !== 2 && t.type !== 3) out.push(`${at}: type must be 2 or 3 for a stack`);
    for (const k of ['title', 'description'])
      if (typeof t[k] !== 'string' || t[k] === '') out.push(`${at}: ${k}`);
    if (t.platform !== undefined && t.platform !== 'linux' && t.platform !== 'windows')
      out.push(`${at}: platform`);
    if (
      t.categories !== undefined &&
      !(Array.isArray(t.categories) && t.categories.every((c) => typeof c === 'string'))
    )
      out.push(`${at}: categories`);
    if (t.logo !== undefined && !/^https?:\/\//.test(String(t.logo))) out.push(`${at}: logo is not a URL`);
    const repo = t.repository as { url?: unknown; stackfile?: unknown } | undefined;
    if (!repo || typeof repo.url !== 'string' || !/^https:\/\/github\.com\/[^/]+\/[^/]+$/.test(repo.url))
      out.push(`${at}: repository.url`);
    if (!repo || typeof repo.stackfile !== 'string' || !files.includes(repo.stackfile))
      out.push(`${at}: repository.stackfile is not generated`);
    for (const [j, rawEnv] of ((t.env as unknown[]) ?? []).entries()) {
      const e = rawEnv as Record<string, unknown>;
      for (const k of Object.keys(e)) if (!envKeys.has(k)) out.push(`${at}.env[${j}]: unknown field ${k}`);
      if (typeof e.name !== 'string' || !/^[A-Za-z_][A-Za-z0-9_]*$/.test(e.name))
        out.push(`${at}.env[${j}]: name`);
      if (typeof e.label !== 'string' && e.preset !== true) out.push(`${at}.env[${j}]: label`);
      if (e.default !== undefined && typeof e.default !== 'string') out.push(`${at}.env[${j}]: default`);
    }
  }
  return out;
}
