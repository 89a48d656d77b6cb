/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FC } from "hono/jsx";
import { authorLine, snippet } from "../../papers/format.ts";
import type { Paper } from "../../papers/paper.ts";
import type { Vote } from "../../recommend/profile.ts";
import { MessagePage } from "./layout.tsx";

type Choice = Vote | "none";

const label: Record<Choice, string> = { like: "👍 More like this", dislike: "👎 Less like this", none: "Undo my vote" };

/** What a vote will do, said before and after it is recorded. */
const effect: Record<Choice, string> = {
	like: 'From your next digest on, a separate section "Close to papers you liked" brings new papers close to this one, even when none of your topics matches them.',
	dislike:
		'New papers close to this one rank lower in "Close to papers you liked" and drop out of it. Your topics stay as they are: papers they match still come.',
	none: "This paper no longer counts toward your recommendations.",
};

const PaperSummary: FC<{ paper: Paper }> = ({ paper }) => (
	<section class="paper" aria-label="The paper">
		<p class="paper-title">
			<strong>{paper.title}</strong>
		</p>
		{paper.authors.length ? <p class="fineprint">{authorLine(paper.authors)}</p> : null}
		<p>{snippet(paper.abstract)}</p>
	</section>
);

const VoteButton: FC<{ token: string; paper: Paper; vote: Choice }> = ({ token, paper, vote }) => (
	<form method="post" action={`/feedback/${token}`}>
		<input type="hidden" name="paper" value={paper.id} />
		<input type="hidden" name="vote" value={vote} />
		<button type="submit">{label[vote]}</button>
	</form>
);

const currentVote = (vote: Vote | null) =>
	vote ? <p id="current-vote">You marked this paper {vote === "like" ? "👍" : "👎"}.</p> : null;

/**
 * What a 👍 / 👎 link in a digest opens: the paper and one button. A GET records nothing
 * (mail scanners follow links); the button does.
 */
export const FeedbackPage: FC<{ token: string; paper: Paper; vote: Vote; current: Vote | null }> = ({
	token,
	paper,
	vote,
	current,
}) => (
	<MessagePage title={vote === "like" ? "More like this?" : "Less like this?"}>
		<PaperSummary paper={paper} />
		{currentVote(current)}
		<p>{effect[vote]}</p>
		<VoteButton token={token} paper={paper} vote={vote} />
	</MessagePage>
);

/** After the button: what was recorded, what changes, and how to change or undo it. */
export const VotedPage: FC<{ token: string; paper: Paper; vote: Vote | null }> = ({ token, paper, vote }) => (
	<MessagePage title={vote ? "Vote recorded" : "Vote undone"}>
		<PaperSummary paper={paper} />
		<p id="recorded">
			{vote ? `Recorded: ${vote === "like" ? "👍 more like this" : "👎 less like this"}.` : "Your vote is undone."}
		</p>
		<p>{effect[vote ?? "none"]}</p>
		<div class="actions">
			{vote !== "like" ? <VoteButton token={token} paper={paper} vote="like" /> : null}
			{vote !== "dislike" ? <VoteButton token={token} paper={paper} vote="dislike" /> : null}
			{vote ? <VoteButton token={token} paper={paper} vote="none" /> : null}
		</div>
		<p class="fineprint">Your subscription page (the link at the foot of each digest) lists every paper you liked.</p>
	</MessagePage>
);
