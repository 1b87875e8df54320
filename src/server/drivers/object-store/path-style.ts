// Chooses how buckets are addressed when S3_FORCE_PATH_STYLE is `auto`: hosted object stores that expect
// virtual-hosted URLs (`bucket.endpoint`) are recognised by their host; everything else (MinIO, Garage,
// SeaweedFS, a service name, an IP) gets path-style URLs (`endpoint/bucket`), which self-hosted stores need.

/** Hosts (and their subdomains) of providers whose buckets are addressed as `bucket.host`. */
const virtualHostedProviders = [
  'amazonaws.com',
  'storage.railway.app',
  'digitaloceanspaces.com',
  'wasabisys.com',
  'storage.googleapis.com',
  'linodeobjects.com',
  'scw.cloud',
];

export type PathStyleSetting = boolean | 'auto';

export function resolvePathStyle(setting: PathStyleSetting, endpoint: string | undefined): boolean {
  if (setting !== 'auto') return setting;
  if (!endpoint) return true;
  let host: string;
  try {
    host = new URL(endpoint).hostname.toLowerCase();
  } catch {
    return true;
  }
  return !virtualHostedProviders.some((p) => host === p || host.endsWith(`.${p}`));
}
