-- Channels and their messages. Offsets are per channel and gapless: the channels row is the counter,
-- locked and bumped by the same statement that inserts the messages. created_at never decreases within a
-- channel (GREATEST with the previous one), so a time window maps to an offset range and can be counted
-- from two index lookups instead of COUNT(*).

-- Up Migration
CREATE TABLE channels (
  name text PRIMARY KEY,
  last_offset bigint NOT NULL DEFAULT 0,
  -- Messages currently stored (after retention), maintained incrementally by publish and prune.
  count bigint NOT NULL DEFAULT 0,
  last_at timestamptz NOT NULL DEFAULT now(),
  created_at timestamptz NOT NULL DEFAULT now()
);

CREATE TABLE messages (
  channel text NOT NULL,
  "offset" bigint NOT NULL,
  id text NOT NULL,
  -- json (not jsonb) keeps the publisher's text byte for byte, so live and replayed frames are identical.
  data json NOT NULL,
  created_at timestamptz NOT NULL,
  PRIMARY KEY (channel, "offset")
);

CREATE UNIQUE INDEX messages_channel_id ON messages (channel, id);
CREATE INDEX messages_channel_created ON messages (channel, created_at, "offset");

-- Down Migration
DROP TABLE messages;
DROP TABLE channels;
