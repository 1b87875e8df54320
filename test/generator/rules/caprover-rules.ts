// Our encoding of CapRover's one-click rules (one-click-apps CI: CI-xx, deploy-time behaviour: RT-xx,
// cluster: CL-xx; ids from the CapRover reference). Returns findings; an empty list means clean.
import { parseDocument } from 'yaml';

export interface Finding {
  rule: string;
  severity: 'error' | 'warning';
  message: string;
}

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const serviceKeys = [
  'image',
  'environment',
  'ports',
  'volumes',
  'depends_on',
  'hostname',
  'command',
  'cap_add',
  'caproverExtra',
];
const extraKeys = ['containerHttpPort', 'notExposeAsWebApp', 'websocketSupport', 'dockerfileLines'];
const appKeys = ['variables', 'instructions', 'displayName', 'isOfficial', 'description', 'documentation'];
const variableKeys = ['id', 'label', 'defaultValue', 'validRegex', 'description'];
const dataImages =
  /^(postgres|redis|mysql|mariadb|mongo|valkey|pgvector\/pgvector|bitnami\/(postgresql|redis))[:/]/;
const hexToken = /\$\$cap_gen_random_hex\((\d+)\)/g;

export interface OneClickInput {
  fileName: string;
  text: string;
  logos: string[];
  cluster?: boolean;
}

