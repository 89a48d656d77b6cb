import { afterEach, describe, expect, it } from "vitest";
import { countPapers } from "../../../src/core/db/papers.ts";
import type { Db } from "../../../src/core/db/schema.ts";
import type { Fetch } from "../../../src/core/papers/fetch-source.ts";
import { ingest, ingestIfStale, ingestScheduled } from "../../../src/core/papers/ingest.ts";
import { hours, seconds } from "../../helpers/clock.ts";
import { appErrorOf, fixtures, rawHfItems, readFixture } from "../../helpers/paper-fixtures.ts";
import { createTestRuntime, type TestRuntime } from "../../helpers/runtime.ts";

/** The stored rows, as the table holds them. */
const paperRows = (db: Db, ids: string[]) => db.selectFrom("papers").selectAll().where("id", "in", ids).execute();

let runtimes: TestRuntime[] = [];
afterEach(async () => {
	await Promise.all(runtimes.map((r) => r.dispose()));
	runtimes = [];
});

async function fresh(env: Record<string, string> = {}) {
	const runtime = await createTestRuntime(env, { papers: "none" });
	runtimes.push(runtime);
	return runtime;
}

/** A network made of recorded payloads: `answer` picks one per URL. Records every request and when. */
function recordedNetwork(runtime: TestRuntime, answer: (url: URL) => Response) {
	const requests: { url: URL; at: number }[] = [];
	const fetch: Fetch = async (url) => {
		const parsed = new URL(url);
		requests.push({ url: parsed, at: runtime.clock.now().getTime() });
		return answer(parsed);
	};
	return { fetch, requests };
}

const payload = (name: string) => ({ text: readFixture(name), origin: name });
const body = (name: string, status = 200) => new Response(readFixture(name), { status });

describe("ingest from saved payloads", () => {
	it("merges the two snapshots of 2026-06-12: each id once, higher upvotes win, first-seen time kept", async () => {
		const r = await fresh();
		const first = await ingest(r.deps, { source: "hf", payload: payload(fixtures.hfDate0612) });
		const firstSeen = r.clock.now().toISOString();
		r.clock.advance(hours(5));
		const second = await ingest(r.deps, { source: "hf", payload: payload(fixtures.hfLatest0612) });

		const ids = new Set(
			[...rawHfItems(fixtures.hfDate0612), ...rawHfItems(fixtures.hfLatest0612)].map((i) => i.paper.id),
		);
		expect(ids.size).toBe(44);
		expect(await countPapers(r.deps.db)).toBe(44);
		expect(first).toEqual({ source: "hf", fetched: 35, new: 35, updated: 0, skipped: 0, errors: 0 });
		expect(second).toEqual({ source: "hf", fetched: 30, new: 9, updated: 21, skipped: 0, errors: 0 });

		const [robust] = await paperRows(r.deps.db, ["2606.08063"]);
		expect(robust?.upvotes).toBe(74);
		expect(robust?.added_at).toBe(firstSeen);
		expect(robust?.updated_at).toBe(r.clock.now().toISOString());
	});

	it("keeps the higher upvotes when the later snapshot arrives first", async () => {
		const r = await fresh();
		await ingest(r.deps, { source: "hf", payload: payload(fixtures.hfLatest0612) });
		await ingest(r.deps, { source: "hf", payload: payload(fixtures.hfDate0612) });
		const [robust, evo] = await paperRows(r.deps.db, ["2606.08063", "2606.13681"]).then((rows) =>
			rows.sort((a, b) => a.id.localeCompare(b.id)),
		);
		expect(robust?.upvotes).toBe(74);
		expect(evo?.upvotes).toBe(118);
	});

	it("a rerun of every fixture changes no count", async () => {
		const r = await fresh();
		const all = [
			["hf", fixtures.hf2024],
			["hf", fixtures.hfDate0612],
			["hf", fixtures.hfLatest0612],
			["hf", fixtures.hf0813],
			["arxiv", fixtures.arxivEmpty],
			["arxiv", fixtures.arxivPartial],
			["arxiv", fixtures.arxivVersioned],
			["arxiv", fixtures.arxivOldStyle],
			["arxiv", fixtures.arxivTestingPage1],
			["arxiv", fixtures.arxivTestingPage2],
			["arxiv", fixtures.arxivTransformer],
			["arxiv", fixtures.arxivLegacy],
			["rss", fixtures.rss],
			["rss", fixtures.rssAtom],
		] as const;
		const run = async () => {
			let added = 0;
			for (const [source, name] of all) added += (await ingest(r.deps, { source, payload: payload(name) })).new;
			return added;
		};
		expect(await run()).toBe(83 + 29 + 5);
		expect(await countPapers(r.deps.db)).toBe(117);
		expect(await run()).toBe(0);
		expect(await countPapers(r.deps.db)).toBe(117);
	});

	it("counts a duplicate inside one payload as skipped", async () => {
		const r = await fresh();
		const items = rawHfItems(fixtures.hf0813);
		const summary = await ingest(r.deps, {
			source: "hf",
			payload: { text: JSON.stringify([...items, items[0]]), origin: "doubled.json" },
		});
		expect(summary).toMatchObject({ fetched: 21, new: 20, skipped: 1 });
	});

	it.each([
		["hf", "truncated.json", readFixture(fixtures.hf0813).slice(0, 60_000), /^truncated\.json: not valid JSON/],
		["hf", "types.json", '[{"paper":{"id":"2608.00677","title":1}}]', /^types\.json: .*\[0\]\.paper\.title/],
		["arxiv", "rss.xml", readFixture(fixtures.rss), /^rss\.xml: expected an arXiv API Atom feed/],
		["rss", "page.html", "<html><body>Service unavailable</body></html>", /^page\.html: expected an arXiv RSS/],
	] as const)(
		"%s payload %s is rejected whole, naming it, and nothing changes",
		async (source, origin, text, message) => {
			const r = await fresh();
			await ingest(r.deps, { source: "hf", payload: payload(fixtures.hf2024) });
			const error = await appErrorOf(() => ingest(r.deps, { source, payload: { text, origin } }));
			expect(error.code).toBe("invalid_payload");
			expect(error.message).toMatch(message);
			expect(await countPapers(r.deps.db)).toBe(19);
		},
	);
});

