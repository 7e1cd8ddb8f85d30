/**
 * Server-rendered SVG charts as plain geometry: the template draws rects and lines from these numbers, so a chart
 * works without JavaScript and inside exports. Values are fractions; intervals are drawn as whiskers.
 */
export interface Bar {
  label: string;
  y: number;
  /** Bar from x0 to x1 (for deltas the bar starts at the zero line). */
  x0: number;
  x1: number;
  lo: number;
  hi: number;
  text: string;
}

export interface Chart {
  width: number;
  height: number;
  left: number;
  plotWidth: number;
  zeroX: number;
  rowHeight: number;
  bars: Bar[];
}

const LEFT = 150;
const PLOT = 360;
const ROW = 26;

/** Accuracy per group on [0, 1]. */
export function accuracyChart(rows: { label: string; p: number; lo: number; hi: number }[]): Chart {
  const x = (v: number) => LEFT + Math.max(0, Math.min(1, v)) * PLOT;
  return {
    width: LEFT + PLOT + 70, height: rows.length * ROW + 10, left: LEFT, plotWidth: PLOT, zeroX: LEFT, rowHeight: ROW,
    bars: rows.map((r, i) => ({ label: r.label, y: 5 + i * ROW, x0: x(0), x1: x(r.p), lo: x(r.lo), hi: x(r.hi), text: `${Math.round(r.p * 100)}%` })),
  };
}

/** Paired differences on [−1, 1], zero in the middle. */
export function deltaChart(rows: { label: string; diff: number; lo: number; hi: number }[]): Chart {
  const x = (v: number) => LEFT + ((Math.max(-1, Math.min(1, v)) + 1) / 2) * PLOT;
  return {
    width: LEFT + PLOT + 70, height: rows.length * ROW + 10, left: LEFT, plotWidth: PLOT, zeroX: x(0), rowHeight: ROW,
    bars: rows.map((r, i) => ({
      label: r.label, y: 5 + i * ROW, x0: Math.min(x(0), x(r.diff)), x1: Math.max(x(0), x(r.diff)), lo: x(r.lo), hi: x(r.hi),
      text: `${r.diff >= 0 ? '+' : ''}${Math.round(r.diff * 100)} pt`,
    })),
  };
}
