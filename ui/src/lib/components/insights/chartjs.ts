/**
 * A ChartSpec drawn by Chart.js on a canvas: only the parts the Insights charts use are
 * registered (bars, a filled line, category and linear scales, the tooltip model), so the bundle
 * carries no other chart types. The tooltip itself is DOM (the `onHover` callback; Chart.svelte
 * draws it) so its numbers are real text styled by app.css.
 */
import {
  BarController,
  BarElement,
  CategoryScale,
  Chart,
  Filler,
  LinearScale,
  LineController,
  LineElement,
  PointElement,
  Tooltip,
  type ChartConfiguration,
  type ChartDataset,
  type ChartOptions,
  type Plugin,
} from 'chart.js';
import type { ChartSpec } from './chart';
import { readPalette, type Palette } from './theme';

Chart.register(BarController, BarElement, LineController, LineElement, PointElement, CategoryScale, LinearScale, Filler, Tooltip);

type Kind = 'bar' | 'line';

/** The label under the pointer and where its column is, in canvas pixels; null when none. */
export type Hover = { index: number; x: number; width: number } | null;

export type ChartHooks = {
  onHover: (hover: Hover) => void;
  /** After every frame Chart.js drew, with the number of values it holds. */
  onDrawn: (values: number) => void;
};

export type MountedChart = {
  update: (spec: ChartSpec) => void;
  /** Reads the app.css colours again and redraws (the theme changed). */
  restyle: () => void;
  destroy: () => void;
};

export function datasets(spec: ChartSpec, p: Palette): ChartDataset<Kind, number[]>[] {
  return spec.series.map((s) => {
    const { fill, line } = p.tone(s.tone);
    const outlined = line !== fill;
    if (spec.kind === 'line') {
      return {
        type: 'line',
        label: s.label,
        data: s.values,
        borderColor: line,
        backgroundColor: fill,
        fill: 'origin',
        borderWidth: 1.8,
        pointRadius: 0,
        pointHoverRadius: 3,
        pointHoverBackgroundColor: line,
        pointHoverBorderColor: line,
      };
    }
    return {
      type: 'bar',
      label: s.label,
      data: s.values,
      backgroundColor: fill,
      hoverBackgroundColor: fill,
      borderColor: line,
      hoverBorderColor: line,
      borderWidth: outlined ? 1 : 0,
      categoryPercentage: 0.8,
      barPercentage: 0.9,
    };
  });
}

export function options(spec: ChartSpec, p: Palette, hooks: ChartHooks): ChartOptions<Kind> {
  const font = { family: p.font, size: 11 };
  return {
    animation: false,
    responsive: true,
    maintainAspectRatio: false,
    interaction: { mode: 'index', intersect: false },
    events: ['mousemove', 'mouseout', 'touchstart', 'touchmove'],
    layout: { padding: { top: 6 } },
    scales: {
      x: {
        stacked: true,
        grid: { display: false },
        border: { color: p.axis },
        ticks: {
          color: p.text,
          font,
          autoSkip: false,
          maxRotation: 0,
          callback: (_value, i) => (i % spec.labelEvery === 0 ? spec.labels[i] : null),
        },
      },
      y: {
        stacked: true,
        beginAtZero: true,
        max: spec.yMax,
        grid: { color: p.grid },
        border: { display: false },
        ticks: { color: p.text, font, maxTicksLimit: 5, precision: 0, callback: (v) => `${v}${spec.unit ?? ''}` },
      },
    },
    plugins: {
      tooltip: {
        enabled: false,
        external: ({ chart, tooltip }) => {
          const point = tooltip.opacity === 0 ? undefined : tooltip.dataPoints?.[0];
          hooks.onHover(point ? { index: point.dataIndex, x: point.element.x, width: chart.width } : null);
        },
      },
    },
  };
}

/** Canvas drawing Chart.js has no option for: the hovered column, the threshold marker. */
function overlay(state: { spec: ChartSpec; palette: Palette }, hooks: ChartHooks): Plugin<Kind> {
  const slotOf = (chart: Chart<Kind>) => {
    const x = chart.scales.x;
    return { left: x.left, slot: (x.right - x.left) / Math.max(1, state.spec.labels.length) };
  };
  return {
    id: 'insightsOverlay',
    beforeDatasetsDraw(chart) {
      const active = chart.getActiveElements()[0];
      if (!active || state.spec.kind !== 'bar') return;
      const { left, slot } = slotOf(chart);
      const { top, bottom } = chart.chartArea;
      chart.ctx.save();
      chart.ctx.fillStyle = state.palette.hover;
      chart.ctx.fillRect(left + active.index * slot, top, slot, bottom - top);
      chart.ctx.restore();
    },
    afterDatasetsDraw(chart) {
      const { ctx, chartArea } = chart;
      const p = state.palette;
      const active = chart.getActiveElements()[0];
      if (active && state.spec.kind === 'line') {
        const x = chart.getDatasetMeta(0).data[active.index]?.x;
        if (x !== undefined) dashed(ctx, x, chartArea, p.axis, [3, 3], 1);
      }
      const marker = state.spec.marker;
      if (!marker) return;
      const { left, slot } = slotOf(chart);
      const x = left + marker.index * slot;
      dashed(ctx, x, chartArea, p.marker, [4, 3], 1.5);
      ctx.save();
      ctx.font = `600 11px ${p.font}`;
      ctx.fillStyle = p.marker;
      ctx.textBaseline = 'top';
      const fits = x + 4 + ctx.measureText(marker.label).width <= chartArea.right;
      ctx.textAlign = fits ? 'left' : 'right';
      ctx.fillText(marker.label, fits ? x + 4 : x - 4, chartArea.top + 2);
      ctx.restore();
    },
    afterRender() {
      hooks.onDrawn(state.spec.series.reduce((n, s) => n + s.values.length, 0));
    },
  };
}

function dashed(ctx: CanvasRenderingContext2D, x: number, area: { top: number; bottom: number }, color: string, dash: number[], width: number) {
  ctx.save();
  ctx.strokeStyle = color;
  ctx.lineWidth = width;
  ctx.setLineDash(dash);
  ctx.beginPath();
  ctx.moveTo(x, area.top);
  ctx.lineTo(x, area.bottom);
  ctx.stroke();
  ctx.restore();
}

export function mountChart(canvas: HTMLCanvasElement, spec: ChartSpec, hooks: ChartHooks): MountedChart {
  const state = { spec, palette: readPalette() };
  const config: ChartConfiguration<Kind, number[], string> = {
    type: spec.kind,
    data: { labels: spec.labels, datasets: datasets(spec, state.palette) },
    options: options(spec, state.palette, hooks),
    plugins: [overlay(state, hooks)],
  };
  const chart = new Chart(canvas, config);
  const redraw = () => {
    chart.data = { labels: state.spec.labels, datasets: datasets(state.spec, state.palette) };
    chart.options = options(state.spec, state.palette, hooks);
    chart.update();
  };
  return {
    update(next) {
      state.spec = next;
      redraw();
    },
    restyle() {
      state.palette = readPalette();
      redraw();
    },
    destroy: () => chart.destroy(),
  };
}
