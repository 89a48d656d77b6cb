/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FC } from "hono/jsx";
import type { TopicsReport } from "../../../admin/topics-report.ts";
import { AdminLayout, Columns } from "./admin-layout.tsx";

export const TopicsPage: FC<{ report: TopicsReport; csrf: string }> = ({ report, csrf }) => (
	<AdminLayout title="Topics" path="/admin/topics" csrf={csrf}>
		<section class="card">
			<p id="readers-with-nothing">
				<strong>{report.readersWithNothing}</strong> active readers get nothing at all: none of their topics matched a
				paper in the last {report.weeks} weeks.
			</p>
			<h2>Matched nothing in {report.weeks} weeks</h2>
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
					<Columns names={["Topic", "Readers", "Papers per week"]} />
					<tbody>
						{report.topics.map((t) => (
							<tr>
								<th scope="row">{t.keyword}</th>
								<td>{t.readers}</td>
								<td>{t.perWeek === null ? "(exclusion)" : t.perWeek.toFixed(1)}</td>
							</tr>
						))}
					</tbody>
				</table>
			</div>
		</section>
	</AdminLayout>
);
