// The authorization matrix from docs/protocol.md (Authentication) and docs/files.md (Access): every kind of
// caller against every action, with the status the docs promise. Tokens: `room-*` readable, `room-1`
// publishable; `files` grants upload and read. Anonymous callers are tried with PUBLIC_CHANNELS=room-* and
// without public channels. Files are read in redirect mode, so an allowed read is a 302 to a signed URL.
// A token that expires while its socket is open must stop working on that socket too (WebSocket columns).
export const PRINCIPALS = [
  'API key',
  'token room-*',
  'token files',
  'expired token',
  'wrong-secret token',
  'anonymous, public room-*',
  'anonymous, no public',
  'token expired while connected',
] as const;
export type PrincipalName = (typeof PRINCIPALS)[number];

export const ACTIONS = [
  'publish room-1',
  'publish room-2',
  'subscribe room-1 (WS)',
  'subscribe other-1 (WS)',
  'history room-1',
  'history other-1',
  'channel info room-1',
  'presence room-1',
  'count room-1',
  'mint token',
  'upload file',
  'start direct upload',
  'read file (API key upload)',
  'delete file (API key upload)',
] as const;
export type ActionName = (typeof ACTIONS)[number];

type Row = Record<ActionName, number>;

const all = (status: number): Row => Object.fromEntries(ACTIONS.map((a) => [a, status])) as Row;

const readable = {
  'subscribe room-1 (WS)': 200,
  'history room-1': 200,
  'channel info room-1': 200,
  'presence room-1': 200,
  'count room-1': 200,
};

export const EXPECTED: Record<PrincipalName, Row> = {
  'API key': {
    ...all(200),
    'publish room-1': 201,
    'publish room-2': 201,
    'mint token': 201,
    'upload file': 201,
    'start direct upload': 201,
    'read file (API key upload)': 302,
    'delete file (API key upload)': 204,
  },
  'token room-*': {
    ...all(403),
    ...readable,
    'publish room-1': 201,
    // Files a caller may not read answer 404, like missing ones (docs/files.md).
    'read file (API key upload)': 404,
    'delete file (API key upload)': 404,
  },
  'token files': {
    ...all(403),
    'upload file': 201,
    'start direct upload': 201,
    'read file (API key upload)': 302,
    // Tokens delete only their own files; others' answer 404 so ids cannot be probed.
    'delete file (API key upload)': 404,
  },
  'expired token': all(401),
  'wrong-secret token': all(401),
  'anonymous, public room-*': { ...all(401), ...readable },
  'anonymous, no public': all(401),
  // Its sockets were opened before it expired: what they ask afterwards is refused too.
  'token expired while connected': all(401),
};
