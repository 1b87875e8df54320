// Draws the default app logo (a rounded tile with a broadcast ring and dot, tinted from the app name) as PNG.
import { encodePng } from '../../render/png.js';

const size = 128;
const samples = 3;
const levels = samples * samples;

function tint(name: string): [number, number, number] {
  let h = 0;
  for (const c of name) h = (h * 31 + c.charCodeAt(0)) % 360;
  const s = 0.62;
  const l = 0.42;
  const k = (n: number) => (n + h / 30) % 12;
  const a = s * Math.min(l, 1 - l);
  const f = (n: number) => l - a * Math.max(-1, Math.min(k(n) - 3, 9 - k(n), 1));
  return [Math.round(f(0) * 255), Math.round(f(8) * 255), Math.round(f(4) * 255)];
}

function inTile(x: number, y: number): boolean {
  const r = 28;
  const cx = Math.min(Math.max(x, r), size - r);
  const cy = Math.min(Math.max(y, r), size - r);
  return (x - cx) ** 2 + (y - cy) ** 2 <= r * r;
}

function inMark(x: number, y: number): boolean {
  const d = Math.hypot(x - size / 2, y - size / 2);
  return d <= 14 || (d >= 30 && d <= 40);
}

export function drawLogo(name: string): Uint8Array {
  const [r, g, b] = tint(name);
  // Palette index = tile coverage * (levels + 1) + mark coverage, both counted in sub-samples.
  const palette: [number, number, number, number][] = [];
  for (let tile = 0; tile <= levels; tile++) {
    for (let mark = 0; mark <= levels; mark++) {
      const t = tile === 0 ? 0 : Math.min(mark, tile) / tile;
      palette.push([
        Math.round(r + (255 - r) * t),
        Math.round(g + (255 - g) * t),
        Math.round(b + (255 - b) * t),
        Math.round((tile / levels) * 255),
      ]);
    }
  }
  const pixels = new Uint8Array(size * size);
  for (let y = 0; y < size; y++) {
    for (let x = 0; x < size; x++) {
      let tile = 0;
      let mark = 0;
      for (let sy = 0; sy < samples; sy++) {
        for (let sx = 0; sx < samples; sx++) {
          const px = x + (sx + 0.5) / samples;
          const py = y + (sy + 0.5) / samples;
          if (inTile(px, py)) {
            tile++;
            if (inMark(px, py)) mark++;
          }
        }
      }
      pixels[y * size + x] = tile * (levels + 1) + mark;
    }
  }
  return encodePng({ width: size, height: size, palette, pixels });
}
