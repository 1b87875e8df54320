-- File owners get a namespace per kind of identity: `sub:<subject>` for tokens minted for a user and
-- `jti:<token id>` for tokens without one, so no chosen subject can equal a generated token identity.
-- Rows written before this stored the bare subject, or `token:<jti>` for tokens without a subject.

-- Up Migration
UPDATE files
SET owner = CASE WHEN owner LIKE 'token:%' THEN 'jti:' || substr(owner, 7) ELSE 'sub:' || owner END
WHERE owner IS NOT NULL;

-- Down Migration
UPDATE files
SET owner = CASE WHEN owner LIKE 'jti:%' THEN 'token:' || substr(owner, 5) ELSE substr(owner, 5) END
WHERE owner IS NOT NULL;
