/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FC } from "hono/jsx";
import { authorLine, snippet } from "../../papers/format.ts";
import { type Paper, seedSource } from "../../papers/paper.ts";
import { safeUrl } from "../../safe-url.ts";

/** A paper's title, linked to its arXiv page when it has a safe one. */
export const PaperTitle: FC<{ paper: Paper }> = ({ paper }) => {
	const url = safeUrl(paper.absUrl);
	return url ? <a href={url}>{paper.title}</a> : paper.title;
};

export const PaperList: FC<{ papers: readonly Paper[] }> = ({ papers }) => (
	<ol class="papers">
		{papers.map((p) => (
			<li>
				<h3>
					<PaperTitle paper={p} />
				</h3>
				<p class="meta">
					{p.source === seedSource ? <span class="example">Example · </span> : null}
					{authorLine(p.authors)}
					{p.upvotes > 0 ? <span class="upvotes"> · ▲ {p.upvotes}</span> : null}
				</p>
				<p class="snippet">{snippet(p.abstract)}</p>
			</li>
		))}
	</ol>
);
