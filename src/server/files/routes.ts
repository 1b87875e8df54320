// HTTP API of files (docs/files.md): streamed upload, direct upload with a presigned URL and completion,
// download with Range or a redirect to a presigned URL, metadata and deletion. Mounted before the global
// JSON parser because upload bodies are streamed, never parsed or buffered.
import type { IncomingMessage } from 'node:http';
import { pipeline } from 'node:stream/promises';
import express, { type Request, type Response, Router } from 'express';
import { z } from 'zod';
import type { Authenticator } from '../auth/authenticator.js';
import { resolvePrincipal } from '../auth/http.js';
import { ObjectNotFoundError } from '../drivers/object-store/index.js';
import { parseWith } from '../errors/domain-error.js';
import { HttpError } from '../http/errors.js';
import { discardRestOfBody, lingerBounds } from '../http/linger.js';
import { assertCanRead, fileNotFound, ownerLabel } from './access.js';
import { contentDisposition } from './names.js';
import type { LocalSigner, Presigner } from './presigner.js';
import { parseRange } from './range.js';
import { FILE_ID, type FileRecord, objectKey } from './repository.js';
import type { FileService } from './service.js';
import { openUploadBody } from './upload-body.js';

const directBody = z
  .object({
    name: z.string().min(1).max(1024),
    contentType: z.string().min(1).max(255),
    size: z.number().int().min(0),
  })
  .strict();

const baseOf = (req: Request) => `${req.protocol}://${req.get('host')}`;

function fileId(req: Request): string {
  const id = req.params.id;
  if (typeof id !== 'string' || !FILE_ID.test(id)) throw fileNotFound();
  return id;
}

export function describe(f: FileRecord, base: string) {
  return {
    id: f.id,
    name: f.name,
    contentType: f.contentType,
    size: f.size,
    sha256: f.sha256,
    owner: ownerLabel(f.owner),
    createdAt: f.createdAt.toISOString(),
    url: `${base}/v1/files/${f.id}`,
  };
}

/**
 * An upload that failed before its body was read to the end (413, 415, a bad signature): the rest of the body
 * is read and discarded within bounds, so the client gets the answer rather than a reset connection.
 */
async function streamingBody<T>(req: IncomingMessage, limit: number, fn: () => Promise<T>): Promise<T> {
  try {
    return await fn();
  } catch (err) {
    discardRestOfBody(req, lingerBounds(limit));
    throw err;
  }
}

export interface FilesRouterOptions {
  service: FileService;
  presigner: Presigner;
  signer: LocalSigner;
  auth: Authenticator;
  downloadMode: 'stream' | 'redirect';
  /** CORS_ORIGINS is set: downloads may be embedded by other origins (<img>, <video>), so CORP allows it. */
  crossOrigin: boolean;
}

