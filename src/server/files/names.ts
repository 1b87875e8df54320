// File names and content types from untrusted clients: names are reduced to a safe display name (no path,
// no control or reserved characters, at most 255 UTF-8 bytes); types are checked against the allowlist.

const MAX_NAME_BYTES = 255;
// Characters that are path separators or reserved on common file systems and in headers.
const RESERVED = /[/\\:*?"<>|]/g;
// C0/C1 controls, bidi overrides and zero-width characters that make names lie about themselves.
const INVISIBLE: [number, number][] = [
  [0x00, 0x1f],
  [0x7f, 0x9f],
  [0x200b, 0x200f],
  [0x202a, 0x202e],
  [0x2066, 0x2069],
  [0xfeff, 0xfeff],
];
const visible = (ch: string) => {
  const cp = ch.codePointAt(0) ?? 0;
  return !INVISIBLE.some(([lo, hi]) => cp >= lo && cp <= hi);
};

export function sanitizeName(raw: string | undefined, fallback = 'file'): string {
  if (!raw) return fallback;
  // Keep only the last path component: browsers and tools send "C:\\fakepath\\x" or "../../x".
  const base = raw.split(/[/\\]/).pop() ?? '';
  let name = [...base].filter(visible).join('').normalize('NFC').replace(RESERVED, '_').replace(/\s+/g, ' ');
  name = name.replace(/^[\s.]+/, '').replace(/[\s.]+$/, '');
  while (Buffer.byteLength(name) > MAX_NAME_BYTES) {
    // Trim before the extension so "very-long….pdf" keeps its extension.
    const dot = name.lastIndexOf('.');
    const ext = dot > 0 && name.length - dot <= 16 ? name.slice(dot) : '';
    const stem = [...name.slice(0, name.length - ext.length)];
    stem.pop();
    name = stem.join('') + ext;
  }
  return name.length > 0 ? name : fallback;
}

const TOKEN = "[!#$%&'*+.^_`|~0-9a-z-]+";
const MEDIA_TYPE = new RegExp(`^(${TOKEN})/(${TOKEN})$`);

/** The lower-cased `type/subtype` of a Content-Type value, or null when it is not one. */
export function mediaType(header: string | undefined): string | null {
  if (!header) return null;
  const essence = header.split(';')[0]?.trim().toLowerCase() ?? '';
  return MEDIA_TYPE.test(essence) ? essence : null;
}

export function typeAllowed(type: string, allowed: readonly string[]): boolean {
  const [family] = type.split('/');
  return allowed.some((a) => a === '*/*' || a === type || (a.endsWith('/*') && a.slice(0, -2) === family));
}

// Types a browser may render in place without running script from our origin.
const INLINE_SAFE =
  /^(image\/(png|jpeg|gif|webp|avif|bmp)|audio\/[\w.+-]+|video\/[\w.+-]+|text\/plain|application\/pdf)$/;

export function isInlineSafe(type: string): boolean {
  return INLINE_SAFE.test(type);
}

/** RFC 6266 header with an ASCII fallback and the exact name in filename*. */
export function contentDisposition(name: string, type: string, forceAttachment = false): string {
  const kind = !forceAttachment && isInlineSafe(type) ? 'inline' : 'attachment';
  const ascii = name.replace(/[^\x20-\x7e]/g, '_').replace(/["\\%]/g, '_');
  const encoded = encodeURIComponent(name).replace(
    /['()*]/g,
    (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  return `${kind}; filename="${ascii}"; filename*=UTF-8''${encoded}`;
}
