/**
 * arXiv's announcement feeds (https://rss.arxiv.org/rss/cs.LG, /atom/cs.LG, 2024+ format):
 * one item per announced paper. `new` and `cross` (cross-listed) items are papers announced
 * today; `replace` and `replace-cross` are new versions of papers announced before, so they
 * are skipped. The abstract sits in the description after "arXiv:ID Announce Type: X Abstract:".
 */
import * as z from "zod";
import { splitAuthorList } from "../normalise.ts";
import { arxivPaper } from "./arxiv.ts";
import { defineSource, singlePayload } from "./paper-source.ts";
import { collectPapers, type EntryReading, invalidPayload, type ParsedPayload, parseShape } from "./payload.ts";
import { atomNamespace, expectRoot, parseXmlDocument, xmlAttribute, xmlText } from "./xml.ts";

export const arxivRssUrl = (categories: string) => `https://rss.arxiv.org/rss/${categories}`;

const keptAnnouncements = new Set(["new", "cross"]);
const descriptionHeader = /^\s*arXiv:\S+\s+Announce Type:\s*([\w-]+)\s*(?:Abstract:\s*)?/i;

const creators = z.union([xmlText, z.array(xmlText)]).transform((value) => (Array.isArray(value) ? value : [value]));
const announcement = {
	title: xmlText,
	"arxiv:announce_type": xmlText.optional(),
	"dc:creator": creators.default([]),
};

const rssSchema = z.object({
	channel: z.object({
		item: z
			.array(
				z.object({
					...announcement,
					link: xmlText,
					description: xmlText,
					guid: xmlText.optional(),
					pubDate: xmlText.optional(),
					category: z.array(xmlText).default([]),
				}),
			)
			.default([]),
	}),
});

const atomSchema = z.object({
	entry: z
		.array(
			z.object({
				...announcement,
				id: xmlText,
				summary: xmlText,
				published: xmlText.optional(),
				link: z.array(z.object({ "@_href": xmlAttribute })).default([]),
				category: z.array(z.object({ "@_term": xmlAttribute })).default([]),
			}),
		)
		.default([]),
});

interface Announcement {
	rawId: string;
	title: string;
	description: string;
	type: string | undefined;
	creators: string[];
	/** In the feed's order: the primary category first. */
	categories: string[];
	published: string | undefined;
}

function readAnnouncement(item: Announcement): EntryReading {
	const header = descriptionHeader.exec(item.description);
	// Feeds before announce types existed listed only new papers.
	const type = (item.type ?? header?.[1])?.trim().toLowerCase();
	if (type && !keptAnnouncements.has(type)) return { skip: true };
	return {
		rawId: item.rawId,
		paper: (id) =>
			arxivPaper(id, {
				title: item.title,
				abstract: header ? item.description.slice(header[0].length) : item.description,
				authors: item.creators.flatMap(splitAuthorList),
				primaryCategory: undefined,
				categories: item.categories,
				published: item.published,
			}),
	};
}

/** An arXiv RSS 2.0 or Atom announcement feed. */
export function parseArxivRss(text: string): ParsedPayload {
	const doc = parseXmlDocument(text);
	if (doc.rootName === "rss") {
		const { channel } = parseShape(rssSchema, doc.root, "the RSS feed");
		return collectPapers(channel.item, (item) =>
			readAnnouncement({
				rawId: item.guid ?? item.link,
				title: item.title,
				description: item.description,
				type: item["arxiv:announce_type"],
				creators: item["dc:creator"],
				categories: item.category,
				published: item.pubDate,
			}),
		);
	}
	if (doc.rootName === "feed") {
		expectRoot(doc, "feed", atomNamespace, "an arXiv Atom feed");
		const feed = parseShape(atomSchema, doc.root, "the Atom feed");
		return collectPapers(feed.entry, (entry) =>
			readAnnouncement({
				rawId: entry.id,
				title: entry.title,
				description: entry.summary,
				type: entry["arxiv:announce_type"],
				creators: entry["dc:creator"],
				categories: entry.category.map((category) => category["@_term"]),
				published: entry.published,
			}),
		);
	}
	throw invalidPayload(`expected an arXiv RSS 2.0 (<rss>) or Atom (<feed>) feed, found <${doc.rootName}>`);
}

export const rssSource = defineSource({
	name: "rss",
	title: "arXiv RSS",
	accept: "application/rss+xml, application/atom+xml",
	settings: { RSS_CATEGORIES: z.string().default("cs.LG+cs.CL+cs.AI+cs.CV") },
	parse: parseArxivRss,
	flags: {
		category: {
			usage: "[--category cs.LG]",
			schema: z
				.string()
				.regex(
					/^[a-z-]+(\.[A-Za-z-]+)?(\+[a-z-]+(\.[A-Za-z-]+)?)*$/,
					"expected arXiv categories, e.g. cs.LG or cs.LG+stat.ML",
				),
		},
	},
	request: (flags, settings): { category: string } => ({ category: flags.category ?? settings.RSS_CATEGORIES }),
	scheduled: (settings) => [{ category: settings.RSS_CATEGORIES }],
	ingest: singlePayload((request) => arxivRssUrl(request.category), parseArxivRss),
});
