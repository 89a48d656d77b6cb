/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FC } from "hono/jsx";
import type { TopicsReport } from "../../../admin/topics-report.ts";
import { AdminLayout, Columns } from "./admin-layout.tsx";

export const TopicsPage: FC<{ report: TopicsReport; csrf: string }> = ({ report, csrf }) => (
	<AdminLayout title="Topics" path="/admin/topics" csrf={csrf}>
		<section class="card">
			<p id="topics-basis">
				{report.periods.length ? (
					<>
						Numbers as digest planning matched them in {report.periods.join(", ")}
						{report.matchedNow
							? `; ${report.matchedNow} ${report.matchedNow === 1 ? "topic" : "topics"} no planning saw ${report.matchedNow === 1 ? "was" : "were"} matched now over the last ${report.weeks} weeks.`
							: "."}
					</>
				) : (
					`No digest was planned in the last ${report.weeks} weeks: every topic was matched now over the last ${report.weeks} weeks.`
				)}
			</p>
			<p id="readers-with-nothing">
				<strong>{report.readersWithNothing}</strong> active readers get nothing at all: none of their topics matched a
				paper.
			</p>
			<h2>Matched nothing</h2>
			{report.silent.length ? (
				<ul id="silent-topics">
					{report.silent.map((t) => (
						<li>
							{t.keyword} ({t.readers} {t.readers === 1 ? "reader" : "readers"})
						</li>
					))}
				</ul>
			) : (
				<p>Every topic matched something.</p>
			)}
		</section>
		<section class="card">
			<h2>Topics by readers</h2>
			<div class="scroll">
				<table id="topics">
					<Columns names={["Topic", "Readers", "Papers matched", "Papers per week", "Counted"]} />
					<tbody>
						{report.topics.map((t) => (
							<tr>
								<th scope="row">{t.keyword}</th>
								<td>{t.readers}</td>
								<td>{t.matched === null ? "(exclusion)" : t.matched}</td>
								<td>{t.perWeek === null ? "" : t.perWeek.toFixed(1)}</td>
								<td>{t.from === "planning" ? "at planning" : "now"}</td>
							</tr>
						))}
					</tbody>
				</table>
			</div>
		</section>
	</AdminLayout>
);