describe("ingest over the network (recorded answers)", () => {
	it("asks Hugging Face for a day, 100 at most", async () => {
		const r = await fresh();
		const net = recordedNetwork(r, () => body(fixtures.hfDate0612));
		const summary = await ingest(r.deps, { source: "hf", fetch: net.fetch, date: "2026-06-12" });
		expect(summary.new).toBe(35);
		expect(net.requests).toHaveLength(1);
		const [request] = net.requests;
		expect(request?.url.origin + (request?.url.pathname ?? "")).toBe("https://huggingface.co/api/daily_papers");
		expect(request?.url.searchParams.get("date")).toBe("2026-06-12");
		expect(request?.url.searchParams.get("limit")).toBe("100");
	});

	it("reports an HTTP error from Hugging Face and stores nothing", async () => {
		const r = await fresh();
		const net = recordedNetwork(r, () => new Response('{"error":"Not Found"}', { status: 404 }));
		const error = await appErrorOf(() => ingest(r.deps, { source: "hf", fetch: net.fetch }));
		expect(error.code).toBe("unavailable");
		expect(error.message).toBe(
			'https://huggingface.co/api/daily_papers?limit=100 answered HTTP 404: {"error":"Not Found"}',
		);
		expect(await countPapers(r.deps.db)).toBe(0);
	});

	it("pages through arXiv one request per 3 s until the results run out", async () => {
		const r = await fresh();
		const net = recordedNetwork(r, (url) =>
			body(url.searchParams.get("start") === "0" ? fixtures.arxivTestingPage1 : fixtures.arxivTestingPage2),
		);
		const progress: string[] = [];
		const from = new Date("2026-11-20T00:00:00Z");
		const summary = await ingest(
			r.deps,
			{ source: "arxiv", fetch: net.fetch, query: "all:testing", from, maxResults: 20 },
			(m) => progress.push(m),
		);
		expect(summary).toEqual({ source: "arxiv", fetched: 20, new: 20, updated: 0, skipped: 0, errors: 0 });
		expect(net.requests.map((q) => [q.url.searchParams.get("start"), q.url.searchParams.get("max_results")])).toEqual([
			["0", "20"],
			["10", "10"],
		]);
		expect(net.requests[0]?.url.searchParams.get("search_query")).toMatch(
			/^\(all:testing\) AND submittedDate:\[202611200000 TO /,
		);
		expect((net.requests[1]?.at ?? 0) - (net.requests[0]?.at ?? 0)).toBeGreaterThanOrEqual(seconds(3));
		expect(progress).toContain("ingest arxiv: 20 of 214881 results");
	});

	it("reports arXiv's error feed (HTTP 400) in arXiv's words, without retrying", async () => {
		const r = await fresh();
		const net = recordedNetwork(r, () => body(fixtures.arxivError400, 400));
		const error = await appErrorOf(() =>
			ingest(r.deps, { source: "arxiv", fetch: net.fetch, query: "id:abc", from: new Date(0) }),
		);
		expect(error.code).toBe("invalid_input");
		expect(error.message).toMatch(
			/^https:\/\/export\.arxiv\.org\/api\/query\?.*: arXiv rejected the query: "incorrect id format for abc"$/,
		);
		expect(net.requests).toHaveLength(1);
		expect(await countPapers(r.deps.db)).toBe(0);
	});

	it("keeps the pages it stored when a later one fails, and says where it stopped", async () => {
		const r = await fresh();
		const net = recordedNetwork(r, (url) =>
			url.searchParams.get("start") === "0" ? body(fixtures.arxivTestingPage1) : new Response("down", { status: 503 }),
		);
		const summary = await ingest(r.deps, {
			source: "arxiv",
			fetch: net.fetch,
			query: "all:testing",
			from: new Date(0),
			maxResults: 20,
		});
		expect(summary).toMatchObject({ fetched: 10, new: 10, errors: 1 });
		expect(summary.problem).toMatch(/^stopped after 10 results: GET .* failed after 4 attempts: HTTP 503$/);
		expect(net.requests).toHaveLength(5);
		expect(await countPapers(r.deps.db)).toBe(10);
	});

	it("reads today's RSS announcements for the categories asked, skipping replacements", async () => {
		const r = await fresh();
		const net = recordedNetwork(r, () => body(fixtures.rss));
		const summary = await ingest(r.deps, { source: "rss", fetch: net.fetch, category: "cs.LG+cs.AI+cs.CL+stat.ML" });
		expect(summary).toEqual({ source: "rss", fetched: 4, new: 3, updated: 0, skipped: 1, errors: 0 });
		expect(net.requests[0]?.url.href).toBe("https://rss.arxiv.org/rss/cs.LG+cs.AI+cs.CL+stat.ML");
	});
});

describe("scheduled ingest", () => {
	const hfAndRss = (r: TestRuntime) =>
		recordedNetwork(r, (url) => {
			if (url.host === "rss.arxiv.org") return body(fixtures.rss);
			return body(url.searchParams.has("date") ? fixtures.hfDate0612 : fixtures.hfLatest0612);
		});

	it("runs every configured source once per period and records the run", async () => {
		const r = await fresh({ INGEST_SOURCES: "hf,rss" });
		const net = hfAndRss(r);
		const run = await ingestScheduled(r.deps, net.fetch);
		expect(run?.period).toBe("2026-11-23T08:00");
		expect(run?.summaries).toEqual([
			{ source: "hf", fetched: 65, new: 44, updated: 21, skipped: 0, errors: 0 },
			{ source: "rss", fetched: 4, new: 3, updated: 0, skipped: 1, errors: 0 },
		]);
		// Yesterday's complete list, then the latest day.
		expect(net.requests.map((q) => q.url.searchParams.get("date"))).toEqual(["2026-11-22", null, null]);
		expect(await countPapers(r.deps.db)).toBe(47);

		// Another process on the same cron tick finds the period taken.
		expect(await ingestScheduled(r.deps, net.fetch)).toBeUndefined();
		expect(net.requests).toHaveLength(3);
	});

	it("the digest's ingestIfStale ingests only when the last ingest is older than a day", async () => {
		const r = await fresh();
		const net = hfAndRss(r);
		expect((await ingestIfStale(r.deps, net.fetch))?.summaries).toHaveLength(1);
		expect(net.requests).toHaveLength(2);

		r.clock.advance(hours(23));
		expect(await ingestIfStale(r.deps, net.fetch)).toBeUndefined();
		expect(net.requests).toHaveLength(2);

		r.clock.advance(hours(2));
		expect(await ingestIfStale(r.deps, net.fetch)).toBeDefined();
		expect(net.requests).toHaveLength(4);
	});

	it("a run in which every source failed does not count as fresh", async () => {
		const r = await fresh({ INGEST_SOURCES: "hf" });
		const down = recordedNetwork(r, () => new Response("down", { status: 503 }));
		const failed = await ingestScheduled(r.deps, down.fetch);
		expect(failed?.summaries[0]?.errors).toBe(2);
		expect(failed?.summaries[0]?.problem).toMatch(/failed after 4 attempts: HTTP 503/);

		r.clock.advance(hours(1));
		const net = hfAndRss(r);
		expect((await ingestIfStale(r.deps, net.fetch))?.summaries[0]?.new).toBe(44);
	});
});
