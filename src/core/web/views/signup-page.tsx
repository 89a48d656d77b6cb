/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FC } from "hono/jsx";
import { type Paper, seedSource } from "../../papers/paper.ts";
import { KeywordsField, LivePreview } from "./keywords-field.tsx";
import { Layout } from "./layout.tsx";
import { PaperList } from "./paper-list.tsx";

export interface SignupValues {
	email: string;
	keywords: string;
}

export const SignupPage: FC<{
	values: SignupValues;
	errors: Record<string, string>;
	stamp: string;
	papers: readonly Paper[];
	notice?: string;
}> = ({ values, errors, stamp, papers, notice }) => (
	<Layout title="paperboy" script error={Object.keys(errors).length > 0}>
		<section class="hero">
			<h1>Get trending papers in your email inbox</h1>
			<p class="lead">
				Tell us your topics. Once a week you get one email with the new papers that match them, each with a line saying
				why it is there. No account, no password: every email has a link to change your topics or leave.
			</p>
		</section>
		<section class="card">
			<form method="post" action="/subscribe" class="signup" novalidate>
				{notice ? (
					<p class="form-error" role="alert">
						{notice}
					</p>
				) : null}
				{Object.keys(errors).length ? (
					<p class="form-error" role="alert" id="form-errors">
						Please fix the {Object.keys(errors).length === 1 ? "field" : "fields"} marked below.
					</p>
				) : null}
				<div class="field">
					<label for="email">Email address</label>
					<input
						id="email"
						name="email"
						type="email"
						autocomplete="email"
						required
						maxlength={320}
						value={values.email}
						aria-invalid={errors.email ? "true" : undefined}
						aria-describedby={errors.email ? "email-error" : undefined}
						autofocus={errors.email ? true : undefined}
					/>
					{errors.email ? (
						<p class="error" id="email-error">
							{errors.email}
						</p>
					) : null}
				</div>
				<KeywordsField
					value={values.keywords}
					error={errors.keywords}
					focus={Boolean(errors.keywords) && !errors.email}
					rows={3}
					placeholder="state space models, diffusion, retrieval augmented generation"
				/>
				{/* People never see this field; bots that fill every input do. */}
				<div class="hp" aria-hidden="true">
					<label for="website">Leave this empty</label>
					<input id="website" name="website" type="text" tabindex={-1} autocomplete="off" value="" />
				</div>
				<input type="hidden" name="stamp" value={stamp} />
				<button type="submit">Subscribe</button>
				<p class="fineprint">We will email you once to confirm. Nothing else is sent until you do.</p>
			</form>
			<LivePreview />
		</section>
		<RecentPapers papers={papers} />
	</Layout>
);

/** The newest papers; on a fresh install, the example papers, said to be examples. */
const RecentPapers: FC<{ papers: readonly Paper[] }> = ({ papers }) => {
	if (!papers.length) {
		return (
			<section>
				<h2>Recent papers</h2>
				<p>No papers yet. They arrive with the next ingest.</p>
			</section>
		);
	}
	const examples = papers.every((p) => p.source === seedSource);
	return (
		<section>
			<h2>{examples ? "Example papers" : "Recent papers"}</h2>
			{examples ? (
				<p class="help">
					These examples show what a digest holds; they are never sent. New papers arrive with the next daily ingest.
				</p>
			) : null}
			<PaperList papers={papers} />
		</section>
	);
};
