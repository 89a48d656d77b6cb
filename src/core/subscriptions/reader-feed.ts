/**
 * The reader's private Atom feed (`/feed/TOKEN.xml`): the papers their digests carried,
 * newest digest first. The link has a purpose of its own, `feed`: it reads this and nothing
 * else (docs/decisions/072-a-read-only-feed-link.md). XML is written by fast-xml-parser's
 * builder, which escapes every value.
 */
import { XMLBuilder } from "fast-xml-parser";
import type { Config } from "../config.ts";
import { listSentDigests } from "../db/deliveries.ts";
import { getPapersByIds } from "../db/papers.ts";
import type { Deps } from "../deps.ts";
import { AppError } from "../errors.ts";
import { snippet } from "../papers/format.ts";
import type { Paper } from "../papers/paper.ts";
import { safeUrl } from "../safe-url.ts";
import { findReaderByLink } from "./find-reader.ts";

/** Digests a feed looks back over: at most 20 papers each, so at most 200 entries. */
const feedDigests = 10;

export const feedUrl = (config: Config, token: string) => `${config.baseUrl}/feed/${token}.xml`;

const builder = new XMLBuilder({
	ignoreAttributes: false,
	attributeNamePrefix: "@",
	format: true,
	suppressEmptyNode: true,
});

/** The feed document, or not_found for a link that is not a feed link (of a reader who still exists). */
export async function readerFeed(deps: Pick<Deps, "db" | "clock" | "config">, token: string): Promise<string> {
	const reader = await findReaderByLink(deps, "feed", token);
	if (!reader)
		throw new AppError("not_found", "This feed link is not valid (any more): your manage page has the current one.");
	const digests = await listSentDigests(deps.db, reader.id, feedDigests);
	const papers = new Map(
		(await getPapersByIds(deps.db, [...new Set(digests.flatMap((d) => d.paperIds))])).map((p) => [p.id, p]),
	);
	const seen = new Set<string>();
	const entries = digests.flatMap((digest) =>
		digest.paperIds.flatMap((id) => {
			const paper = papers.get(id);
			// Digests never repeat a paper; should rows ever disagree, a paper is one entry, at its latest digest.
			if (!paper || seen.has(id)) return [];
			seen.add(id);
			return [entryOf(deps.config, paper, digest.sentAt, digest.period)];
		}),
	);
	const self = feedUrl(deps.config, token);
	const doc = {
		"?xml": { "@version": "1.0", "@encoding": "utf-8" },
		feed: {
			"@xmlns": "http://www.w3.org/2005/Atom",
			title: "paperboy: your papers",
			subtitle: "The papers your paperboy digests brought you",
			id: tagUri(deps.config, `feed:${reader.id}`),
			updated: digests[0]?.sentAt || reader.createdAt,
			link: [
				{ "@rel": "self", "@type": "application/atom+xml", "@href": self },
				{ "@rel": "alternate", "@type": "text/html", "@href": deps.config.baseUrl },
			],
			author: { name: "paperboy" },
			generator: "paperboy",
			entry: entries,
		},
	};
	return builder.build(doc) as string;
}

/** RFC 4151 ids: stable whatever the feed's address (links get signed out; entries stay the same). */
const tagUri = (config: Config, what: string) => `tag:${new URL(config.baseUrl).hostname},2026:${what}`;

function entryOf(config: Config, paper: Paper, sentAt: string, period: string) {
	const link = safeUrl(paper.absUrl) ?? `https://arxiv.org/abs/${encodeURIComponent(paper.id)}`;
	return {
		title: paper.title,
		// One entry per paper: a reader's feed never holds a paper twice.
		id: tagUri(config, `paper:${encodeURIComponent(paper.id)}`),
		link: { "@rel": "alternate", "@href": link },
		updated: sentAt,
		...(paper.publishedAt ? { published: paper.publishedAt } : {}),
		author: paper.authors.slice(0, 10).map((name) => ({ name })),
		category: paper.categories.map((term) => ({ "@term": term })),
		summary: snippet(paper.abstract, 600),
		content: { "@type": "text", "#text": `In your digest of ${period.replace(/^\w+:/, "")}.` },
	};
}
