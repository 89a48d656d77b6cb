/**
 * Papers in on Workers: the ingest Cron Trigger and the digest's catch-up ingest, with D1
 * (at most 100 bound values per statement) underneath.
 *
 * Hugging Face is answered with recorded payloads by replacing `fetch` in this isolate
 * (`vi.spyOn(globalThis, "fetch")`). The worker's handlers run in the test's own isolate
 * (the tests call `worker.scheduled()` directly), so the worker's `fetch` is this one.
 * That was the least intrusive choice: vitest-pool-workers 0.15 no longer ships the
 * undici `fetchMock` (its docs now point to MSW, a new dependency), and a configurable
 * upstream URL would add a setting to production code only for the tests. Anything but
 * Hugging Face's daily_papers and the local test servers fails, so nothing reaches the
 * network.
 */
import { env } from "cloudflare:workers";
import { afterAll, beforeAll, beforeEach, describe, expect, it, vi } from "vitest";
import { systemClock } from "../../../src/core/deps.ts";
import { emptyPaperFields } from "../../../src/core/papers/paper.ts";
import { storePapers } from "../../../src/core/papers/store.ts";
import { matchStoredPapers } from "../../../src/core/topics/match-papers.ts";
import hf0612 from "../../fixtures/hf-daily-papers/daily_papers_date-2026-06-12.json?raw";
import hf0813 from "../../fixtures/hf-daily-papers/daily_papers_date-2026-08-13.json?raw";
import { db, migrate, recordingQueue, runCron } from "./helpers.ts";

const ingestCron = "0 7 * * *";
const weeklyCron = "0 8 * * 1";
const hfEnv = { ...env, INGEST_SOURCES: "hf" };
const day = 86_400_000;

interface RecordedItem {
	paper: { id: string; title: string };
}
const papersIn = (payload: string) =>
	(JSON.parse(payload) as RecordedItem[]).map(({ paper }) => ({ id: paper.id, title: paper.title.trim() }));

/** What Hugging Face answers from now on, and the URLs it was asked for. */
let answer = hf0612;
const asked: URL[] = [];
const realFetch = globalThis.fetch.bind(globalThis);

beforeAll(async () => {
	await migrate();
	vi.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
		const url = new URL(input instanceof Request ? input.url : String(input));
		if (url.origin === "https://huggingface.co" && url.pathname === "/api/daily_papers") {
			asked.push(url);
			return new Response(answer, { headers: { "content-type": "application/json; charset=utf-8" } });
		}
		// The SMTP sink's control API and other servers global-setup.ts starts.
		if (url.hostname === "127.0.0.1") return realFetch(input, init);
		throw new TypeError(`the worker tests do not reach the network: ${url.href}`);
	});
});
afterAll(() => {
	vi.useRealTimers();
	vi.restoreAllMocks();
});
beforeEach(() => {
	asked.length = 0;
});

const storedPapers = () => db.selectFrom("papers").select(["id", "title", "source"]).orderBy("id").execute();
const jobRuns = (job: string) =>
	db.selectFrom("job_runs").selectAll().where("job", "=", job).orderBy("started_at").execute();
const byId = (a: { id: string }, b: { id: string }) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);

