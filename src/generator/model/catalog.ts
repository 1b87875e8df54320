// The addons the generator knows: their default images and the connection values (outputs) an app can receive.
export type AddonKind = 'postgres' | 'redis' | 'minio';

export const addonKinds: readonly AddonKind[] = ['postgres', 'redis', 'minio'];

export const addonOutputs = {
  postgres: ['url', 'host', 'port', 'user', 'password', 'database'],
  redis: ['url', 'host', 'port', 'password'],
  minio: ['endpoint', 'publicEndpoint', 'accessKey', 'secretKey', 'bucket', 'region', 'forcePathStyle'],
} as const satisfies Record<AddonKind, readonly string[]>;

export type AddonOutput<K extends AddonKind = AddonKind> = (typeof addonOutputs)[K][number];

/** Outputs of the app itself that its own env can reference (`{from: app.url}`). */
export const appOutputs = ['url'] as const;

export const addonDefaults: Record<AddonKind, { image: string; version: string }> = {
  postgres: { image: 'postgres', version: '17-alpine' },
  redis: { image: 'redis', version: '7.4-alpine' },
  // Docker Hub minio/minio can no longer be pulled; this maintained build also ships `mc`.
  minio: { image: 'ghcr.io/coollabsio/minio', version: 'RELEASE.2025-10-15T17-29-55Z' },
};

/** Service names used for addons in compose-based targets; an app may not take one of them. */
export const reservedServiceNames = ['postgres', 'redis', 'minio', 'minio-init'];
