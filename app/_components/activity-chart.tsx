'use client';
/**
 * Teaching minutes (bars) and attendance (line) per day, as a small inline SVG: no chart library, a few hundred
 * bytes of markup. Screen readers get a summary plus the same numbers as a table.
 * The SVG scales with its box, and so would fixed font sizes in user units (10 units are 6 px on a phone): the labels'
 * size is set from the rendered width so they stay LABEL_PX on screen, and the margins grow with them.
 */
import { useEffect, useRef, useState } from 'react';
import { useI18n } from '../_i18n/provider';
import type { DayStat } from '../_trpc/types';

const W = 600;
const H = 160;
/** Rendered size of the axis labels, in CSS pixels. */
const LABEL_PX = 12;

/** Rendered width of the SVG (CSS px), followed as the layout changes; W until measured. */
function useRenderedWidth(ref: React.RefObject<SVGSVGElement | null>): number {
  const [width, setWidth] = useState(W);
  useEffect(() => {
    const el = ref.current;
    if (!el) return;
    const ro = new ResizeObserver(() => setWidth(el.getBoundingClientRect().width || W));
    ro.observe(el);
    return () => ro.disconnect();
  }, [ref]);
  return width;
}

export function ActivityChart({ days }: { days: DayStat[] }) {
  const { t } = useI18n();
  const svgRef = useRef<SVGSVGElement>(null);
  // Font size in user units that renders as LABEL_PX at the current width.
  const fs = Math.round(((LABEL_PX * W) / useRenderedWidth(svgRef)) * 10) / 10;
  const PAD = {
    l: Math.max(34, fs * 2.6),
    r: Math.max(34, fs * 2.6),
    t: Math.max(10, fs * 0.4),
    b: Math.max(22, fs * 1.7),
  };
  const maxMin = Math.max(10, ...days.map((d) => d.teachingMinutes));
  const maxAtt = Math.max(5, ...days.map((d) => d.attendance));
  const iw = W - PAD.l - PAD.r;
  const ih = H - PAD.t - PAD.b;
  const step = iw / Math.max(1, days.length);
  const x = (i: number) => PAD.l + i * step;
  const yMin = (v: number) => PAD.t + ih - (v / maxMin) * ih;
  const yAtt = (v: number) => PAD.t + ih - (v / maxAtt) * ih;
  const totalMin = days.reduce((s, d) => s + d.teachingMinutes, 0);
  const totalAtt = days.reduce((s, d) => s + d.attendance, 0);
  const line = days
    .map((d, i) => `${i === 0 ? 'M' : 'L'}${(x(i) + step / 2).toFixed(1)},${yAtt(d.attendance).toFixed(1)}`)
    .join(' ');
  const summary = t('dash.chartSummary', { minutes: totalMin, attendance: totalAtt, days: days.length });
  return (
    <figure className="chart" style={{ margin: 0 }}>
      <svg
        ref={svgRef}
        viewBox={`0 0 ${W} ${H}`}
        role="img"
        aria-labelledby="chart-title chart-desc"
        data-testid="activity-chart"
      >
        <title id="chart-title">{t('dash.chartTitle')}</title>
        <desc id="chart-desc">{summary}</desc>
        <line x1={PAD.l} x2={W - PAD.r} y1={PAD.t + ih} y2={PAD.t + ih} stroke="#8a94a3" />
        <text x={PAD.l - 4} y={PAD.t + fs * 0.8} textAnchor="end" fontSize={fs} fill="#4d5766">
          {maxMin}
        </text>
        <text x={W - PAD.r + 4} y={PAD.t + fs * 0.8} fontSize={fs} fill="#8a4b00">
          {maxAtt}
        </text>
        {days.map((d, i) => (
          <rect
            key={d.day}
            x={x(i) + 1}
            width={Math.max(1, step - 2)}
            y={yMin(d.teachingMinutes)}
            height={PAD.t + ih - yMin(d.teachingMinutes)}
            fill="#0b5cad"
          >
            <title>{t('dash.chartBar', { day: d.day, minutes: d.teachingMinutes, attendance: d.attendance })}</title>
          </rect>
        ))}
        <path d={line} fill="none" stroke="#c06a00" strokeWidth="2" />
        {days.length > 0 && (
          <>
            <text x={PAD.l} y={H - fs * 0.4} fontSize={fs} fill="#4d5766">
              {days[0]!.day}
            </text>
            <text x={W - PAD.r} y={H - fs * 0.4} fontSize={fs} fill="#4d5766" textAnchor="end">
              {days[days.length - 1]!.day}
            </text>
          </>
        )}
      </svg>
      <figcaption className="legend">
        <span>
          <span className="sw" style={{ background: '#0b5cad' }} aria-hidden="true" />
          {t('dash.legendMinutes')}
        </span>
        <span>
          <span className="sw" style={{ background: '#c06a00' }} aria-hidden="true" />
          {t('dash.legendAttendance')}
        </span>
      </figcaption>
    </figure>
  );
}
