// Settings of file storage: size and type limits, presigned URL lifetime and how downloads are served.
import { z } from 'zod';
import { bytes, duration, type SettingTable } from './setting.js';

const TYPE_PATTERN = /^(\*\/\*|[a-z0-9][\w.+-]*\/(\*|[a-z0-9][\w.+-]*))$/;

export const fileSettings = {
  MAX_FILE_BYTES: {
    group: 'Files',
    doc: 'Largest file accepted, by upload through the server or by direct (presigned) upload. Larger uploads get 413 and leave neither an object nor a metadata row behind.',
    default: '100MiB',
    schema: bytes,
  },
  FILES_ALLOWED_TYPES: {
    group: 'Files',
    doc: 'Comma-separated content types accepted for upload; `image/*` matches a whole family and `*/*` any type. Other types get 415. Files whose type is not safe to display are always served as attachments.',
    default: '*/*',
    schema: z
      .string()
      .transform((v) =>
        v
          .split(',')
          .map((s) => s.trim().toLowerCase())
          .filter((s) => s.length > 0),
      )
      .refine((ts) => ts.length > 0 && ts.every((t) => TYPE_PATTERN.test(t)), {
        error: 'expected content types such as image/*,application/pdf or */*',
      }),
  },
  FILES_PRESIGN_TTL: {
    group: 'Files',
    doc: 'Lifetime of presigned upload and download URLs. Direct uploads must start within it; unfinished ones are removed a day after it ends.',
    default: '15m',
    schema: duration.refine((ms) => ms >= 1000 && ms <= 7 * 86_400_000, {
      error: 'expected a duration between 1s and 7d',
    }),
  },
  FILES_DOWNLOAD_MODE: {
    group: 'Files',
    doc: '`stream`: `GET /v1/files/:id` sends the bytes through the server. `redirect`: it answers 302 to a short-lived presigned URL (on `S3_PUBLIC_ENDPOINT`, or signed by the server itself in embedded mode), so large downloads bypass the server.',
    default: 'stream',
    schema: z.enum(['stream', 'redirect']),
  },
} satisfies SettingTable;
