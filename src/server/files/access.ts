// Who may do what with files. API keys: everything. Client tokens: upload with the `upload` permission,
// read any file with `read`, and always read and delete the files they own (owner = the token's `sub`,
// or the token itself when it has none). Anonymous callers: nothing. Owners are stored namespaced
// (`sub:<subject>`, `jti:<token id>`), so a token minted with any chosen `sub` never matches a token id.
import { denied } from '../auth/authenticator.js';
import type { Principal } from '../auth/principal.js';
import { HttpError } from '../http/errors.js';
import type { FileRecord } from './repository.js';

export function ownerOf(p: Principal): string | null {
  if (p.kind !== 'token') return null;
  return p.sub !== undefined ? `sub:${p.sub}` : `jti:${p.id.slice('token:'.length)}`;
}

/** The owner as the API shows it: the subject, or null for API-key uploads and tokens without one. */
export function ownerLabel(owner: string | null): string | null {
  return owner?.startsWith('sub:') ? owner.slice(4) : null;
}

export function assertCanUpload(p: Principal): void {
  if (!p.canUploadFiles) throw denied(p, 'uploading files');
}

const isOwner = (p: Principal, f: FileRecord) =>
  p.kind === 'token' && f.owner !== null && f.owner === ownerOf(p);

/** Unreadable files answer 404 like missing ones, so ids cannot be probed for existence. */
export function assertCanRead(p: Principal, f: FileRecord | null): asserts f is FileRecord {
  if (p.kind === 'anonymous') throw denied(p, 'reading files');
  if (f?.status !== 'ready' || !(p.admin || p.canReadAnyFile || isOwner(p, f))) throw fileNotFound();
}

export function assertCanDelete(p: Principal, f: FileRecord | null): asserts f is FileRecord {
  if (p.kind === 'anonymous') throw denied(p, 'deleting files');
  if (!f || !(p.admin || isOwner(p, f))) throw fileNotFound();
}

/** Completing a direct upload is for whoever started it. */
export function assertCanComplete(p: Principal, f: FileRecord | null): asserts f is FileRecord {
  if (p.kind === 'anonymous') throw denied(p, 'uploading files');
  if (!f || !(p.admin || f.owner === ownerOf(p)))
    throw new HttpError(404, 'upload_not_found', 'no such upload');
}

export const fileNotFound = () => new HttpError(404, 'file_not_found', 'no such file');
