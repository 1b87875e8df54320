// Types of scripts/test-services.mjs for the TypeScript tests that start a service of their own.
export interface OwnService {
  stop(): Promise<void>;
}
export const ROOT: string;
export const TOOLS_BIN: string;
export function findBinary(name: string): string | undefined;
export function missingBinaries(kinds: Array<'postgres' | 'redis' | 'minio'>): string[];
export function freePort(): Promise<number>;
export function startPostgres(opts?: {
  parent?: string;
  /** TCP logins need a password (scram-sha-256); `url` then reaches the admin over the socket. */
  passwordAuth?: boolean;
}): Promise<OwnService & { port: number; url: string; dir: string }>;
export function startRedis(opts?: {
  parent?: string;
  /** requirepass; `url` carries it. */
  password?: string;
}): Promise<OwnService & { port: number; url: string; pid: number }>;
export function startMinio(opts?: {
  parent?: string;
  /** Root user (MINIO_ROOT_USER). */
  accessKey?: string;
  /** Root password (MINIO_ROOT_PASSWORD). */
  secretKey?: string;
  /** Further MINIO_* settings, e.g. MINIO_SITE_REGION or MINIO_DOMAIN. */
  env?: Record<string, string>;
}): Promise<OwnService & { endpoint: string; accessKey: string; secretKey: string; pid: number }>;
