-- File metadata (the bytes live in object storage under files/<id>) and the claims of scheduled backups.
-- A file row is 'pending' while its bytes are being written or awaiting a direct upload; only 'ready'
-- rows are visible. Pending rows past expires_at are swept together with their objects.

-- Up Migration
CREATE TABLE files (
  id text PRIMARY KEY,
  name text NOT NULL,
  content_type text NOT NULL,
  size bigint NOT NULL,
  sha256 text,
  owner text,
  status text NOT NULL CHECK (status IN ('pending', 'ready')),
  expires_at timestamptz,
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE INDEX files_owner ON files (owner, created_at);
CREATE INDEX files_pending_expiry ON files (expires_at) WHERE status = 'pending';

-- One row per scheduled backup time: the replica whose INSERT succeeds runs it, the others skip.
CREATE TABLE backup_runs (
  scheduled_at timestamptz PRIMARY KEY,
  claimed_by text NOT NULL,
  started_at timestamptz NOT NULL DEFAULT now(),
  finished_at timestamptz,
  status text NOT NULL DEFAULT 'running' CHECK (status IN ('running', 'succeeded', 'failed')),
  name text,
  error text
);

-- Down Migration
DROP TABLE backup_runs;
DROP TABLE files;