export function filesRouter(o: FilesRouterOptions): Router {
  const { service, presigner, signer } = o;
  const router = Router();
  const authed = resolvePrincipal(o.auth);
  const ttl = Math.floor(service.limits.presignTtlMs / 1000);

  router.post('/v1/files', authed, async (req, res) => {
    const record = await streamingBody(req, service.limits.maxBytes, async () => {
      // Refuse before reading a byte when the request says enough to know.
      service.checkSize(Number(req.get('content-length') ?? 0) || undefined);
      if (!/^multipart\/form-data/i.test(req.get('content-type') ?? ''))
        service.checkType(req.get('content-type'));
      return service.upload(req.principal, await openUploadBody(req, req.query));
    });
    res.status(201).json(describe(record, baseOf(req)));
  });

  router.post('/v1/files/uploads', authed, express.json({ limit: '16kb' }), async (req, res) => {
    const started = await service.createDirect(
      req.principal,
      parseWith(directBody, req.body ?? {}),
      (id, seconds) => presigner.uploadUrl({ id, ttl: seconds, base: baseOf(req) }),
    );
    res.status(201).json({
      id: started.id,
      method: 'PUT',
      uploadUrl: started.uploadUrl,
      headers: { 'Content-Type': started.contentType },
      expiresAt: started.expiresAt,
    });
  });

  // Embedded mode's stand-in for a presigned S3 PUT; the signature is the credential.
  router.put('/v1/files/uploads/:id/content', async (req, res) => {
    if (presigner.kind !== 'local')
      throw new HttpError(404, 'route_not_found', 'uploads go to object storage');
    const id = fileId(req);
    await streamingBody(req, service.limits.maxBytes, async () => {
      signer.verify('PUT', id, req.query);
      await service.receiveDirect(id, req);
    });
    res.status(200).end();
  });

  router.post('/v1/files/uploads/:id/complete', authed, async (req, res) => {
    const record = await service.completeDirect(req.principal, fileId(req));
    res.status(200).json(describe(record, baseOf(req)));
  });

  router.get('/v1/files/:id/metadata', authed, async (req, res) => {
    const f = await service.repo.get(fileId(req));
    assertCanRead(req.principal, f);
    res.json(describe(f, baseOf(req)));
  });

  router.get('/v1/files/:id', authed, async (req, res) => {
    const f = await service.repo.get(fileId(req));
    assertCanRead(req.principal, f);
    const disposition = contentDisposition(f.name, f.contentType, req.query.download !== undefined);
    if (o.downloadMode === 'redirect') {
      const url = await presigner.downloadUrl({
        id: f.id,
        ttl,
        base: baseOf(req),
        contentType: f.contentType,
        disposition,
      });
      res.setHeader('Cache-Control', 'no-store');
      res.redirect(302, url);
      return;
    }
    await sendFile(req, res, f, disposition);
  });

  // A short-lived link for <img src>, <video src> and downloads, where no Authorization header can be sent.
  router.get('/v1/files/:id/url', authed, async (req, res) => {
    const f = await service.repo.get(fileId(req));
    assertCanRead(req.principal, f);
    const expires = Math.floor(Date.now() / 1000) + ttl;
    const download = req.query.download !== undefined;
    const url =
      presigner.kind === 's3' && o.downloadMode === 'redirect'
        ? await presigner.downloadUrl({
            id: f.id,
            ttl,
            base: baseOf(req),
            contentType: f.contentType,
            disposition: contentDisposition(f.name, f.contentType, download),
          })
        : `${baseOf(req)}/v1/files/${f.id}/content?expires=${expires}&signature=${signer.sign('GET', f.id, expires)}${download ? '&download' : ''}`;
    res.setHeader('Cache-Control', 'no-store');
    res.json({ url, expiresAt: new Date(expires * 1000).toISOString() });
  });

  // Signed downloads served by the server: the links of GET /v1/files/:id/url, and embedded mode's stand-in
  // for a presigned S3 GET (the target of redirect mode). The signature is the credential; Range works.
  router.get('/v1/files/:id/content', async (req, res) => {
    const id = fileId(req);
    signer.verify('GET', id, req.query);
    const f = await service.repo.get(id);
    if (f?.status !== 'ready') throw fileNotFound();
    await sendFile(req, res, f, contentDisposition(f.name, f.contentType, req.query.download !== undefined));
  });

  router.delete('/v1/files/:id', authed, async (req, res) => {
    await service.remove(req.principal, fileId(req));
    res.status(204).end();
  });

  async function sendFile(req: Request, res: Response, f: FileRecord, disposition: string): Promise<void> {
    const etag = `"${f.sha256}"`;
    res.setHeader('ETag', etag);
    res.setHeader('Accept-Ranges', 'bytes');
    res.setHeader('Cache-Control', 'private, max-age=3600');
    res.setHeader('Content-Type', f.contentType);
    res.setHeader('Content-Disposition', disposition);
    // helmet's same-origin default would stop pages of the allowed origins from showing the file.
    if (o.crossOrigin) res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
    if (req.get('if-none-match') === etag) {
      res.status(304).end();
      return;
    }
    const ifRange = req.get('if-range');
    const range = ifRange === undefined || ifRange === etag ? parseRange(req.get('range'), f.size) : null;
    if (range) {
      res.status(206);
      res.setHeader('Content-Range', `bytes ${range.start}-${range.end}/${f.size}`);
    }
    res.setHeader('Content-Length', String(range ? range.end - range.start + 1 : f.size));
    if (req.method === 'HEAD') {
      res.end();
      return;
    }
    let body: Awaited<ReturnType<typeof service.store.get>>['body'];
    try {
      ({ body } = await service.store.get(objectKey(f.id), range ?? undefined));
    } catch (err) {
      if (err instanceof ObjectNotFoundError) throw fileNotFound();
      throw err;
    }
    // A client going away mid-download is normal; only log failures of the store side.
    await pipeline(body, res).catch((err: unknown) => {
      if (!res.destroyed || !(req.socket?.destroyed ?? true))
        req.log.warn({ err, file: f.id }, 'download failed');
    });
  }

  return router;
}
