import { BarChart, LineChart } from 'echarts/charts';
import { GridComponent, LegendComponent, TooltipComponent } from 'echarts/components';
import * as echarts from 'echarts/core';
import { CanvasRenderer } from 'echarts/renderers';
import { useEffect, useRef } from 'react';
import { useIsMobile } from '../../lib/useIsMobile';

// Only what the chart uses: the full echarts build is a megabyte a phone would load for nothing.
echarts.use([BarChart, LineChart, GridComponent, LegendComponent, TooltipComponent, CanvasRenderer]);

export interface ChartSeries {
  name: string;
  values: (number | null)[];
  /** Percent series go on a 0–100% right axis. */
  percent?: boolean;
}

/**
 * A bar chart of one figure per next-level org (ECharts). Counts are bars on the left axis, rates a
 * line on the right axis; clicking a bar drills down like clicking the table row.
 */
export default function FigureChart({ categories, series, onPick, height = 280 }: { categories: string[]; series: ChartSeries[]; onPick?: (index: number) => void; height?: number }) {
  const el = useRef<HTMLDivElement>(null);
  const chart = useRef<echarts.ECharts | null>(null);
  const mobile = useIsMobile();
  const pick = useRef(onPick);
  pick.current = onPick;

  useEffect(() => {
    if (!el.current) return;
    const c = echarts.init(el.current);
    chart.current = c;
    c.on('click', (p) => pick.current?.(p.dataIndex));
    const ro = new ResizeObserver(() => c.resize());
    ro.observe(el.current);
    return () => {
      ro.disconnect();
      c.dispose();
      chart.current = null;
    };
  }, []);

  useEffect(() => {
    const hasPercent = series.some((s) => s.percent);
    chart.current?.setOption(
      {
        animation: false,
        tooltip: { trigger: 'axis' },
        legend: { top: 0, type: 'scroll' },
        grid: { left: 8, right: hasPercent ? 8 : 16, bottom: 8, top: 36, containLabel: true },
        xAxis: { type: 'category', data: categories, axisLabel: { interval: 0, rotate: categories.length > (mobile ? 3 : 6) ? (mobile ? 60 : 30) : 0, fontSize: mobile ? 10 : 12, width: mobile ? 64 : 90, overflow: 'truncate' } },
        yAxis: [
          { type: 'value', minInterval: 1 },
          ...(hasPercent ? [{ type: 'value', min: 0, max: 100, axisLabel: { formatter: '{value}%' } }] : []),
        ],
        series: series.map((s) =>
          s.percent
            ? { name: s.name, type: 'line', yAxisIndex: 1, data: s.values.map((v) => (v === null ? null : Math.round(v * 1000) / 10)), tooltip: { valueFormatter: (v: number | null) => (v === null ? '—' : `${v}%`) } }
            : { name: s.name, type: 'bar', data: s.values, barMaxWidth: 36 },
        ),
      },
      true,
    );
  }, [categories, series, mobile]);

  return <div ref={el} style={{ width: '100%', height }} data-testid="figure-chart" />;
}
