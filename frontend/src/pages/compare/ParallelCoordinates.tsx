import { useRef } from "react";
import { useWidth } from "../../lib/useInView";
import { formatNumber } from "../../lib/format";
import { extent, scaler, type Dimension } from "./dims";

interface Props {
  dims: Dimension[];
  runs: { label: string; color: string }[];
  height?: number;
}

const PAD_X = 60;
const PAD_TOP = 52;
const PAD_BOTTOM = 30;

function shortLabel(text: string, max = 22): string {
  return text.length > max ? `…${text.slice(text.length - max + 1)}` : text;
}

/** One vertical axis per dimension, one polyline per run (broken where a run has no value). */
export function ParallelCoordinates({ dims, runs, height = 320 }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const width = Math.max(useWidth(box), 300);
  const plotH = height - PAD_TOP - PAD_BOTTOM;
  const x = (i: number) => (dims.length === 1 ? width / 2 : PAD_X + (i * (width - 2 * PAD_X)) / (dims.length - 1));
  const scales = dims.map(scaler);
  const y = (t: number) => PAD_TOP + (1 - t) * plotH;
  // Names alternate between two rows so neighbours do not overlap.
  const spacing = dims.length > 1 ? (width - 2 * PAD_X) / (dims.length - 1) : width;
  const nameChars = Math.max(6, Math.floor((spacing * 2) / 7));

  const paths = runs.map((_, r) => {
    const segments: string[] = [];
    let pen = false;
    dims.forEach((dim, i) => {
      const t = (scales[i] as (v: number | string | null) => number | null)(dim.values[r] ?? null);
      if (t === null) {
        pen = false;
        return;
      }
      segments.push(`${pen ? "L" : "M"}${x(i).toFixed(1)},${y(t).toFixed(1)}`);
      pen = true;
    });
    return segments.join(" ");
  });

  return (
    <div ref={box} style={{ width: "100%" }}>
      <svg width={width} height={height} role="img" data-testid="parallel-coordinates" data-dims={dims.map((d) => d.key).join("|")}>
        {dims.map((dim, i) => {
          const ticks =
            dim.kind === "number"
              ? (() => {
                  const [min, max] = extent(dim.values);
                  return [
                    { t: 0, label: formatNumber(min) },
                    { t: 1, label: formatNumber(max) },
                  ];
                })()
              : [...new Set(dim.values.filter((v): v is string => v !== null))].sort().map((c) => ({
                  t: (scales[i] as (v: string) => number)(c),
                  label: c,
                }));
          return (
            <g key={dim.key}>
              <line x1={x(i)} x2={x(i)} y1={PAD_TOP} y2={PAD_TOP + plotH} stroke="currentColor" strokeOpacity={0.35} />
              {/* The outer axes' names grow inwards, so a long name is not cut at the chart's edge. */}
              <text x={x(i)} y={PAD_TOP - (i % 2 ? 10 : 26)} textAnchor={i === 0 ? "start" : i === dims.length - 1 ? "end" : "middle"} fontSize={11} fill="currentColor" data-testid="axis-name">
                <title>{dim.key}</title>
                {shortLabel(dim.key, nameChars)}
              </text>
              {ticks.map((tick) => (
                <text key={`${tick.label}-${tick.t}`} x={x(i) + 4} y={y(tick.t) + 4} fontSize={10} fill="currentColor" fillOpacity={0.6}>
                  {shortLabel(tick.label, 12)}
                </text>
              ))}
            </g>
          );
        })}
        {paths.map((d, r) => (
          <path key={r} d={d} fill="none" stroke={runs[r]?.color} strokeWidth={2} strokeOpacity={0.85} data-run={runs[r]?.label}>
            <title>{runs[r]?.label}</title>
          </path>
        ))}
      </svg>
    </div>
  );
}
