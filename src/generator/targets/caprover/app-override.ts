// What a one-click template cannot set but CapRover's "Service Update Override" can (stop grace period,
// health check, resource limits), written as the override YAML the end instructions give per app.
import type { Probe, ResourceLimits } from '../../model/workload.js';
import { healthTest } from '../shared/health-test.js';

export interface Override {
  stopGracePeriod?: number;
  probe?: Probe;
  limits?: ResourceLimits;
}

const ns = (seconds: number) => seconds * 1_000_000_000;

/** Kubernetes-style quantities as Docker numbers: `500m` or `1.5` CPUs, `512M`/`1Gi` of memory. */
export function dockerLimits(l: ResourceLimits): { NanoCPUs?: number; MemoryBytes?: number } {
  const cpus =
    l.cpu === undefined ? undefined : l.cpu.endsWith('m') ? Number.parseFloat(l.cpu) / 1000 : Number(l.cpu);
  return {
    ...(cpus !== undefined && Number.isFinite(cpus) ? { NanoCPUs: Math.round(cpus * 1e9) } : {}),
    ...(l.memory ? { MemoryBytes: memoryBytes(l.memory) } : {}),
  };
}

export function memoryBytes(quantity: string): number {
  const m = /^(\d+(?:\.\d+)?)\s*([KMGT]i?)?B?$/i.exec(quantity.trim());
  if (!m) throw new Error(`not a memory quantity: ${quantity}`);
  const unit = (m[2] ?? '').toUpperCase();
  const power = { '': 0, K: 1, M: 2, G: 3, T: 4 }[unit.replace('I', '')] ?? 0;
  const base = unit.endsWith('I') || unit.length === 1 ? 1024 : 1000;
  return Math.round(Number(m[1]) * base ** power);
}

/** The override document (YAML) for one app, or undefined when nothing needs it. */
export function overrideYaml(o: Override): string | undefined {
  const container: string[] = [];
  if (o.stopGracePeriod !== undefined) container.push(`        StopGracePeriod: ${ns(o.stopGracePeriod)}`);
  const test = o.probe ? healthTest(o.probe) : undefined;
  if (o.probe && test) {
    container.push(
      '        HealthCheck:',
      `            Test: ${JSON.stringify(test)}`,
      `            Interval: ${ns(o.probe.interval)}`,
      `            Timeout: ${ns(o.probe.timeout)}`,
      `            Retries: ${o.probe.retries}`,
      `            StartPeriod: ${ns(o.probe.startPeriod)}`,
    );
  }
  const limits = o.limits ? dockerLimits(o.limits) : {};
  const lines = [
    ...(container.length > 0 ? ['    ContainerSpec:', ...container] : []),
    ...(Object.keys(limits).length > 0
      ? [
          '    Resources:',
          '        Limits:',
          ...Object.entries(limits).map(([k, v]) => `            ${k}: ${v}`),
        ]
      : []),
  ];
  return lines.length > 0 ? ['TaskTemplate:', ...lines].join('\n') : undefined;
}
