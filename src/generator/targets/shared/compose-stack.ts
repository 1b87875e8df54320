// Assembles a v2 app into one compose-format document for the compose and Swarm targets: bundled resources
// through the compose provisioners, workloads as services, named volumes, config files, published ports
// unique across the file, and the `.env` variables it reads.
import type { App } from '../../model/app.js';
import { bundled } from '../../model/resource.js';
import type { Port } from '../../model/workload.js';
import { sortedRecord } from '../../render/text.js';
import { composeProvisioners } from './compose-resources.js';
import type { ComposeCtx, ComposeFlavor, Service } from './compose-values.js';
import { createVarRegistry, type VarRegistry } from './compose-vars.js';
import { workloadService } from './compose-workload.js';
import { provisionerFor } from './provisioner.js';
import type { Report } from './report.js';

export interface ComposeStack {
  services: Record<string, Service>;
  volumes: string[];
  configs: Record<string, string>;
  vars: VarRegistry;
}

/** The compose file of a stack: its services, named volumes and configs with inline content. */
export function composeDocument(name: string, stack: ComposeStack): Record<string, unknown> {
  return {
    name,
    services: stack.services,
    ...(stack.volumes.length > 0 ? { volumes: Object.fromEntries(stack.volumes.map((v) => [v, {}])) } : {}),
    ...(Object.keys(stack.configs).length > 0
      ? { configs: Object.fromEntries(Object.entries(stack.configs).map(([k, content]) => [k, { content }])) }
      : {}),
  };
}

function portPublisher(report: Report) {
  const taken = new Map<string, string>();
  return (owner: string, port: Port): string => {
    const proto = port.protocol === 'udp' ? '/udp' : '';
    let host = port.published ?? port.port;
    const key = (n: number) => `${n}${proto}`;
    if (port.published !== undefined && taken.has(key(host))) {
      report.fail(
        `${owner}.ports.${port.name}`,
        `host port ${host}${proto} is already published by ${taken.get(key(host))}`,
        'choose another published port',
      );
    }
    while (taken.has(key(host)) && port.published === undefined) host++;
    if (host !== port.port && port.published === undefined) {
      report.warn(
        `${owner}.ports.${port.name}`,
        `host port ${port.port}${proto} is published by ${taken.get(key(port.port))}; ${owner} is published on ${host}`,
      );
    }
    taken.set(key(host), owner);
    return `${host}:${port.port}${proto}`;
  };
}

export function buildComposeStack(
  app: App,
  flavor: ComposeFlavor,
  report: Report,
  envFile: string,
): ComposeStack {
  const ctx: ComposeCtx = {
    app,
    flavor,
    vars: createVarRegistry(report, envFile),
    report,
    publish: portPublisher(report),
    initJobs: new Map(),
    provisioners: composeProvisioners,
  };
  const services: Record<string, Service> = {};
  const volumes = new Set<string>();
  const configs: Record<string, string> = {};
  const add = (name: string, service: Service, owner: string) => {
    if (services[name]) {
      report.fail(`${owner}`, `service name "${name}" is taken by another service of the file`, 'rename it');
    }
    services[name] = service;
  };
  for (const r of bundled(app.resources)) if (r.type === 's3') ctx.initJobs.set(r.id, `${r.id}-init`);
  // Workloads first: the app keeps its own port numbers when a resource would publish the same one.
  for (const w of app.workloads) {
    const unit = workloadService(w, ctx);
    add(w.name, unit.service, `workloads.${w.name}`);
    Object.assign(configs, unit.configs);
  }
  for (const r of bundled(app.resources)) {
    const unit = provisionerFor(composeProvisioners, r).provision(r, ctx);
    for (const [name, s] of Object.entries(unit.services)) add(name, s, `resources.${r.id}`);
    for (const v of unit.volumes) {
      if (volumes.has(v))
        report.fail(`resources.${r.id}`, `volume name "${v}" is taken`, 'rename the resource');
      volumes.add(v);
    }
  }
  return {
    services: sortedRecord(services),
    volumes: [...volumes].sort(),
    configs: sortedRecord(configs),
    vars: ctx.vars,
  };
}
