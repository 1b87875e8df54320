// Runs the PostgreSQL client tools (pg_dump, pg_restore) against DATABASE_URL. The password goes through
// PGPASSWORD rather than the command line (visible in `ps`), and URL parameters only the `pg` driver
// understands are translated or dropped, since libpq rejects unknown ones.
import { type ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';

// Connection parameters libpq accepts in a URI, besides the ones in its authority and path.
const LIBPQ_PARAMS = new Set([
  'sslmode',
  'sslrootcert',
  'sslcert',
  'sslkey',
  'sslcrl',
  'application_name',
  'connect_timeout',
  'options',
  'target_session_attrs',
  'gssencmode',
]);

export function libpqConnection(databaseUrl: string): { url: string; env: Record<string, string> } {
  const u = new URL(databaseUrl);
  const env: Record<string, string> = {};
  if (u.password) env.PGPASSWORD = decodeURIComponent(u.password);
  u.password = '';
  for (const key of [...u.searchParams.keys()]) {
    if (!LIBPQ_PARAMS.has(key)) u.searchParams.delete(key);
  }
  // `no-verify` is the pg driver's spelling of "encrypt but do not check the certificate".
  if (u.searchParams.get('sslmode') === 'no-verify') u.searchParams.set('sslmode', 'require');
  return { url: u.toString(), env };
}

export interface ToolRun {
  child: ChildProcess;
  /** Resolves on exit 0; rejects with the tool's stderr otherwise (or when it cannot be started). */
  done: Promise<void>;
}

export function runTool(
  tool: 'pg_dump' | 'pg_restore',
  args: string[],
  opts: { databaseUrl: string; binDir?: string | undefined; stdin?: 'pipe' | 'ignore' },
): ToolRun {
  const conn = libpqConnection(opts.databaseUrl);
  const bin = opts.binDir ? join(opts.binDir, tool) : tool;
  const child = spawn(bin, [...args, '--no-password', `--dbname=${conn.url}`], {
    env: { ...process.env, ...conn.env },
    stdio: [opts.stdin ?? 'ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => {
    // Enough to name the problem; a runaway tool cannot grow it without bound.
    if (stderr.length < 16_384) stderr += d.toString();
  });
  const done = new Promise<void>((resolve, reject) => {
    child.once('error', (err: NodeJS.ErrnoException) => {
      reject(
        err.code === 'ENOENT'
          ? new Error(`${bin} not found: install the PostgreSQL client tools or set BACKUP_PG_BIN_DIR`)
          : err,
      );
    });
    child.once('close', (code, signal) => {
      if (code === 0) resolve();
      else reject(new Error(`${tool} failed (${signal ?? `exit ${code}`}): ${stderr.trim() || 'no output'}`));
    });
  });
  return { child, done };
}
