import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { getPapersByNums, listPaperStatsAddedBetween, matchPaperNums } from "../../../src/core/db/papers.ts";
import { authorKeys, authorNameMatches } from "../../../src/core/papers/author-names.ts";
import type { Paper } from "../../../src/core/papers/paper.ts";
import { phrasesQuery, topicQuery, topicTitleQuery } from "../../../src/core/topics/fts.ts";
import { TopicMatcher } from "../../../src/core/topics/match.ts";
import { type CategoryFilter, type ParsedKeywords, parseKeywords } from "../../../src/core/topics/parse.ts";
import { hours } from "../../helpers/clock.ts";
import { addPapers, paper } from "../../helpers/readers.ts";
import { createTestRuntime, type TestRuntime } from "../../helpers/runtime.ts";

/**
 * The matcher ranks with bitsets over the range's papers in rank order. This checks it
 * against the plain way, written out here: one FTS5 query per topic with the exclusions
 * folded in, author and category topics checked paper by paper, then a sort of every hit
 * by (an author topic matched, keywords matched, title match, upvotes, recency, num), on
 * many random keyword lists (words, phrases, OR, exclusions, authors, categories),
 * windows, limits and exclusions.
 */

let rt: TestRuntime;
const words = ["diffusion", "state", "space", "models", "graph", "neural", "networks", "agents", "survey", "retrieval"];
const authors = ["Albert Gu", "A. Gu", "Tri Dao", "Hongsheng Li", "Heng Li", "Yong-Lu Li", "Karan Goel"];
const askedAuthors = ['"Albert Gu"', "Gu", '"H. Li"', "Li", '"Tri Dao"', "Goel"];
const categories = ["cs.LG", "cs.CL", "cs.CV", "stat.ML", "astro-ph.GA"];
const askedCategories = ["cs.LG", "cs.*", "stat.ML", "astro-ph.GA", "cs.CV"];
let byNum: Map<number, Paper>;
const start = "2026-11-23T08:00:00.000Z";

function random(seed: number) {
	let a = seed;
	return () => {
		a = (a + 0x6d2b79f5) >>> 0;
		let t = Math.imul(a ^ (a >>> 15), a | 1);
		t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
		return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
	};
}

beforeAll(async () => {
	rt = await createTestRuntime();
	const next = random(7);
	const pick = () => words[Math.floor(next() * words.length)] as string;
	// Four batches an hour apart (one added_at each, as ingest writes them), with ties in upvotes.
	for (let batch = 0; batch < 4; batch++) {
		rt.clock.advance(hours(1));
		await addPapers(
			rt,
			Array.from({ length: 40 }, (_, i) => {
				const title = Array.from({ length: 4 }, pick).join(" ");
				const abstract = Array.from({ length: 30 }, pick).join(" ");
				return paper(`2611.${batch}${String(i).padStart(3, "0")}`, title, abstract, {
					upvotes: Math.floor(next() * 4),
					publishedAt: next() < 0.5 ? null : `2026-11-${10 + Math.floor(next() * 10)}T00:00:00.000Z`,
					authors: authors.filter(() => next() < 0.2),
					categories: categories.filter(() => next() < 0.3),
				});
			}),
		);
	}
	const nums = (await listPaperStatsAddedBetween(rt.deps.db, start, "2100-01-01T00:00:00.000Z")).map((r) => r.num);
	byNum = new Map((await getPapersByNums(rt.deps.db, nums)).map((p) => [p.num, p]));
});
afterAll(() => rt.dispose());

