// Our encoding of Render's Blueprint specification (render.com/docs/blueprint-spec): the root keys, service
// and database fields this generator writes, the env var forms, and that every reference (fromDatabase,
// fromService, fromGroup) names a resource of the file with a property Render offers for its type.
// Render's JSON schema (render.com/schema/render.yaml.json) could not be fetched here; see PROVENANCE.md.
const rootKeys = new Set([
  'services',
  'databases',
  'envVarGroups',
  'previews',
  'projects',
  'ungrouped',
  'version',
]);
const serviceTypes = new Set(['web', 'pserv', 'worker', 'cron', 'keyvalue']);
const plans = new Set(['free', 'starter', 'standard', 'pro', 'pro plus', 'pro max', 'pro ultra']);
const dbProperties = new Set(['host', 'port', 'database', 'user', 'password', 'connectionString']);
const serviceProperties: Record<string, Set<string>> = {
  keyvalue: new Set(['host', 'port', 'hostport', 'connectionString']),
  web: new Set(['host', 'port', 'hostport']),
  pserv: new Set(['host', 'port', 'hostport']),
  worker: new Set(['host', 'port', 'hostport']),
};
const policies = new Set([
  'allkeys-lru',
  'allkeys-lfu',
  'allkeys-random',
  'volatile-lru',
  'volatile-lfu',
  'volatile-random',
  'volatile-ttl',
  'noeviction',
]);

type Obj = Record<string, unknown>;

export function checkBlueprint(doc: Obj): string[] {
  const out: string[] = [];
  for (const k of Object.keys(doc)) if (!rootKeys.has(k)) out.push(`unknown root key ${k}`);
  const services = (doc.services ?? []) as Obj[];
  const databases = (doc.databases ?? []) as Obj[];
  const groups = (doc.envVarGroups ?? []) as Obj[];
  const names = [...services, ...databases].map((s) => s.name);
  for (const n of names)
    if (names.filter((x) => x === n).length > 1) out.push(`name ${String(n)} is not unique`);
  const typeOf = new Map(services.map((s) => [s.name as string, s.type as string]));
  const groupNames = new Set(groups.map((g) => g.name as string));

  const envVar = (at: string, e: Obj, inGroup: boolean) => {
    if ('fromGroup' in e) {
      if (inGroup || !groupNames.has(e.fromGroup as string))
        out.push(`${at}: fromGroup ${String(e.fromGroup)}`);
      return;
    }
    if (typeof e.key !== 'string' || e.key === '') out.push(`${at}: key`);
    const forms = ['value', 'generateValue', 'sync', 'fromDatabase', 'fromService'].filter((f) => f in e);
    if (forms.length !== 1)
      return out.push(`${at}: exactly one of value, generateValue, sync, fromDatabase, fromService`);
    if (inGroup && !['value', 'generateValue'].includes(forms[0] as string))
      out.push(`${at}: ${forms[0]} in a group`);
    if ('value' in e && typeof e.value !== 'string') out.push(`${at}: value must be a string`);
    if ('generateValue' in e && e.generateValue !== true) out.push(`${at}: generateValue`);
    if ('sync' in e && e.sync !== false) out.push(`${at}: sync`);
    if ('fromDatabase' in e) {
      const f = e.fromDatabase as Obj;
      if (!databases.some((d) => d.name === f.name)) out.push(`${at}: no database ${String(f.name)}`);
      if (!dbProperties.has(f.property as string)) out.push(`${at}: database property ${String(f.property)}`);
    }
    if ('fromService' in e) {
      const f = e.fromService as Obj;
      if (typeOf.get(f.name as string) !== f.type)
        out.push(`${at}: no ${String(f.type)} service ${String(f.name)}`);
      if ('property' in f === 'envVarKey' in f) out.push(`${at}: property or envVarKey`);
      if ('property' in f && !serviceProperties[f.type as string]?.has(f.property as string))
        out.push(`${at}: service property ${String(f.property)}`);
      if ('envVarKey' in f) {
        const target = services.find((s) => s.name === f.name);
        const keys = ((target?.envVars ?? []) as Obj[]).map((x) => x.key);
        if (!keys.includes(f.envVarKey))
          out.push(`${at}: ${String(f.name)} defines no ${String(f.envVarKey)}`);
      }
    }
  };

  for (const [i, s] of services.entries()) {
    const at = `services[${i}] ${String(s.name)}`;
    if (!serviceTypes.has(s.type as string)) out.push(`${at}: type`);
    if (typeof s.name !== 'string' || !/^[a-z0-9][a-z0-9-]*$/.test(s.name)) out.push(`${at}: name`);
    if (s.plan !== undefined && !plans.has(s.plan as string)) out.push(`${at}: plan`);
    if (s.type === 'keyvalue') {
      if (!Array.isArray(s.ipAllowList)) out.push(`${at}: ipAllowList is required`);
      if (s.maxmemoryPolicy !== undefined && !policies.has(s.maxmemoryPolicy as string))
        out.push(`${at}: maxmemoryPolicy`);
      continue;
    }
    if (s.runtime === 'image') {
      if (!/^[^\s:]+(:[^\s:]+)?:[^\s:/]+$/.test(String((s.image as Obj | undefined)?.url)))
        out.push(`${at}: image.url`);
    } else if (s.runtime === 'docker') {
      if (typeof s.dockerfilePath !== 'string') out.push(`${at}: dockerfilePath`);
    } else out.push(`${at}: runtime ${String(s.runtime)}`);
    if (!Number.isInteger(s.numInstances) || (s.numInstances as number) < 1) out.push(`${at}: numInstances`);
    if (s.disk) {
      const d = s.disk as Obj;
      if (s.numInstances !== 1) out.push(`${at}: a service with a disk has one instance`);
      if (typeof d.name !== 'string' || !String(d.mountPath).startsWith('/') || !Number.isInteger(d.sizeGB))
        out.push(`${at}: disk`);
    }
    const delay = s.maxShutdownDelaySeconds;
    if (delay !== undefined && (!Number.isInteger(delay) || (delay as number) < 1 || (delay as number) > 300))
      out.push(`${at}: maxShutdownDelaySeconds`);
    if (s.healthCheckPath !== undefined && (s.type !== 'web' || !String(s.healthCheckPath).startsWith('/')))
      out.push(`${at}: healthCheckPath`);
    for (const k of ['dockerCommand', 'preDeployCommand'])
      if (s[k] !== undefined && typeof s[k] !== 'string') out.push(`${at}: ${k}`);
    const env = (s.envVars ?? []) as Obj[];
    const keys = env.filter((e) => 'key' in e).map((e) => e.key);
    for (const k of keys)
      if (keys.filter((x) => x === k).length > 1) out.push(`${at}: env ${String(k)} twice`);
    for (const [j, e] of env.entries()) envVar(`${at}.envVars[${j}]`, e, false);
  }
  for (const [i, d] of databases.entries()) {
    const at = `databases[${i}]`;
    for (const k of ['name', 'databaseName', 'user']) if (typeof d[k] !== 'string') out.push(`${at}: ${k}`);
    if (d.postgresMajorVersion !== undefined && !/^1[1-8]$/.test(String(d.postgresMajorVersion)))
      out.push(`${at}: postgresMajorVersion`);
    if (!Array.isArray(d.ipAllowList)) out.push(`${at}: ipAllowList`);
  }
  for (const [i, g] of groups.entries()) {
    for (const [j, e] of ((g.envVars ?? []) as Obj[]).entries())
      envVar(`envVarGroups[${i}].envVars[${j}]`, e, true);
  }
  return out;
}
