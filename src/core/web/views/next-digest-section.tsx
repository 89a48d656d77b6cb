/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FC } from "hono/jsx";
import type { ReaderPreview } from "../../digest/next-digest.ts";
import type { ReaderStatus } from "../../subscriptions/reader.ts";
import type { KeywordPreview } from "../../topics/keyword-preview.ts";
import { PaperTitle } from "./paper-list.tsx";

/**
 * The manage page's view of the next digest and of how each topic fares. A paused or
 * unsubscribed reader gets no next digest, and the page says so rather than show one.
 */
export const DigestPreview: FC<{ next: ReaderPreview; topics: KeywordPreview; status: ReaderStatus }> = ({
	next,
	topics,
	status,
}) => (
	<>
		{status === "paused" ? (
			<>
				<h2>Your digests are paused</h2>
				<p id="next-digest">
					Nothing is sent while they are paused. To resume, untick “Pause my digests” and save: the next digest then
					brings the papers that matched since your last one.
				</p>
			</>
		) : status === "unsubscribed" ? null : (
			<NextDigest next={next} />
		)}
		<h3>Your topics over the last {topics.weeks} weeks</h3>
		<ul class="topic-counts">
			{topics.topics.map((t) => (
				<li>
					{t.reason}
					{t.alsoMatching.length ? ` — also matching: ${t.alsoMatching.join(", ")}` : ""}:{" "}
					{t.count === 0 ? <strong>{t.note}</strong> : `${t.count} paper${t.count === 1 ? "" : "s"}`}
				</li>
			))}
		</ul>
	</>
);

const NextDigest: FC<{ next: ReaderPreview }> = ({ next }) => (
	<>
		<h2>Your next digest</h2>
		{next.digest ? (
			<>
				<p>
					If it went out now: <strong>{next.digest.rendered.subject}</strong>
				</p>
				<ol class="papers" id="next-digest">
					{next.digest.papers.map(({ paper, matched }) => (
						<li>
							<h3>
								<PaperTitle paper={paper} />
							</h3>
							<p class="matched">Matched: {matched.join(", ")}</p>
						</li>
					))}
				</ol>
			</>
		) : (
			<p id="next-digest">
				No new papers match your topics since your last digest yet. We only write when there is something to read.
			</p>
		)}
	</>
);
