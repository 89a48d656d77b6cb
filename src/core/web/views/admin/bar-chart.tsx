/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FC } from "hono/jsx";

export interface ChartSeries {
	name: string;
	values: readonly number[];
}

const width = 640;
const height = 170;
const left = 36;
const bottom = 20;
const top = 8;
const plotHeight = height - top - bottom;

/** A round-ish maximum for the y axis: 1, 2 or 5 times a power of ten. */
function axisMax(max: number): number {
	if (max <= 0) return 1;
	const power = 10 ** Math.floor(Math.log10(max));
	return ([1, 2, 5, 10].find((m) => m * power >= max) ?? 10) * power;
}

/**
 * A bar chart drawn on the server as SVG (no script, nothing inline the CSP would
 * refuse: colours come from the stylesheet by class), grouped or stacked, with its
 * numbers in a table beneath for screen readers and anyone who wants them exactly.
 */
export const BarChart: FC<{
	id: string;
	title: string;
	labels: readonly string[];
	series: readonly ChartSeries[];
	stacked?: boolean;
	/** Show every n-th label on the x axis. */
	labelEvery?: number;
}> = ({ id, title, labels, series, stacked, labelEvery = 1 }) => {
	const totals = labels.map((_, i) => series.reduce((sum, s) => sum + (s.values[i] ?? 0), 0));
	const max = axisMax(stacked ? Math.max(0, ...totals) : Math.max(0, ...series.flatMap((s) => s.values)));
	const slot = (width - left) / Math.max(1, labels.length);
	const barWidth = stacked ? slot * 0.7 : (slot * 0.8) / Math.max(1, series.length);
	const y = (value: number) => top + plotHeight - (value / max) * plotHeight;
	const bars = labels.flatMap((_, i) => {
		let base = 0;
		return series.map((s, k) => {
			const value = s.values[i] ?? 0;
			const x = stacked ? left + i * slot + slot * 0.15 : left + i * slot + slot * 0.1 + k * barWidth;
			const y0 = stacked ? base : 0;
			base += stacked ? value : 0;
			const h = (value / max) * plotHeight;
			return value > 0 ? (
				<rect
					class={`series-${k}`}
					x={x.toFixed(1)}
					y={(y(y0) - h).toFixed(1)}
					width={barWidth.toFixed(1)}
					height={h.toFixed(1)}
				>
					<title>{`${labels[i]}: ${s.name} ${value}`}</title>
				</rect>
			) : null;
		});
	});
	return (
		<figure class="chart">
			<svg viewBox={`0 0 ${width} ${height}`} role="img" aria-labelledby={`${id}-title`}>
				<title id={`${id}-title`}>{title}</title>
				{[0, max / 2, max].map((tick) => (
					<g class="tick">
						<line x1={left} x2={width} y1={y(tick)} y2={y(tick)} />
						<text x={left - 4} y={y(tick) + 4} text-anchor="end">
							{Number.isInteger(tick) ? tick : tick.toFixed(1)}
						</text>
					</g>
				))}
				{bars}
				{labels.map((label, i) =>
					i % labelEvery === 0 ? (
						<text class="label" x={left + i * slot + slot / 2} y={height - 4} text-anchor="middle">
							{label}
						</text>
					) : null,
				)}
			</svg>
			<figcaption>
				{title}:{" "}
				{series.map((s, k) => (
					<span class={`key key-${k}`}>{s.name}</span>
				))}
			</figcaption>
			<details>
				<summary>Numbers</summary>
				<table id={id} class="numbers">
					<thead>
						<tr>
							<th scope="col">{stacked ? "Day" : "Week"}</th>
							{series.map((s) => (
								<th scope="col">{s.name}</th>
							))}
						</tr>
					</thead>
					<tbody>
						{labels.map((label, i) => (
							<tr>
								<th scope="row">{label}</th>
								{series.map((s) => (
									<td>{s.values[i] ?? 0}</td>
								))}
							</tr>
						))}
					</tbody>
				</table>
			</details>
		</figure>
	);
};
