/**
 * The papers the relevance labels are about: the 110 seed papers and every paper in the
 * recorded fixtures (Hugging Face Daily Papers, arXiv API, arXiv RSS/Atom), read with the
 * project's own parsers so each paper has the id, title, abstract and authors ingest
 * would store, arXiv categories included (primary first). Papers only Hugging Face or the
 * seed page gave have none.
 *
 *   npx tsx bench/relevance/corpus.ts            one block per paper, for reading
 *   npx tsx bench/relevance/corpus.ts --json     the corpus as JSON
 */
import { readdirSync, readFileSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { isAppError } from "../../src/core/errors.ts";
import { parseArxivFeed } from "../../src/core/papers/sources/arxiv.ts";
import { parseHfDailyPapers } from "../../src/core/papers/sources/hf.ts";
import type { ParsedPayload } from "../../src/core/papers/sources/payload.ts";
import { parseArxivRss } from "../../src/core/papers/sources/rss.ts";
import { readSeedPapers } from "../../src/node/seed.ts";

export interface CorpusPaper {
	/** arXiv id without version, or `seed-…`. */
	id: string;
	title: string;
	abstract: string;
	authors: string[];
	/** arXiv categories, primary first where the payload says which; null when no payload gives any. */
	categories: string[] | null;
	publishedAt: string | null;
	/** The highest Hugging Face upvote count recorded for the paper; 0 when it never came from there. */
	upvotes: number;
	/** Fixture files (relative to test/fixtures/) or "seeds/papers.json" that hold the paper. */
	sources: string[];
}

const root = fileURLToPath(new URL("../../", import.meta.url));
const fixtures = `${root}test/fixtures/`;

interface SourceDir {
	dir: string;
	parse: (text: string) => ParsedPayload;
}

const sourceDirs: SourceDir[] = [
	{ dir: "hf-daily-papers", parse: parseHfDailyPapers },
	{ dir: "arxiv-api", parse: parseArxivFeed },
	{ dir: "arxiv-rss", parse: parseArxivRss },
];

/** A recorded error answer (arXiv's 400 feed) holds no papers; anything else unreadable is a bug here. */
function parseOrEmpty(parse: SourceDir["parse"], text: string): ParsedPayload {
	try {
		return parse(text);
	} catch (error) {
		if (isAppError(error) && error.code === "invalid_input")
			return { papers: [], entries: 1, skipped: 0, unusable: [] };
		throw error;
	}
}

/**
 * Every paper once, in a stable order (seeds first, then fixtures by file name). A paper
 * in several files keeps the first title and abstract, the union of categories and the
 * highest upvote count (the later recording of the same day has more votes).
 */
export function loadCorpus(): CorpusPaper[] {
	const papers = new Map<string, CorpusPaper>();
	const add = (paper: CorpusPaper) => {
		const known = papers.get(paper.id);
		if (!known) {
			papers.set(paper.id, paper);
			return;
		}
		known.upvotes = Math.max(known.upvotes, paper.upvotes);
		known.sources.push(...paper.sources);
		if (paper.categories) known.categories = [...new Set([...(known.categories ?? []), ...paper.categories])];
		if (!known.authors.length) known.authors = paper.authors;
	};
	for (const { id, title, abstract, authors } of readSeedPapers()) {
		add({
			id,
			title,
			abstract,
			authors,
			categories: null,
			publishedAt: null,
			upvotes: 0,
			sources: ["seeds/papers.json"],
		});
	}
	for (const source of sourceDirs) {
		for (const file of readdirSync(`${fixtures}${source.dir}`).sort()) {
			const parsed = parseOrEmpty(source.parse, readFileSync(`${fixtures}${source.dir}/${file}`, "utf8"));
			for (const paper of parsed.papers) {
				add({
					id: paper.id,
					title: paper.title,
					abstract: paper.abstract,
					authors: paper.authors,
					categories: paper.categories.length ? paper.categories : null,
					publishedAt: paper.publishedAt,
					upvotes: paper.upvotes,
					sources: [`${source.dir}/${file}`],
				});
			}
		}
	}
	return [...papers.values()];
}

function readable(paper: CorpusPaper): string {
	return [
		`## ${paper.id}  (${paper.sources.join(", ")})`,
		`title: ${paper.title}`,
		`authors: ${paper.authors.join("; ") || "-"}`,
		`categories: ${paper.categories?.join(" ") ?? "-"}`,
		`upvotes: ${paper.upvotes}`,
		`abstract: ${paper.abstract || "-"}`,
		"",
	].join("\n");
}

if (process.argv[1] && fileURLToPath(import.meta.url) === process.argv[1]) {
	const corpus = loadCorpus();
	if (process.argv.includes("--json")) console.log(JSON.stringify(corpus, null, 2));
	else {
		for (const paper of corpus) console.log(readable(paper));
		console.log(`${corpus.length} papers`);
	}
}