describe("ingest on Cron Triggers with D1", () => {
	it("stores the 35 papers of the recorded Hugging Face payload, a few rows per statement", async () => {
		const expected = papersIn(hf0612);
		expect(expected).toHaveLength(35);

		await runCron(ingestCron, hfEnv);

		// Yesterday's complete list, then the latest day (the same recording answers both).
		const yesterday = new Date(Date.now() - day).toISOString().slice(0, 10);
		expect(asked.map((url) => url.searchParams.get("date"))).toEqual([yesterday, null]);
		expect(asked.every((url) => url.searchParams.get("limit") === "100")).toBe(true);
		const stored = await storedPapers();
		expect(stored.map(({ id, title }) => ({ id, title }))).toEqual(expected.toSorted(byId));
		expect(stored.every((p) => p.source === "hf")).toBe(true);
		const [run] = await jobRuns("ingest");
		expect(run?.finished_at).not.toBeNull();
		expect(JSON.parse(run?.summary ?? "[]")).toEqual([
			{ source: "hf", fetched: 70, new: 35, updated: 0, skipped: 0, errors: 0 },
		]);
	});

	it("adds nothing when the next run brings the same papers", async () => {
		const before = await storedPapers();
		// The next day: a new period for the ingest job.
		vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + day });
		try {
			await runCron(ingestCron, hfEnv);
		} finally {
			vi.useRealTimers();
		}
		expect(asked).toHaveLength(2);
		expect(await storedPapers()).toEqual(before);
		const runs = await jobRuns("ingest");
		expect(runs).toHaveLength(2);
		expect(JSON.parse(runs[1]?.summary ?? "[]")).toEqual([
			{ source: "hf", fetched: 70, new: 0, updated: 0, skipped: 0, errors: 0 },
		]);
	});

	it("ingests before a digest when the last ingest is more than a day old, and not when it is fresh", async () => {
		answer = hf0813;
		const queue = recordingQueue();
		// Fresh (the last ingest finished a moment ago): the digest plans with what it has.
		await runCron(weeklyCron, { ...hfEnv, SEND_QUEUE: queue.queue });
		expect(asked).toEqual([]);

		// A week on (a new weekly period), the last ingest is six days old.
		vi.useFakeTimers({ toFake: ["Date"], now: Date.now() + 7 * day });
		try {
			await runCron(weeklyCron, { ...hfEnv, SEND_QUEUE: queue.queue });
		} finally {
			vi.useRealTimers();
		}
		expect(asked).toHaveLength(2);
		const stored = await storedPapers();
		expect(stored).toHaveLength(35 + 20);
		expect(stored.map(({ id, title }) => ({ id, title }))).toEqual(expect.arrayContaining(papersIn(hf0813)));
		const ingest = (await jobRuns("ingest")).at(-1);
		const digest = (await jobRuns("digest:weekly")).at(-1);
		expect(JSON.parse(ingest?.summary ?? "[]")).toEqual([
			{ source: "hf", fetched: 40, new: 20, updated: 0, skipped: 0, errors: 0 },
		]);
		// The papers first, then the plan.
		expect(Date.parse(ingest?.finished_at ?? "")).toBeLessThanOrEqual(Date.parse(digest?.started_at ?? ""));
		expect(digest?.finished_at).not.toBeNull();
	});

	it("stores an arXiv-sized page of 200 papers and counts only the rows that changed", async () => {
		// 200 ids to look up (two statements of 100 on D1) and 50 multi-row inserts of 4.
		const page = Array.from({ length: 200 }, (_, i) => ({
			...emptyPaperFields,
			id: `2609.${String(10_000 + i)}`,
			title: `Synthetic paper ${i}`,
			abstract: `Abstract ${i}.`,
			authors: [`Author ${i}`],
			absUrl: `https://arxiv.org/abs/2609.${String(10_000 + i)}`,
		}));
		const deps = { db, clock: systemClock };
		expect(await storePapers(deps, page, "arxiv")).toEqual({ new: 200, updated: 0 });
		expect(await storePapers(deps, page, "arxiv")).toEqual({ new: 0, updated: 0 });
		const revised = page.map((p, i) => (i % 50 === 0 ? { ...p, title: `${p.title} (v2)` } : p));
		expect(await storePapers(deps, revised, "arxiv")).toEqual({ new: 0, updated: 4 });
		const titles = await db.selectFrom("papers").select("title").where("id", "like", "2609.%").execute();
		expect(titles.filter((t) => t.title.endsWith("(v2)"))).toHaveLength(4);
	});

	it("keeps author, category and acronym lookups in D1 (its triggers and JSON functions)", async () => {
		const deps = { db, clock: systemClock };
		const one = (id: string, abstract: string, authors: string[], categories: string[]) => ({
			...emptyPaperFields,
			id,
			title: `Paper ${id}`,
			abstract,
			authors,
			categories,
		});
		await storePapers(
			deps,
			[
				one("2610.00001", "Sparse mixture-of-experts (MoE) layers.", ["Albert Gu", "Tri Dao"], ["cs.LG", "cs.CL"]),
				one("2610.00002", "A mixture of experts for vision.", ["Anna Gu"], ["cs.CV"]),
			],
			"arxiv",
		);
		const ids = async (keyword: string) =>
			(await matchStoredPapers(deps, [keyword])).papers.map((p) => p.paper.id).sort();
		expect(await ids('author:"Albert Gu"')).toEqual(["2610.00001"]);
		expect(await ids("author:Gu")).toEqual(["2610.00001", "2610.00002"]);
		expect(await ids("cat:cs.CL")).toEqual(["2610.00001"]);
		expect(await ids("cat:cs.* vision")).toEqual(["2610.00002"]);
		const moe = await matchStoredPapers(deps, ["MoE"]);
		expect(moe.topics[0]?.alsoMatching).toEqual(["mixture of experts"]);
		expect(moe.papers.map((p) => p.paper.id).sort()).toEqual(["2610.00001", "2610.00002"]);
	});
});