async function reference(
	keywords: ParsedKeywords,
	range: { from: string; to: string },
	options: { from: string; to: string; limit: number; exclude?: ReadonlySet<number> },
) {
	const stats = new Map(
		(await listPaperStatsAddedBetween(rt.deps.db, range.from, range.to)).map((r) => [
			r.num,
			{ upvotes: r.upvotes, addedAt: r.addedAt, recency: r.publishedAt ?? r.addedAt },
		]),
	);
	const found = new Map<number, { num: number; matched: string[]; inTitle: boolean; byAuthor: boolean }>();
	const excluded = keywords.globalNoneOf.length
		? new Set(await matchPaperNums(rt.deps.db, phrasesQuery(keywords.globalNoneOf), range.from, range.to))
		: new Set<number>();
	for (const topic of keywords.topics) {
		const text = topic.anyOf.length
			? await matchPaperNums(rt.deps.db, topicQuery(topic, keywords.globalNoneOf), range.from, range.to)
			: [...stats.keys()].filter((num) => !excluded.has(num));
		const without = topic.noneOf.length
			? new Set(await matchPaperNums(rt.deps.db, phrasesQuery(topic.noneOf), range.from, range.to))
			: new Set<number>();
		const titled = topic.anyOf.length
			? new Set(await matchPaperNums(rt.deps.db, topicTitleQuery(topic), range.from, range.to))
			: new Set<number>();
		for (const num of text) {
			const stat = stats.get(num);
			const p = byNum.get(num);
			if (!stat || !p || stat.addedAt < options.from || stat.addedAt >= options.to || options.exclude?.has(num))
				continue;
			if (without.has(num)) continue;
			const keys = authorKeys(p.authors);
			if (topic.authors.length && !topic.authors.some((a) => keys.some((k) => authorNameMatches(a.key, k)))) continue;
			const filed = p.categories.map((c) => c.toLowerCase());
			const inCategory = (c: CategoryFilter) =>
				filed.some((f) => (c.archive ? f.startsWith(c.category) : f === c.category));
			if (topic.categories.length && !topic.categories.some(inCategory)) continue;
			const entry = found.get(num) ?? { num, matched: [], inTitle: false, byAuthor: false };
			found.set(num, entry);
			entry.matched.push(topic.reason);
			if (titled.has(num)) entry.inTitle = true;
			if (topic.authors.length) entry.byAuthor = true;
		}
	}
	const order = (n: number) => stats.get(n) ?? { upvotes: 0, recency: "" };
	return [...found.values()]
		.sort((a, b) => {
			const sa = order(a.num);
			const sb = order(b.num);
			return (
				Number(b.byAuthor) - Number(a.byAuthor) ||
				b.matched.length - a.matched.length ||
				Number(b.inTitle) - Number(a.inTitle) ||
				sb.upvotes - sa.upvotes ||
				(sb.recency > sa.recency ? 1 : sb.recency < sa.recency ? -1 : 0) ||
				a.num - b.num
			);
		})
		.slice(0, options.limit);
}

describe("ranking readers", () => {
	it("gives the same papers, in the same order, as sorting every hit", async () => {
		const next = random(11);
		const pick = () => words[Math.floor(next() * words.length)] as string;
		const at = (h: number) => new Date(Date.parse(start) + hours(h)).toISOString();
		const range = { from: at(0), to: at(6) };
		const matcher = new TopicMatcher(rt.deps.db, range.from, range.to);
		const seedNums = (await listPaperStatsAddedBetween(rt.deps.db, range.from, range.to)).map((r) => r.num);
		for (let reader = 0; reader < 300; reader++) {
			const keywords = Array.from({ length: 1 + Math.floor(next() * 5) }, () => {
				const r = next();
				if (r < 0.4) return pick();
				if (r < 0.6) return `${pick()} ${pick()}`;
				if (r < 0.68) return `${pick()} OR ${pick()}`;
				if (r < 0.74) return `${pick()} -${pick()}`;
				if (r < 0.8) return `-${pick()}`;
				if (r < 0.86) return `author:${askedAuthors[Math.floor(next() * askedAuthors.length)]}`;
				if (r < 0.92) return `cat:${askedCategories[Math.floor(next() * askedCategories.length)]}`;
				if (r < 0.96) return `cat:${askedCategories[Math.floor(next() * askedCategories.length)]} ${pick()}`;
				return `author:${askedAuthors[Math.floor(next() * askedAuthors.length)]} -${pick()}`;
			});
			const parsed = parseKeywords([...new Set(keywords)]);
			const narrow = next() < 0.4;
			const options = {
				from: narrow ? at(1 + Math.floor(next() * 3)) : range.from,
				to: narrow ? at(3 + Math.floor(next() * 3)) : range.to,
				limit: next() < 0.2 ? 1000 : 1 + Math.floor(next() * 20),
				...(next() < 0.1 ? { exclude: new Set(seedNums.filter(() => next() < 0.2)) } : {}),
			};
			const expected = await reference(parsed, range, options);
			expect(await matcher.rank(parsed, options), JSON.stringify({ keywords, options })).toEqual(expected);
		}
	});
});
