// Grouped bar charts as standalone SVG: one group per category (e.g. subscriber count), one bar per
// series (target), the median as the bar and min-max as a whisker. Deterministic output for diffs.
import type { Summary } from '../lib/stats.js';

export type ChartSeries = { name: string; values: (Summary | undefined)[] };
export type Chart = { title: string; unit: string; categories: string[]; series: ChartSeries[] };

const COLORS = ['#2f6fdf', '#e07b28', '#3a9b4b', '#b5424c', '#7a5cc2', '#6b6b6b'];
const esc = (s: string) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');

function niceMax(v: number): number {
  if (!(v > 0)) return 1;
  const p = 10 ** Math.floor(Math.log10(v));
  for (const m of [1, 2, 2.5, 5, 10]) if (m * p >= v) return m * p;
  return 10 * p;
}

export function fmt(v: number): string {
  if (!Number.isFinite(v)) return '–';
  const a = Math.abs(v);
  if (a >= 1e6) return `${(v / 1e6).toFixed(a >= 1e7 ? 1 : 2)}M`;
  if (a >= 1e4) return `${(v / 1e3).toFixed(a >= 1e5 ? 0 : 1)}k`;
  if (a >= 100) return v.toFixed(0);
  if (a >= 10) return v.toFixed(1);
  return v.toFixed(2);
}

export function barChart(chart: Chart): string {
  const width = 760;
  const left = 70;
  const top = 40;
  const plotH = 240;
  const legendH = 22 * Math.ceil(chart.series.length / 3);
  const height = top + plotH + 40 + legendH;
  const plotW = width - left - 20;
  const all = chart.series.flatMap((s) => s.values.map((v) => (v ? Math.max(v.max, v.median) : 0)));
  const max = niceMax(Math.max(0, ...all.filter(Number.isFinite)));
  const y = (v: number) => top + plotH - (Math.min(v, max) / max) * plotH;
  const groupW = plotW / Math.max(1, chart.categories.length);
  const barW = Math.min(48, (groupW * 0.8) / Math.max(1, chart.series.length));
  const out: string[] = [
    `<svg xmlns="http://www.w3.org/2000/svg" width="${width}" height="${height}" viewBox="0 0 ${width} ${height}" font-family="sans-serif" font-size="12">`,
    `<rect width="${width}" height="${height}" fill="#fff"/>`,
    `<text x="${width / 2}" y="20" text-anchor="middle" font-size="14" font-weight="bold">${esc(chart.title)}</text>`,
  ];
  for (let i = 0; i <= 4; i++) {
    const v = (max * i) / 4;
    out.push(
      `<line x1="${left}" x2="${width - 20}" y1="${y(v)}" y2="${y(v)}" stroke="#ddd"/>`,
      `<text x="${left - 6}" y="${y(v) + 4}" text-anchor="end" fill="#555">${fmt(v)}</text>`,
    );
  }
  out.push(
    `<text x="14" y="${top + plotH / 2}" transform="rotate(-90 14 ${top + plotH / 2})" text-anchor="middle" fill="#333">${esc(chart.unit)}</text>`,
  );
  chart.categories.forEach((cat, ci) => {
    const gx = left + ci * groupW + (groupW - barW * chart.series.length) / 2;
    out.push(
      `<text x="${left + ci * groupW + groupW / 2}" y="${top + plotH + 18}" text-anchor="middle">${esc(cat)}</text>`,
    );
    chart.series.forEach((s, si) => {
      const v = s.values[ci];
      const x = gx + si * barW;
      if (!v || !Number.isFinite(v.median)) {
        out.push(
          `<text x="${x + barW / 2}" y="${top + plotH - 4}" text-anchor="middle" fill="#999">n/a</text>`,
        );
        return;
      }
      const color = COLORS[si % COLORS.length];
      out.push(
        `<rect x="${x + 2}" y="${y(v.median)}" width="${barW - 4}" height="${top + plotH - y(v.median)}" fill="${color}"/>`,
      );
      if (v.max > v.min) {
        const cx = x + barW / 2;
        out.push(`<line x1="${cx}" x2="${cx}" y1="${y(v.min)}" y2="${y(v.max)}" stroke="#222"/>`);
      }
      out.push(
        `<text x="${x + barW / 2}" y="${Math.max(top + 10, y(Math.max(v.median, v.max)) - 4)}" text-anchor="middle" font-size="10">${fmt(v.median)}</text>`,
      );
    });
  });
  chart.series.forEach((s, si) => {
    const lx = left + (si % 3) * 230;
    const ly = top + plotH + 36 + Math.floor(si / 3) * 22;
    out.push(
      `<rect x="${lx}" y="${ly - 10}" width="12" height="12" fill="${COLORS[si % COLORS.length]}"/>`,
      `<text x="${lx + 18}" y="${ly}">${esc(s.name)}</text>`,
    );
  });
  out.push('</svg>');
  return `${out.join('\n')}\n`;
}
