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
}): Promise<OwnService & { port: number; url: string; dir: string }>;
export function startRedis(opts?: {
  parent?: string;
}): Promise<OwnService & { port: number; url: string; pid: number }>;
export function startMinio(opts?: {
  parent?: string;
}): Promise<OwnService & { endpoint: string; accessKey: string; secretKey: string; pid: number }>;
