// nginx in front of the replicas, configured the way CapRover proxies a web app with websocketSupport
// (its template/server-block-conf.ejs): HTTP/1.1, Upgrade and `Connection "upgrade"` on every request,
// Host/X-Real-IP/X-Forwarded-* headers, 500m bodies, default 60 s timeouts. CapRover hands connections to
// the Swarm VIP; here an upstream of the three replicas stands in for it: round robin, no stickiness, and
// passive health (max_fails/fail_timeout) as the only health checking.
import { type ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, until } from '../helpers/services.js';

export interface Nginx {
  port: number;
  url: string;
  /** nginx's error log so far (upstream failures, timeouts). */
  errors(): string;
  stop(): Promise<void>;
}

const NGINX = '/usr/sbin/nginx';

function config(listen: number, replicaPorts: number[], prefix: string): string {
  const servers = replicaPorts.map((p) => `    server 127.0.0.1:${p} max_fails=1 fail_timeout=5s;`);
  return `user root;
worker_processes 1;
daemon off;
pid ${join(prefix, 'nginx.pid')};
error_log ${join(prefix, 'error.log')} warn;
events { worker_connections 4096; }
http {
  access_log off;
  client_body_temp_path ${join(prefix, 'body')};
  proxy_temp_path ${join(prefix, 'proxy')};
  fastcgi_temp_path ${join(prefix, 'fastcgi')};
  uwsgi_temp_path ${join(prefix, 'uwsgi')};
  scgi_temp_path ${join(prefix, 'scgi')};
  upstream replicas {
${servers.join('\n')}
  }
  server {
    listen 127.0.0.1:${listen};
    client_max_body_size 500m;
    # CapRover answers its own health check here, without touching the app.
    location /.well-known/captain-identifier {
      return 200 'captain';
    }
    location / {
      proxy_pass http://replicas;
      proxy_set_header Host $host;
      proxy_set_header X-Real-IP $remote_addr;
      proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
      proxy_set_header X-Forwarded-Proto $scheme;
      proxy_set_header Upgrade $http_upgrade;
      proxy_set_header Connection "upgrade";
      proxy_http_version 1.1;
    }
  }
}
`;
}

export async function startNginx(replicaPorts: number[]): Promise<Nginx> {
  const prefix = mkdtempSync(join(tmpdir(), 'paasport-reliability-nginx-'));
  const port = await freePort();
  const conf = join(prefix, 'nginx.conf');
  writeFileSync(conf, config(port, replicaPorts, prefix));
  const errorLog = join(prefix, 'error.log');
  const proc: ChildProcess = spawn(NGINX, ['-p', prefix, '-c', conf, '-e', errorLog], { stdio: 'ignore' });
  const url = `http://127.0.0.1:${port}`;
  await until(
    'nginx to answer',
    async () => {
      if (proc.exitCode !== null) throw new Error(`nginx exited with ${proc.exitCode}; see ${errorLog}`);
      const res = await fetch(`${url}/.well-known/captain-identifier`).catch(() => null);
      return res?.status === 200 ? true : undefined;
    },
    15_000,
  );
  return {
    port,
    url,
    errors: () => {
      try {
        return readFileSync(errorLog, 'utf8');
      } catch {
        return '';
      }
    },
    async stop() {
      if (proc.exitCode === null) {
        const exited = new Promise((r) => proc.once('exit', r));
        // TERM is nginx's fast shutdown: workers exit without waiting for open websockets.
        proc.kill('SIGTERM');
        await Promise.race([exited, new Promise((r) => setTimeout(r, 3000).unref())]);
        if (proc.exitCode === null) proc.kill('SIGKILL');
      }
      rmSync(prefix, { recursive: true, force: true });
    },
  };
}
