/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FC } from "hono/jsx";
import type { ReaderPreview } from "../../digest/next-digest.ts";
import type { KeywordPreview } from "../../topics/keyword-preview.ts";
import { PaperTitle } from "./paper-list.tsx";

/** The manage page's view of the next digest and of how each topic fares. */
export const DigestPreview: FC<{ next: ReaderPreview; topics: KeywordPreview }> = ({ next, topics }) => (
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
		<h3>Your topics over the last {topics.weeks} weeks</h3>
		<ul class="topic-counts">
			{topics.topics.map((t) => (
				<li>
					{t.reason}
					{t.alsoMatching.length ? ` — also matching: ${t.alsoMatching.join(", ")}` : ""}:{" "}
					{t.count === 0 ? (
						<strong>no paper matched; check the spelling or try a broader topic</strong>
					) : (
						`${t.count} papers`
					)}
				</li>
			))}
		</ul>
	</>
);
