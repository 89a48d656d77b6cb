import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { listPaperStatsAddedBetween, matchPaperNums } from "../../../src/core/db/papers.ts";
import { topicQuery, topicTitleQuery } from "../../../src/core/topics/fts.ts";
import { TopicMatcher } from "../../../src/core/topics/match.ts";
import { type ParsedKeywords, parseKeywords } from "../../../src/core/topics/parse.ts";
import { hours } from "../../helpers/clock.ts";
import { addPapers, paper } from "../../helpers/readers.ts";
import { createTestRuntime, type TestRuntime } from "../../helpers/runtime.ts";

/**
 * The matcher ranks with bitsets over the range's papers in rank order. This checks it
 * against the plain way, written out here: one FTS5 query per topic with the exclusions
 * folded in, then a sort of every hit by (keywords matched, title match, upvotes,
 * recency, num), on many random keyword lists, windows, limits and exclusions.
 */

let rt: TestRuntime;
const words = ["diffusion", "state", "space", "models", "graph", "neural", "networks", "agents", "survey", "retrieval"];
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
				});
			}),
		);
	}
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
	const found = new Map<number, { num: number; matched: string[]; inTitle: boolean }>();
	for (const topic of keywords.topics) {
		const all = await matchPaperNums(rt.deps.db, topicQuery(topic, keywords.globalNoneOf), range.from, range.to);
		const titled = new Set(await matchPaperNums(rt.deps.db, topicTitleQuery(topic), range.from, range.to));
		for (const num of all) {
			const stat = stats.get(num);
			if (!stat || stat.addedAt < options.from || stat.addedAt >= options.to || options.exclude?.has(num)) continue;
			const entry = found.get(num) ?? { num, matched: [], inTitle: false };
			found.set(num, entry);
			entry.matched.push(topic.label);
			if (titled.has(num)) entry.inTitle = true;
		}
	}
	const order = (n: number) => stats.get(n) ?? { upvotes: 0, recency: "" };
	return [...found.values()]
		.sort((a, b) => {
			const sa = order(a.num);
			const sb = order(b.num);
			return (
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
				if (r < 0.5) return pick();
				if (r < 0.75) return `${pick()} ${pick()}`;
				if (r < 0.85) return `${pick()} OR ${pick()}`;
				if (r < 0.92) return `${pick()} -${pick()}`;
				return `-${pick()}`;
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