export function checkOneClickApp({ fileName, text, logos, cluster }: OneClickInput): Finding[] {
  const out: Finding[] = [];
  const err = (rule: string, message: string) => out.push({ rule, severity: 'error', message });
  const warn = (rule: string, message: string) => out.push({ rule, severity: 'warning', message });
  if (!fileName.endsWith('.yml')) err('CI-01', 'file name must end with .yml');
  const appName = fileName.replace(/\.yml$/, '');
  if (appName.includes('.')) err('CI-02', 'app name contains a dot');
  const doc = parseDocument(text, { uniqueKeys: true });
  if (doc.errors.length > 0 || !isObj(doc.toJS())) {
    err('CI-03', 'not a YAML mapping');
    return out;
  }
  const root = doc.toJS() as Obj;
  if (String(root.captainVersion) !== '4') err('CI-04', 'captainVersion must be 4');
  const app = root.caproverOneClickApp;
  if (!isObj(app)) {
    err('CI-05', 'caproverOneClickApp missing');
    return out;
  }
  const description = app.description;
  if (typeof description !== 'string' || description === '') err('CI-06', 'description missing');
  else if (description.length > 200) err('CI-07', `description has ${description.length} > 200 characters`);
  const instructions = app.instructions;
  if (!isObj(instructions) || !instructions.start || !instructions.end)
    err('CI-08', 'instructions.start/end missing');
  if (!root.services) err('CI-09', 'services missing');
  if (!logos.includes(`${appName}.png`)) err('CI-10', `logo ${appName}.png missing`);
  for (const key of Object.keys(root)) {
    if (!['captainVersion', 'services', 'caproverOneClickApp'].includes(key))
      warn('RT-31', `top-level ${key} is ignored`);
  }
  for (const key of Object.keys(app))
    if (!appKeys.includes(key)) warn('RT-32', `caproverOneClickApp.${key} is ignored`);

  // Variables
  const variables = Array.isArray(app.variables) ? app.variables : [];
  if (app.variables !== undefined && !Array.isArray(app.variables)) err('RT-02', 'variables must be a list');
  const ids: string[] = [];
  for (const v of variables) {
    if (!isObj(v) || typeof v.id !== 'string' || typeof v.label !== 'string') {
      err('RT-02', 'each variable needs a string id and label');
      continue;
    }
    for (const key of Object.keys(v))
      if (!variableKeys.includes(key)) warn('RT-33', `variable key ${key} is ignored`);
    if (!/^\$\$cap_[A-Za-z0-9_]+$/.test(v.id)) err('RT-03', `bad variable id ${v.id}`);
    if (ids.includes(v.id) || v.id === '$$cap_appname' || v.id === '$$cap_root_domain')
      err('RT-05', `duplicate id ${v.id}`);
    const def = v.defaultValue === undefined ? undefined : String(v.defaultValue);
    if (def !== undefined) {
      if (/["\\]/.test(def)) err('RT-08', `${v.id}: default holds " or \\`);
      if (def.includes('$$cap_appname') || ids.some((id) => def.includes(id)))
        err('RT-09', `${v.id}: default refers to another variable`);
    }
    if (v.validRegex !== undefined) {
      const m = /^\/(.*)\/([a-z]*)$/s.exec(String(v.validRegex));
      let regex: RegExp | undefined;
      try {
        regex = m ? new RegExp(m[1]!, m[2]) : undefined;
      } catch {
        regex = undefined;
      }
      if (!regex) err('RT-06', `${v.id}: validRegex ${String(v.validRegex)} is not /pattern/flags`);
      else if (def !== undefined) {
        const expanded = def.replace(hexToken, (_t, n: string) => 'a'.repeat(Number(n)));
        if (!regex.test(expanded)) err('RT-07', `${v.id}: default does not match validRegex`);
      }
    }
    ids.push(v.id);
  }
  const order = ['$$cap_appname', ...ids, '$$cap_root_domain'];
  order.forEach((id, i) => {
    for (const later of order.slice(i + 1))
      if (later.startsWith(id)) err('RT-04', `${id} is a prefix of ${later}`);
  });
  for (const m of text.matchAll(/\$\$cap_gen_random_hex(\(\d+\))?/g)) {
    const n = m[1] ? Number(m[1].slice(1, -1)) : Number.NaN;
    if (!(n >= 1 && n <= 256)) err('RT-10', `bad ${m[0]}`);
  }
  const servicesText = JSON.stringify(root.services ?? {});
  if (servicesText.includes('$$cap_gen_random_hex'))
    err('RT-11', 'random hex used in services; put it in a variable');
  const tokens = new Set(text.match(/\$\$cap_[A-Za-z0-9_]+/g) ?? []);
  for (const token of tokens) {
    if (token === '$$cap_gen_random_hex') continue;
    if (!order.includes(token)) err('RT-12', `undeclared ${token}`);
  }
  for (const id of ids)
    if (!servicesText.includes(id) && !JSON.stringify(instructions).includes(id))
      err('RT-13', `unused ${id}`);

  // Services
  const services = isObj(root.services) ? root.services : {};
  if (Object.keys(services).length === 0) err('RT-01', 'services must be a non-empty mapping');
  const names = Object.keys(services);
  const volumeOwners = new Map<string, string>();
  for (const [name, service] of Object.entries(services)) {
    if (!isObj(service)) {
      err('CI-11', `${name} is not a mapping`);
      continue;
    }
    const real = name.replace(/\$\$cap_appname/g, 'myapp');
    if (!/^[a-z0-9]([a-z0-9-]*[a-z0-9])?$/.test(real) || real.includes('--') || real.length >= 50)
      err('RT-14', `bad name ${name}`);
    if (!name.includes('$$cap_appname')) err('RT-15', `${name} lacks $$cap_appname`);
    for (const key of Object.keys(service))
      if (!serviceKeys.includes(key)) warn('RT-25', `${name}.${key} is ignored`);
    const extra = isObj(service.caproverExtra) ? service.caproverExtra : {};
    if (typeof service.image !== 'string' && !Array.isArray(extra.dockerfileLines))
      err('RT-16', `${name} has no image`);
    if (typeof service.image === 'string') {
      const image = substituteDefaults(service.image, variables);
      const tag = /:([^/:]+)$/.exec(image)?.[1];
      if (!tag || tag === 'latest') err('RT-17', `${name}: image ${image} is not pinned`);
      if (dataImages.test(image) && extra.notExposeAsWebApp === undefined)
        err('RT-30', `${name} is a data service exposed as web app`);
    }
    if (service.environment !== undefined) {
      if (!isObj(service.environment)) err('RT-18', `${name}: environment must be a mapping`);
      else {
        for (const [k, v] of Object.entries(service.environment)) {
          if (v === false || v === 0 || v === null || typeof v === 'object')
            err('RT-18', `${name}: ${k} would deploy empty`);
        }
      }
    }
    for (const volume of (service.volumes as unknown[]) ?? []) {
      if (typeof volume !== 'string' || volume.split(':').length < 2) {
        err('RT-19', `${name}: volume ${JSON.stringify(volume)} is not "source:/path"`);
        continue;
      }
      const source = volume.split(':')[0]!;
      if (source.startsWith('/')) continue;
      const real2 = source.replace(/\$\$cap_appname/g, 'myapp');
      if (!/^[a-zA-Z0-9][a-zA-Z0-9_.-]*[a-zA-Z0-9]$/.test(real2) || /--|\.\./.test(real2))
        err('RT-19', `bad volume ${source}`);
      if (!source.includes('$$cap_appname')) err('RT-20', `volume ${source} lacks $$cap_appname`);
      const owner = volumeOwners.get(source);
      if (owner && cluster) err('CL-02', `volume ${source} shared by ${owner} and ${name}`);
      volumeOwners.set(source, name);
    }
    for (const port of (service.ports as unknown[]) ?? []) {
      const parts = String(port).split(':').map(Number);
      if (parts.length !== 2 || parts.some((p) => !Number.isInteger(p) || p < 1 || p > 65534))
        err('RT-21', `${name}: bad port ${String(port)}`);
    }
    if (service.depends_on !== undefined) {
      if (!Array.isArray(service.depends_on)) err('RT-22', `${name}: depends_on must be a list`);
      else
        for (const d of service.depends_on)
          if (!names.includes(String(d))) err('RT-22', `${name}: unknown dependency ${String(d)}`);
    }
    const command = service.command;
    if (
      command !== undefined &&
      typeof command !== 'string' &&
      !(Array.isArray(command) && command.every((c) => typeof c === 'string'))
    ) {
      err('RT-23', `${name}: command must be a string or list of strings`);
    }
    for (const key of Object.keys(extra))
      if (!extraKeys.includes(key)) err('RT-26', `${name}: caproverExtra.${key} unknown`);
    if (extra.containerHttpPort !== undefined) {
      const p = Number(extra.containerHttpPort);
      if (!Number.isInteger(p) || p < 1 || p > 65534)
        err('RT-27', `${name}: containerHttpPort ${String(extra.containerHttpPort)}`);
    }
    for (const flag of ['notExposeAsWebApp', 'websocketSupport']) {
      if (extra[flag] !== undefined && extra[flag] !== 'true' && extra[flag] !== true)
        err('RT-28', `${name}: ${flag} must be 'true'`);
    }
    for (const m of JSON.stringify(service).matchAll(/srv-captain--([a-z0-9$_-]+)/g)) {
      if (!names.includes(m[1]!)) err('RT-34', `${name} refers to unknown srv-captain--${m[1]}`);
    }
  }
  if (hasCycle(services)) err('RT-22', 'depends_on has a cycle');
  try {
    simulateDeploy(root, variables);
  } catch (e) {
    err('RT-35', `substitution breaks the template: ${(e as Error).message}`);
  }
  return out;
}

function substituteDefaults(text: string, variables: unknown[]): string {
  let out = text.replace(/\$\$cap_appname/g, 'myapp');
  for (const v of variables) {
    if (isObj(v) && typeof v.id === 'string') out = out.split(v.id).join(String(v.defaultValue ?? ''));
  }
  return out.replace(/\$\$cap_root_domain/g, 'example.com');
}

/** CapRover's exact substitution: random hex first, then JSON text replacement in order, then parse. */
export function simulateDeploy(root: Obj, variables: unknown[]): Obj {
  const json = JSON.stringify(root).replace(hexToken, (_t, n: string) => 'f'.repeat(Number(n)));
  const parsed = JSON.parse(
    substituteDefaults(
      json,
      variables.map((v) =>
        isObj(v)
          ? {
              ...v,
              defaultValue: String(v.defaultValue ?? '').replace(hexToken, (_t, n: string) =>
                'f'.repeat(Number(n)),
              ),
            }
          : v,
      ),
    ),
  );
  return parsed as Obj;
}

function hasCycle(services: Obj): boolean {
  const state = new Map<string, number>();
  const visit = (name: string): boolean => {
    if (state.get(name) === 1) return true;
    if (state.get(name) === 2) return false;
    state.set(name, 1);
    const deps = isObj(services[name]) ? ((services[name] as Obj).depends_on as unknown) : [];
    const cyclic =
      Array.isArray(deps) && deps.some((d) => typeof d === 'string' && d in services && visit(d));
    state.set(name, 2);
    return cyclic;
  };
  return Object.keys(services).some(visit);
}
