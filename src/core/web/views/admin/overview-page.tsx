/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FC } from "hono/jsx";
import type { AdminOverview } from "../../../admin/overview.ts";
import { readerStatuses } from "../../../subscriptions/reader.ts";
import { AdminLayout, Columns, shortTime } from "./admin-layout.tsx";
import { BarChart } from "./bar-chart.tsx";

const rate = (n: number | null) => (n === null ? "" : n.toFixed(1));
const seconds = (n: number | null) => (n === null ? "running" : `${n.toFixed(1)} s`);

export const OverviewPage: FC<{ overview: AdminOverview; csrf: string }> = ({ overview: o, csrf }) => (
	<AdminLayout title="Overview" path="/admin" csrf={csrf}>
		<section class="card">
			<h2>Readers</h2>
			<dl class="facts" id="readers">
				{readerStatuses.map((status) => (
					<>
						<dt>{status}</dt>
						<dd data-status={status}>{o.readers[status]}</dd>
					</>
				))}
				<dt>suppressed addresses</dt>
				<dd data-status="suppressed">{o.suppressions.bounce + o.suppressions.complaint + o.suppressions.manual}</dd>
			</dl>
			<BarChart
				id="weekly-readers"
				title={`Signups, confirmations and unsubscribes per week (${o.weeks.length} weeks)`}
				labels={o.weeks.map((w) => w.slice(5))}
				series={[
					{ name: "signups", values: o.perWeek.signups },
					{ name: "confirmations", values: o.perWeek.confirmations },
					{ name: "unsubscribes", values: o.perWeek.unsubscribes },
				]}
				labelEvery={4}
			/>
		</section>
		<section class="card">
			<h2>Digest runs</h2>
			{o.digestRuns.length ? (
				<div class="scroll">
					<table id="runs">
						<Columns
							names={[
								"Period",
								"Started (UTC)",
								"Planned",
								"Sent",
								"Failed",
								"Retrying",
								"Skipped",
								"Duration",
								"Messages/s",
							]}
						/>
						<tbody>
							{o.digestRuns.map((run) => (
								<tr>
									<th scope="row">{run.period}</th>
									<td>{shortTime(run.startedAt)}</td>
									<td>{run.planned}</td>
									<td>{run.now.sent}</td>
									<td>{run.now.failed}</td>
									<td>{run.now.pending + run.now.sending}</td>
									<td>{run.now.skipped}</td>
									<td>{seconds(run.durationSeconds)}</td>
									<td>{rate(run.perSecond)}</td>
								</tr>
							))}
						</tbody>
					</table>
				</div>
			) : (
				<p>No digest has run yet.</p>
			)}
		</section>
		<section class="card">
			<h2>Papers</h2>
			<table id="sources">
				<Columns names={["Source", "Last new batch (UTC)", "State"]} />
				<tbody>
					{o.sources.map((s) => (
						<tr>
							<th scope="row">{s.source}</th>
							<td>{s.lastSuccessAt ? shortTime(s.lastSuccessAt) : "never"}</td>
							<td>
								{s.alarm ? (
									<strong class="alarm">{s.alarm === "stale" ? "stale" : "same batch again"}</strong>
								) : s.lastSuccessAt ? (
									"fresh"
								) : s.lastRunAt ? (
									"no new batch yet"
								) : (
									"no scheduled ingest yet"
								)}
							</td>
						</tr>
					))}
				</tbody>
			</table>
			<BarChart
				id="papers-per-day"
				title={`Papers first seen per day and source (${o.days.length} days)`}
				labels={o.days.map((d) => d.slice(5))}
				series={o.papersPerDay.map((s) => ({ name: s.source, values: s.values }))}
				stacked
				labelEvery={5}
			/>
		</section>
	</AdminLayout>
);
