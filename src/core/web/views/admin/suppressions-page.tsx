/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FC } from "hono/jsx";
import type { recentBounces } from "../../../bounces/record-bounce.ts";
import type { Suppression, SuppressionReason } from "../../../subscriptions/suppress.ts";
import { AdminLayout, Columns, PostButton, shortTime } from "./admin-layout.tsx";

export const SuppressionsPage: FC<{
	counts: Record<SuppressionReason, number>;
	suppressions: readonly Suppression[];
	csrf: string;
	notice?: string;
	/** What bounce and complaint intake received lately (docs/bounces.md). */
	bounces: Awaited<ReturnType<typeof recentBounces>>;
}> = ({ counts, suppressions, csrf, notice, bounces }) => (
	<AdminLayout title="Suppressions" path="/admin/suppressions" csrf={csrf} notice={notice}>
		<section class="card">
			<p id="suppression-counts">
				{counts.bounce} bounced, {counts.complaint} complained, {counts.manual} suppressed by hand. We never write to
				these addresses; removing one lets it receive mail again.
			</p>
			{suppressions.length ? (
				<div class="scroll">
					<table id="suppressions">
						<Columns names={["Address", "Reason", "Since (UTC)", "Detail"]} action />
						<tbody>
							{suppressions.map((s) => (
								<tr>
									<th scope="row">{s.email}</th>
									<td>{s.reason}</td>
									<td>{shortTime(s.at)}</td>
									<td>{s.detail ?? ""}</td>
									<td>
										<PostButton
											action="/admin/suppressions/remove"
											csrf={csrf}
											fields={{ email: s.email }}
											label="Remove"
											name={`Remove ${s.email}`}
										/>
									</td>
								</tr>
							))}
						</tbody>
					</table>
				</div>
			) : (
				<p>No address is suppressed.</p>
			)}
		</section>
		<section class="card">
			<h2>Bounces and complaints, last 30 days</h2>
			<p id="bounce-counts">
				{bounces.counts.hard} hard bounces, {bounces.counts.soft} soft bounces, {bounces.counts.complaint} complaints.
			</p>
			{bounces.bounces.length ? (
				<div class="scroll">
					<table id="bounces">
						<Columns names={["Received (UTC)", "Address", "Kind", "Status", "Diagnostic", "Via"]} />
						<tbody>
							{bounces.bounces.map((b) => (
								<tr>
									<td>{shortTime(b.at)}</td>
									<th scope="row">{b.email}</th>
									<td>{b.kind}</td>
									<td>{b.status ?? ""}</td>
									<td>{b.diagnostic ?? b.feedbackType ?? ""}</td>
									<td>{b.source}</td>
								</tr>
							))}
						</tbody>
					</table>
				</div>
			) : null}
		</section>
	</AdminLayout>
);
