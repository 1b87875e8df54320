// The Docker health test of a probe, shared by every target that writes one (compose healthchecks,
// CapRover's Service Update Override): the command runs the client the spec says the image has.
import type { Probe } from '../../model/workload.js';

/** The Docker health test of a probe, or undefined when the image's client is unknown. */
export function healthTest(probe: Probe): string[] | undefined {
  const check = probe.check;
  if (check.kind === 'exec') return ['CMD', ...check.command];
  if (check.kind === 'tcp') {
    if (check.tool === 'nc') return ['CMD', 'nc', '-z', '127.0.0.1', String(check.port)];
    if (check.tool === 'bash') return ['CMD', 'bash', '-c', `exec 3<>/dev/tcp/127.0.0.1/${check.port}`];
    return undefined;
  }
  const url = `${check.scheme}://127.0.0.1:${check.port}${check.path}`;
  const tls = check.scheme === 'https';
  switch (check.tool) {
    case 'curl':
      return ['CMD', 'curl', '-fsS', ...(tls ? ['-k'] : []), '-o', '/dev/null', url];
    case 'wget':
      return ['CMD', 'wget', '-q', ...(tls ? ['--no-check-certificate'] : []), '--spider', url];
    case 'node':
      return [
        'CMD',
        'node',
        '-e',
        `fetch('${url}').then((r)=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))`,
      ];
    case 'python':
      return [
        'CMD',
        'python3',
        '-c',
        `import urllib.request; urllib.request.urlopen('${url}', timeout=${probe.timeout})`,
      ];
    default:
      return undefined;
  }
}
