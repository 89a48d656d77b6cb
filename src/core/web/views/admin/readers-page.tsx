/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FC } from "hono/jsx";
import type { readerFile } from "../../../admin/reader-file.ts";
import type { Reader } from "../../../subscriptions/reader.ts";
import { AdminLayout, Columns, PostButton, shortTime } from "./admin-layout.tsx";

type ReaderFile = Awaited<ReturnType<typeof readerFile>>;

const FileCard: FC<{ file: ReaderFile; csrf: string }> = ({ file: { reader, suppression, deliveries }, csrf }) => (
	<section class="card" id="reader">
		<h2>{reader.email}</h2>
		<dl class="facts">
			<dt>Status</dt>
			<dd id="reader-status">{reader.status}</dd>
			<dt>Suppressed</dt>
			<dd id="reader-suppressed">
				{suppression
					? `${suppression.reason} since ${shortTime(suppression.at)}${suppression.detail ? ` (${suppression.detail})` : ""}`
					: "no"}
			</dd>
			<dt>Topics</dt>
			<dd>{reader.keywords.join(", ")}</dd>
			<dt>Frequency</dt>
			<dd>{reader.frequency}</dd>
			<dt>Signed up</dt>
			<dd>
				{shortTime(reader.consent.at)} from {reader.consent.ip ?? "unknown address"} (
				{reader.consent.userAgent ?? "no user agent"}), form {reader.consent.formVersion}, via {reader.consent.source}
			</dd>
			<dt>Confirmed</dt>
			<dd>
				{reader.confirmedAt
					? `${shortTime(reader.confirmedAt)} from ${reader.confirmedIp ?? "unknown address"} (${reader.confirmedUserAgent ?? "no user agent"})`
					: "not yet"}
			</dd>
			{reader.unsubscribedAt ? (
				<>
					<dt>Unsubscribed</dt>
					<dd>{shortTime(reader.unsubscribedAt)}</dd>
				</>
			) : null}
		</dl>
		<p class="actions">
			{suppression ? (
				<PostButton
					action="/admin/readers"
					csrf={csrf}
					fields={{ email: reader.email, action: "allow" }}
					label="Allow again"
				/>
			) : (
				<PostButton
					action="/admin/readers"
					csrf={csrf}
					fields={{ email: reader.email, action: "suppress" }}
					label="Suppress"
				/>
			)}
			{reader.status === "pending" && !suppression ? (
				<PostButton
					action="/admin/readers"
					csrf={csrf}
					fields={{ email: reader.email, action: "resend-confirmation" }}
					label="Resend confirmation"
				/>
			) : null}
			<PostButton
				action="/admin/readers"
				csrf={csrf}
				fields={{ email: reader.email, action: "forget" }}
				label="Forget this reader"
				danger
			/>
		</p>
		<h3>Digest history</h3>
		{deliveries.length ? (
			<table id="history">
				<Columns names={["Period", "Status", "Papers", "Sent (UTC)", "Note"]} />
				<tbody>
					{deliveries.map((d) => (
						<tr>
							<th scope="row">{d.period}</th>
							<td>{d.status}</td>
							<td>{d.paperIds.length}</td>
							<td>{shortTime(d.sentAt)}</td>
							<td>{d.lastError ?? ""}</td>
						</tr>
					))}
				</tbody>
			</table>
		) : (
			<p>No digest planned yet.</p>
		)}
	</section>
);

export const ReadersPage: FC<{
	query: string;
	matches: readonly Reader[];
	file?: ReaderFile;
	csrf: string;
	notice?: string;
}> = ({ query, matches, file, csrf, notice }) => (
	<AdminLayout title="Readers" path="/admin/readers" csrf={csrf} notice={notice}>
		<section class="card">
			<form method="get" action="/admin/readers">
				<div class="field">
					<label for="q">Address (or its beginning)</label>
					<input type="text" id="q" name="q" value={query} autocomplete="off" />
				</div>
				<button type="submit">Find</button>
			</form>
			{query && !file ? (
				matches.length ? (
					<ul id="matches">
						{matches.map((r) => (
							<li>
								<a href={`/admin/readers?q=${encodeURIComponent(r.email)}`}>{r.email}</a> ({r.status})
							</li>
						))}
					</ul>
				) : (
					<p id="matches">No reader's address starts with that.</p>
				)
			) : null}
		</section>
		{file ? <FileCard file={file} csrf={csrf} /> : null}
	</AdminLayout>
);
