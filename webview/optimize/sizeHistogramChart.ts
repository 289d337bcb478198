import type { SizeHistogram } from '../../src/ops/optimize/optimizePlan';

const SVG = 'http://www.w3.org/2000/svg';
const ROW_HEIGHT = 34;
const BAR_HEIGHT = 12;
const LABEL_WIDTH = 110;
const BAR_WIDTH = 360;
const COUNT_WIDTH = 70;
const LEGEND_HEIGHT = 22;

/** The two series, coloured from the theme (set through the CSSOM, which the panel's CSP allows). */
const SERIES = [
  { key: 'before', label: 'Before', colour: 'var(--vscode-charts-blue)' },
  { key: 'after', label: 'After (planned)', colour: 'var(--vscode-charts-green)' },
] as const;

/**
 * File counts per size class as horizontal bar pairs (before above after), one scale for both, so
 * the move from many small files to a few large ones is seen at a glance. Each class carries its
 * counts in data attributes too, for readers and tests that do not look at pixels.
 */
export function sizeHistogramChart(histogram: SizeHistogram): SVGSVGElement {
  const max = Math.max(1, ...histogram.before, ...histogram.after);
  // Size classes no file falls in, before or after, are left out: they would only push the bars apart.
  const shown = histogram.labels.flatMap((label, i) => {
    const before = histogram.before[i] ?? 0;
    const after = histogram.after[i] ?? 0;
    return before + after > 0 ? [{ label, before, after }] : [];
  });
  const height = LEGEND_HEIGHT + Math.max(1, shown.length) * ROW_HEIGHT;
  const width = LABEL_WIDTH + BAR_WIDTH + COUNT_WIDTH;
  const svg = element('svg', { width, height, viewBox: `0 0 ${width} ${height}`, role: 'img', class: 'size-histogram' });
  svg.setAttribute('aria-label', shown.map(({ label, before, after }) => `${label}: ${before} files before, ${after} after`).join('; ') || 'No files');

  SERIES.forEach((series, i) => {
    const x = LABEL_WIDTH + i * 150;
    svg.append(swatch(x, 4, series.colour), text(series.label, x + 16, 14, 'start'));
  });

  shown.forEach(({ label, before, after }, i) => {
    const top = LEGEND_HEIGHT + i * ROW_HEIGHT;
    const group = element('g', { class: 'size-class', 'data-label': label, 'data-before': before, 'data-after': after });
    group.append(text(label, LABEL_WIDTH - 8, top + ROW_HEIGHT / 2 + 4, 'end'));
    SERIES.forEach((series, s) => {
      const count = series.key === 'before' ? before : after;
      const y = top + 4 + s * (BAR_HEIGHT + 2);
      const length = count === 0 ? 0 : Math.max(2, (count / max) * BAR_WIDTH);
      const bar = element('rect', { x: LABEL_WIDTH, y, width: length, height: BAR_HEIGHT, class: `bar-${series.key}` });
      bar.style.fill = series.colour;
      const value = text(String(count), LABEL_WIDTH + length + 4, y + BAR_HEIGHT - 2, 'start');
      value.classList.add(`count-${series.key}`);
      group.append(bar, value);
    });
    svg.append(group);
  });
  return svg;
}

function swatch(x: number, y: number, colour: string): SVGRectElement {
  const rect = element('rect', { x, y, width: 12, height: 12 });
  rect.style.fill = colour;
  return rect;
}

function text(content: string, x: number, y: number, anchor: 'start' | 'end'): SVGTextElement {
  const node = element('text', { x, y, 'text-anchor': anchor });
  node.style.fill = 'var(--vscode-foreground)';
  node.style.fontSize = '12px';
  node.textContent = content;
  return node;
}

function element<K extends keyof SVGElementTagNameMap>(tag: K, attributes: Record<string, string | number>): SVGElementTagNameMap[K] {
  const node = document.createElementNS(SVG, tag);
  for (const [name, value] of Object.entries(attributes)) node.setAttribute(name, String(value));
  return node;
}
