import { useRef } from "react";
import { formatNumber } from "../../lib/format";
import { useWidth } from "../../lib/useInView";
import { extent, type Dimension } from "./dims";

interface Props {
  xDim: Dimension;
  yDim: Dimension;
  runs: { label: string; color: string }[];
  height?: number;
}

const PAD = { left: 64, right: 20, top: 16, bottom: 40 };

/** Round values (1, 2 or 5 times a power of ten apart) inside [min, max]: the axis ticks. */
export function niceTicks([min, max]: [number, number], target = 5): number[] {
  const span = max - min;
  if (!(span > 0) || !Number.isFinite(span)) return [min];
  const raw = span / target;
  const power = Math.pow(10, Math.floor(Math.log10(raw)));
  const step = ([1, 2, 5, 10].find((m) => m * power >= raw) ?? 10) * power;
  const ticks: number[] = [];
  for (let v = Math.ceil(min / step) * step; v <= max + step * 1e-9; v += step) ticks.push(Number(v.toPrecision(12)));
  return ticks;
}

export function ScatterPlot({ xDim, yDim, runs, height = 320 }: Props) {
  const box = useRef<HTMLDivElement>(null);
  const width = Math.max(useWidth(box), 300);
  const xr = extent(xDim.values, 0.06);
  const yr = extent(yDim.values, 0.06);
  const sx = (v: number) => PAD.left + ((v - xr[0]) / (xr[1] - xr[0])) * (width - PAD.left - PAD.right);
  const sy = (v: number) => height - PAD.bottom - ((v - yr[0]) / (yr[1] - yr[0])) * (height - PAD.top - PAD.bottom);
  const points = runs
    .map((run, i) => ({ run, x: xDim.values[i], y: yDim.values[i] }))
    .filter((p): p is { run: { label: string; color: string }; x: number; y: number } => typeof p.x === "number" && typeof p.y === "number");
  return (
    <div ref={box} style={{ width: "100%" }}>
      <svg width={width} height={height} role="img" data-testid="scatter" data-points={points.length}>
        <line x1={PAD.left} x2={width - PAD.right} y1={height - PAD.bottom} y2={height - PAD.bottom} stroke="currentColor" strokeOpacity={0.4} />
        <line x1={PAD.left} x2={PAD.left} y1={PAD.top} y2={height - PAD.bottom} stroke="currentColor" strokeOpacity={0.4} />
        {niceTicks(xr).map((v) => (
          <text key={`x${v}`} x={sx(v)} y={height - PAD.bottom + 16} textAnchor="middle" fontSize={10} fill="currentColor" fillOpacity={0.7}>
            {formatNumber(v)}
          </text>
        ))}
        {niceTicks(yr).map((v) => (
          <text key={`y${v}`} x={PAD.left - 6} y={sy(v) + 3} textAnchor="end" fontSize={10} fill="currentColor" fillOpacity={0.7}>
            {formatNumber(v)}
          </text>
        ))}
        <text x={(width + PAD.left) / 2} y={height - 6} textAnchor="middle" fontSize={11} fill="currentColor">
          {xDim.key}
        </text>
        <text x={12} y={(height - PAD.bottom) / 2} textAnchor="middle" fontSize={11} fill="currentColor" transform={`rotate(-90 12 ${(height - PAD.bottom) / 2})`}>
          {yDim.key}
        </text>
        {points.map((p) => (
          <circle key={p.run.label} cx={sx(p.x)} cy={sy(p.y)} r={6} fill={p.run.color} fillOpacity={0.85} stroke="white" strokeWidth={1}>
            <title>{`${p.run.label}: ${formatNumber(p.x)}, ${formatNumber(p.y)}`}</title>
          </circle>
        ))}
      </svg>
    </div>
  );
}
