/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { Child, FC } from "hono/jsx";
import { maxUploadBytes } from "../../recommend/manage-profile.ts";
import type { VotedPaper } from "../../recommend/votes.ts";
import type { ReaderStatus } from "../../subscriptions/reader.ts";
import { KeywordsField, LivePreview } from "./keywords-field.tsx";
import { Layout } from "./layout.tsx";

const statusText: Record<ReaderStatus, string> = {
	pending: "Waiting for you to confirm by email",
	active: "Active",
	paused: "Paused: no digests until you resume",
	unsubscribed: "Unsubscribed: you get no email from us",
};

export interface ManageValues {
	keywords: string;
	frequency: string;
	paused: boolean;
}

export interface ProfileValues {
	papers: readonly VotedPaper[];
	/** What the reader pasted, kept when it could not be used. */
	text: string;
	error?: string | undefined;
	/** What was wrong with the uploaded file. */
	fileError?: string | undefined;
	notice?: string;
}

/** The papers "Close to papers you liked" learns from: list, remove, clear, add. */
const ProfileCard: FC<{ base: string; csrf: string; profile: ProfileValues }> = ({ base, csrf, profile }) => (
	<section class="card" id="profile">
		<h2>Papers you liked</h2>
		<p>
			Each digest has a section "Close to papers you liked": new papers none of your topics matched, close to the papers
			below. 👍 in a digest adds a paper; 👎 pushes papers like it down and out.
		</p>
		{profile.notice ? (
			<p class="notice" role="status">
				{profile.notice}
			</p>
		) : null}
		{profile.papers.length ? (
			<>
				<ul class="profile-list">
					{profile.papers.map((p) => (
						<li>
							<span class="vote">{p.vote === "like" ? "👍" : "👎"}</span> {p.title}
							{p.source === "added" ? <span class="fineprint"> (added)</span> : null}
							<form method="post" action={`${base}/profile/remove`} class="inline">
								<input type="hidden" name="csrf" value={csrf} />
								<input type="hidden" name="paper" value={p.paperId} />
								<button type="submit" class="link" aria-label={`Remove ${p.title}`}>
									Remove
								</button>
							</form>
						</li>
					))}
				</ul>
				<form method="post" action={`${base}/profile/clear`} class="inline">
					<input type="hidden" name="csrf" value={csrf} />
					<button type="submit">Clear all</button>
				</form>
			</>
		) : (
			<p id="profile-empty">No papers yet.</p>
		)}
		<form method="post" action={`${base}/profile/add`} class="manage" enctype="multipart/form-data" novalidate>
			<input type="hidden" name="csrf" value={csrf} />
			<div class="field">
				<label for="papers">Add papers you liked: arXiv ids, arxiv.org links or BibTeX entries</label>
				<textarea id="papers" name="papers" rows={3} aria-describedby={profile.error ? "papers-error" : undefined}>
					{profile.text}
				</textarea>
				{profile.error ? (
					<p class="error" id="papers-error">
						{profile.error}
					</p>
				) : null}
			</div>
			<div class="field">
				<label for="file">Or upload a BibTeX file or a list of arXiv ids (at most {maxUploadBytes / 1024} KB)</label>
				<input
					type="file"
					id="file"
					name="file"
					accept=".bib,.bibtex,.txt,text/plain,text/x-bibtex,application/x-bibtex"
					aria-describedby={profile.fileError ? "file-error" : undefined}
				/>
				{profile.fileError ? (
					<p class="error" id="file-error">
						{profile.fileError}
					</p>
				) : null}
			</div>
			<button type="submit">Add papers</button>
		</form>
	</section>
);

export const ManagePage: FC<{
	token: string;
	unsubscribeToken: string;
	feedToken: string;
	csrf: string;
	email: string;
	status: ReaderStatus;
	values: ManageValues;
	errors: Record<string, string>;
	notice?: string;
	preview?: Child;
	/** What happened in the reader's last periods (sent, nothing matched, paused, …). */
	history?: Child;
	profile: ProfileValues;
}> = ({
	token,
	unsubscribeToken,
	feedToken,
	csrf,
	email,
	status,
	values,
	errors,
	notice,
	preview,
	history,
	profile,
}) => {
	const base = `/manage/${token}`;
	const confirmed = status === "active" || status === "paused";
	return (
		<Layout title="Manage your subscription" script robots="noindex" error={Object.keys(errors).length > 0}>
			<section class="card">
				<h1>Your subscription</h1>
				<dl class="facts">
					<dt>Email</dt>
					<dd>{email}</dd>
					<dt>Status</dt>
					<dd id="status">{statusText[status]}</dd>
				</dl>
				{notice ? (
					<p class="notice" role="status">
						{notice}
					</p>
				) : null}
				{status === "unsubscribed" ? (
					<form method="post" action={`${base}/resubscribe`} class="inline">
						<input type="hidden" name="csrf" value={csrf} />
						<button type="submit">Resubscribe</button>
					</form>
				) : null}
			</section>
			<section class="card">
				<h2>Topics and schedule</h2>
				<form method="post" action={base} class="manage" novalidate>
					<input type="hidden" name="csrf" value={csrf} />
					{errors.form ? (
						<p class="form-error" role="alert">
							{errors.form}
						</p>
					) : null}
					<KeywordsField value={values.keywords} error={errors.keywords} focus={Boolean(errors.keywords)} rows={4} />
					<fieldset class="field">
						<legend>How often</legend>
						<label class="choice">
							<input type="radio" name="frequency" value="weekly" checked={values.frequency !== "daily"} /> Weekly
						</label>
						<label class="choice">
							<input type="radio" name="frequency" value="daily" checked={values.frequency === "daily"} /> Daily
						</label>
						{errors.frequency ? <p class="error">{errors.frequency}</p> : null}
					</fieldset>
					{confirmed ? (
						<div class="field">
							<label class="choice">
								<input type="checkbox" name="paused" value="on" checked={values.paused} /> Pause my digests
							</label>
						</div>
					) : null}
					<button type="submit">Save changes</button>
				</form>
				<LivePreview untilEdited />
			</section>
			{preview ? <section class="card">{preview}</section> : null}
			<ProfileCard base={base} csrf={csrf} profile={profile} />
			{history ? <section class="card">{history}</section> : null}
			<section class="card">
				<h2>Your data</h2>
				<p>
					To download your data (address, topics, consent record and digest history as JSON) or delete it for good, we
					email a link to {email} that works for one hour.
				</p>
				<form method="post" action={`${base}/data-link`} class="inline">
					<input type="hidden" name="csrf" value={csrf} />
					<button type="submit">Email me the link</button>
				</form>
			</section>
			<section class="card">
				<h2>Your links</h2>
				<p>
					Every paperboy email carries a link to this page and one to unsubscribe. If you forwarded an email, or someone
					else may have one of your links, sign them all out: links in emails you already have stop working, this page
					gets a new address, and your next digest carries new links.
				</p>
				<p>
					<a href={`/feed/${feedToken}.xml`} type="application/atom+xml">
						Your papers as a feed
					</a>{" "}
					(Atom): every paper your digests brought you, for a feed reader. The feed link only reads; it cannot change or
					end your subscription. Signing out other links gives it a new address too.
				</p>
				<form method="post" action={`${base}/sign-out`} class="inline">
					<input type="hidden" name="csrf" value={csrf} />
					<button type="submit">Sign out other links</button>
				</form>
			</section>
			{status !== "unsubscribed" ? (
				<p class="leave">
					<a href={`/unsubscribe/${unsubscribeToken}`}>Unsubscribe</a> from all paperboy email.
				</p>
			) : null}
		</Layout>
	);
};
