/** @jsxRuntime automatic @jsxImportSource hono/jsx */
import type { FC } from "hono/jsx";
import type { PaperRow } from "../../db/schema.ts";
import { safeHttpUrl } from "../../mail/template.ts";
import { authorLine, snippet } from "../../papers/format.ts";

export const PaperList: FC<{ papers: readonly PaperRow[] }> = ({ papers }) => (
	<ol class="papers">
		{papers.map((p) => (
			<li>
				<h3>{safeHttpUrl(p.abs_url) ? <a href={safeHttpUrl(p.abs_url)}>{p.title}</a> : p.title}</h3>
				<p class="meta">
					{authorLine(p.authors)}
					{p.upvotes > 0 ? <span class="upvotes"> · ▲ {p.upvotes}</span> : null}
				</p>
				<p class="snippet">{snippet(p.abstract)}</p>
			</li>
		))}
	</ol>
);
