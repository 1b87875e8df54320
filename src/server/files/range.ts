// HTTP Range for downloads: one `bytes=` range (first-last, first-, or -suffix). Several ranges are
// answered with the whole file, which RFC 9110 allows; an unsatisfiable range is a 416.
import type { ByteRange } from '../drivers/object-store/index.js';
import { HttpError } from '../http/errors.js';

export function parseRange(header: string | undefined, size: number): ByteRange | null {
  if (!header) return null;
  const m = /^bytes=\s*(\d*)\s*-\s*(\d*)\s*$/.exec(header.trim());
  if (!m) return null;
  const [, first, last] = m as unknown as [string, string, string];
  if (first === '' && last === '') return null;
  let start: number;
  let end: number;
  if (first === '') {
    const suffix = Number(last);
    if (suffix === 0) throw unsatisfiable(size);
    start = Math.max(0, size - suffix);
    end = size - 1;
  } else {
    start = Number(first);
    end = last === '' ? size - 1 : Math.min(Number(last), size - 1);
    if (last !== '' && Number(last) < start) return null;
  }
  if (start >= size || size === 0) throw unsatisfiable(size);
  return { start, end };
}

function unsatisfiable(size: number): HttpError {
  return new HttpError(416, 'range_not_satisfiable', `range is outside the file (size ${size})`, {
    headers: { 'Content-Range': `bytes */${size}` },
  });
}
