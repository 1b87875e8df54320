// Our encoding of Coolify's template rules (header H, services S, env/magic variables E, volumes V,
// depends_on D; ids from the Coolify reference). Returns findings; an empty list means clean.
import { parseDocument } from 'yaml';
import type { Finding } from './caprover-rules.js';

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const required = ['documentation', 'slogan', 'category', 'tags', 'logo', 'port'];
const generators =
  /^(USER|LOWERCASEUSER|PASSWORD|PASSWORD_64|PASSWORDWITHSYMBOLS|PASSWORDWITHSYMBOLS_64|BASE64|BASE64_32|BASE64_64|BASE64_128|REALBASE64|REALBASE64_32|REALBASE64_64|REALBASE64_128|HEX_32|HEX_64|HEX_128|URL|FQDN|URL_[A-Z0-9]+|FQDN_[A-Z0-9]+)$/;

function magicType(name: string): string | undefined {
  const parts = name.split('_');
  if (parts.length === 3) return parts[1];
  if (parts.length === 4) return `${parts[1]}_${parts[2]}`;
  return undefined;
}

export function checkCoolifyTemplate(templateId: string, text: string, isTemplate = true): Finding[] {
  const out: Finding[] = [];
  const err = (rule: string, message: string) => out.push({ rule, severity: 'error', message });
  const warn = (rule: string, message: string) => out.push({ rule, severity: 'warning', message });
  const header = new Map<string, string>();
  for (const line of text.split('\n')) {
    const m = /^#([^:]+):(.*)$/.exec(line);
    if (!m) continue;
    const key = m[1]!.trim();
    if (header.has(key)) warn('H006', `header ${key} repeated`);
    header.set(key, m[2]!.trim());
  }
  if (isTemplate) {
    for (const key of required) if (!header.get(key)) err('H001', `header ${key} missing`);
    const port = Number(header.get('port'));
    if (!Number.isInteger(port) || port < 1 || port > 65535) err('H002', 'port is not one integer');
    if (!/^https?:\/\//.test(header.get('documentation') ?? '')) err('H003', 'documentation is not a URL');
    if ((header.get('documentation') ?? '').includes('?')) warn('H004', 'documentation has a query');
    if (!/^svgs\/[^/]+\.(svg|png|webp|jpg|jpeg)$/.test(header.get('logo') ?? ''))
      err('H005', 'bad logo path');
    if (/\s/.test(header.get('category') ?? '')) warn('H008', 'category is not one word');
  }
  const doc = parseDocument(text, { uniqueKeys: true });
  const root = doc.toJS() as unknown;
  if (doc.errors.length > 0 || !isObj(root) || !isObj(root.services)) {
    err('Y002', 'no services mapping');
    return out;
  }
  if ('version' in root) warn('Y003', 'top-level version');
  const services = root.services;
  const declaredUrls = new Set<string>();
  for (const [name, service] of Object.entries(services)) {
    if (!/^[a-z0-9][a-z0-9_.-]*$/.test(name)) err('S001', `bad service name ${name}`);
    if (!isObj(service)) continue;
    const image = service.image;
    if (isTemplate && typeof image !== 'string') err('S003', `${name} has no image`);
    if (isTemplate && 'build' in service) err('S004', `${name} uses build`);
    const restartNo = service.restart === 'no';
    if (!isObj(service.healthcheck) && service.exclude_from_hc !== true && !restartNo)
      err('S005', `${name} has no healthcheck`);
    if (isObj(service.healthcheck)) {
      const test = service.healthcheck.test;
      if (
        !(
          typeof test === 'string' ||
          (Array.isArray(test) && ['CMD', 'CMD-SHELL', 'NONE'].includes(String(test[0])))
        )
      )
        err('S006', `${name}: bad healthcheck.test`);
    }
    if ('exclude_from_hc' in service && typeof service.exclude_from_hc !== 'boolean')
      err('S007', `${name}: exclude_from_hc`);
    if (isObj(service.deploy) && Number(service.deploy.replicas) > 1) err('S008', `${name}: replicas`);
    if ('container_name' in service) warn('S009', `${name}: container_name`);
    if ('ports' in service) warn('S010', `${name}: host ports`);
    if (typeof image === 'string' && (!/:[^/:]+$/.test(image) || image.endsWith(':latest')))
      warn('S011', `${name}: unpinned ${image}`);
    if ('restart' in service && !restartNo) warn('S012', `${name}: restart copied`);
    if (service.restart === false) err('S012', `${name}: restart: no parsed as false`);
    if (typeof image === 'string' && /^(minio\/minio|minio\/mc)[:@]/.test(image))
      warn('S016', `${name}: ${image} cannot be pulled`);
    const env = Array.isArray(service.environment)
      ? service.environment.map(String)
      : Object.entries((service.environment as Obj | undefined) ?? {}).map(([k, v]) => `${k}=${String(v)}`);
    for (const entry of env) {
      const key = entry.split('=')[0]!;
      if (key.startsWith('SERVICE_URL_') || key.startsWith('SERVICE_FQDN_'))
        declaredUrls.add(key.split('_').slice(2, 3).join());
      if (/\$\{[^}]*:?\+/.test(entry)) err('E002', `${name}: ${entry} uses +`);
    }
    const envText = env.join('\n');
    const allText = JSON.stringify(service);
    for (const m of allText.matchAll(/\$\{(SERVICE_[^}:]+)/g)) {
      const magic = m[1]!;
      if (!/^[A-Za-z0-9_]+$/.test(magic)) err('E014', `${name}: ${magic} has invalid characters`);
      const type = magicType(magic);
      if (!type || !generators.test(type)) err('E003', `${name}: ${magic} has no generator type`);
      if (!envText.includes(magic)) err('E005', `${name}: ${magic} used outside environment`);
    }
    for (const volume of (service.volumes as unknown[]) ?? []) {
      if (typeof volume === 'string' && volume.startsWith('/')) warn('V005', `${name}: absolute host path`);
      if (typeof volume === 'string' && /[`|&;<>]|\$\(/.test(volume)) err('V001', `${name}: unsafe volume`);
    }
    const deps = service.depends_on;
    if (isObj(deps)) {
      for (const [target, spec] of Object.entries(deps)) {
        const target_ = services[target];
        if (!isObj(target_)) {
          err('D001', `${name}: unknown dependency ${target}`);
          continue;
        }
        const condition = isObj(spec) ? spec.condition : undefined;
        if (
          !['service_started', 'service_healthy', 'service_completed_successfully'].includes(
            String(condition),
          )
        )
          err('D002', `${name}: bad condition`);
        if (condition === 'service_healthy' && !isObj(target_.healthcheck))
          err('D003', `${name}: ${target} has no healthcheck`);
        if (condition === 'service_completed_successfully' && target_.restart !== 'no')
          err('D004', `${name}: ${target} restarts`);
      }
    }
  }
  if (isTemplate && !(templateId in services)) warn('H014', `no service named ${templateId}`);
  if (isTemplate && declaredUrls.size === 0) warn('E010', 'no domain declared');
  return out;
}
