/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FC } from "hono/jsx";
import type { Delivery } from "../../../digest/delivery.ts";
import { AdminLayout, Columns, PostButton, shortTime } from "./admin-layout.tsx";

export const DeliveriesPage: FC<{
	deliveries: readonly (Delivery & { email: string })[];
	csrf: string;
	notice?: string;
}> = ({ deliveries, csrf, notice }) => (
	<AdminLayout title="Deliveries" path="/admin/deliveries" csrf={csrf} notice={notice}>
		<section class="card">
			<p>Failed deliveries and those waiting for a retry, newest first.</p>
			{deliveries.length ? (
				<div class="scroll">
					<table id="deliveries">
						<Columns names={["Reader", "Period", "State", "Attempts", "Next attempt (UTC)", "Last error"]} action />
						<tbody>
							{deliveries.map((d) => (
								<tr>
									<th scope="row">{d.email}</th>
									<td>{d.period}</td>
									<td>{d.status === "pending" ? "retrying" : d.status}</td>
									<td>{d.attempts}</td>
									<td>{d.status === "pending" ? shortTime(d.nextAttemptAt) : ""}</td>
									<td class="error-text">{d.lastError ?? ""}</td>
									<td>
										<PostButton
											action="/admin/deliveries/retry"
											csrf={csrf}
											fields={{ id: String(d.id) }}
											label="Retry now"
											name={`Retry now: ${d.email}, ${d.period}`}
										/>
									</td>
								</tr>
							))}
						</tbody>
					</table>
				</div>
			) : (
				<p id="deliveries">Nothing failed and nothing is waiting.</p>
			)}
		</section>
	</AdminLayout>
);
