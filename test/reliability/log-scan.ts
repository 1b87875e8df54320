// Scans server output for what must never be logged: the API key, the JWT secret, the S3 secret key, any
// client token (the exact ones handed out, and anything shaped like a JWT), and presigned URL signatures.
export interface LogScan {
  lines: number;
  /** What was found, by kind, with the first offending line (secrets masked) for the report. */
  findings: { kind: string; count: number; example: string }[];
}

const JWT = /eyJ[\w-]{8,}\.eyJ[\w-]{8,}\.[\w-]{16,}/;
const SIGNATURES: [string, RegExp][] = [
  ['X-Amz-Signature', /X-Amz-Signature/i],
  ['X-Amz-Credential', /X-Amz-Credential/i],
  ['signed URL (signature=)', /[?&]signature=[\w%-]{16,}/i],
  ['JWT-shaped token', JWT],
];

function mask(line: string, secrets: string[]): string {
  let out = line;
  for (const s of secrets) out = out.split(s).join(`<${s.slice(0, 4)}…>`);
  return out.replace(new RegExp(JWT, 'g'), (m) => `${m.slice(0, 12)}…`).slice(0, 240);
}

export function scanLogs(text: string, secrets: Record<string, string>, tokens: string[]): LogScan {
  const lines = text.split('\n').filter((l) => l.length > 0);
  const exact: [string, string][] = [
    ...Object.entries(secrets).filter(([, v]) => v.length >= 8),
    ...tokens.map((t, i): [string, string] => [`client token #${i + 1}`, t]),
  ];
  const all = exact.map(([, v]) => v);
  const found = new Map<string, { count: number; example: string }>();
  const note = (kind: string, line: string) => {
    const f = found.get(kind) ?? { count: 0, example: mask(line, all) };
    f.count++;
    found.set(kind, f);
  };
  for (const line of lines) {
    for (const [kind, value] of exact) if (line.includes(value)) note(kind, line);
    for (const [kind, re] of SIGNATURES) if (re.test(line)) note(kind, line);
  }
  return { lines: lines.length, findings: [...found].map(([kind, f]) => ({ kind, ...f })) };
}
