// File metadata in PostgreSQL. A row is inserted 'pending' before any byte is stored and becomes 'ready'
// only once the object is complete, so a crash mid-upload leaves a pending row the sweeper removes later.
import { randomBytes } from 'node:crypto';
import type { Database } from '../drivers/database/index.js';

export interface FileRecord {
  id: string;
  name: string;
  contentType: string;
  size: number;
  sha256: string | null;
  owner: string | null;
  status: 'pending' | 'ready';
  createdAt: Date;
  expiresAt: Date | null;
}

interface Row {
  id: string;
  name: string;
  content_type: string;
  size: string;
  sha256: string | null;
  owner: string | null;
  status: 'pending' | 'ready';
  created_at: Date;
  expires_at: Date | null;
}

const toRecord = (r: Row): FileRecord => ({
  id: r.id,
  name: r.name,
  contentType: r.content_type,
  size: Number(r.size),
  sha256: r.sha256,
  owner: r.owner,
  status: r.status,
  createdAt: r.created_at,
  expiresAt: r.expires_at,
});

/** 128 random bits, URL-safe: ids are unguessable, so knowing one is part of being allowed to read it. */
export const newFileId = () => randomBytes(16).toString('base64url');
export const FILE_ID = /^[A-Za-z0-9_-]{22}$/;
export const objectKey = (id: string) => `files/${id}`;

export class FileRepository {
  constructor(private readonly db: Database) {}

  async insertPending(f: {
    id: string;
    name: string;
    contentType: string;
    size: number;
    owner: string | null;
    expiresAt: Date;
  }): Promise<void> {
    await this.db.query(
      `INSERT INTO files (id, name, content_type, size, owner, status, expires_at)
       VALUES ($1, $2, $3, $4, $5, 'pending', $6)`,
      [f.id, f.name, f.contentType, f.size, f.owner, f.expiresAt],
    );
  }

  /** Flips a pending row to ready; null when it is gone (swept or deleted meanwhile). */
  async markReady(id: string, size: number, sha256: string): Promise<FileRecord | null> {
    const { rows } = await this.db.query<Row>(
      `UPDATE files SET status = 'ready', size = $2, sha256 = $3, expires_at = NULL, created_at = now()
       WHERE id = $1 AND status = 'pending' RETURNING *`,
      [id, size, sha256],
    );
    return rows[0] ? toRecord(rows[0]) : null;
  }

  async get(id: string): Promise<FileRecord | null> {
    const { rows } = await this.db.query<Row>('SELECT * FROM files WHERE id = $1', [id]);
    return rows[0] ? toRecord(rows[0]) : null;
  }

  /** Newest first, at most limit, strictly before the (createdAt, id) cursor when one is given. */
  async list(limit: number, before?: { createdAt: Date; id: string }): Promise<FileRecord[]> {
    const { rows } = await this.db.query<Row>(
      `SELECT * FROM files
       WHERE $1::timestamptz IS NULL OR (created_at, id) < ($1::timestamptz, $2::text)
       ORDER BY created_at DESC, id DESC LIMIT $3`,
      [before?.createdAt ?? null, before?.id ?? '', limit],
    );
    return rows.map(toRecord);
  }

  async delete(id: string): Promise<boolean> {
    const { rowCount } = await this.db.query('DELETE FROM files WHERE id = $1', [id]);
    return (rowCount ?? 0) > 0;
  }

  /** Removes expired pending rows and returns their ids; each row goes to exactly one caller. */
  async takeExpiredPending(limit: number): Promise<string[]> {
    const { rows } = await this.db.query<{ id: string }>(
      `DELETE FROM files WHERE id IN (
         SELECT id FROM files WHERE status = 'pending' AND expires_at < now()
         ORDER BY expires_at LIMIT $1 FOR UPDATE SKIP LOCKED)
       RETURNING id`,
      [limit],
    );
    return rows.map((r) => r.id);
  }
}
