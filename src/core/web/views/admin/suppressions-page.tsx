/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Child, FC } from "hono/jsx";
import type { Suppression, SuppressionReason } from "../../../subscriptions/suppress.ts";
import { AdminLayout, Columns, PostButton, shortTime } from "./admin-layout.tsx";

export const SuppressionsPage: FC<{
	counts: Record<SuppressionReason, number>;
	suppressions: readonly Suppression[];
	csrf: string;
	notice?: string;
	/** Bounce and complaint intake (docs/bounces.md) adds what it received here. */
	intake?: Child;
}> = ({ counts, suppressions, csrf, notice, intake }) => (
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
		{intake}
	</AdminLayout>
);
