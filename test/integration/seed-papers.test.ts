import { join } from "node:path";
import { beforeEach, expect, it } from "vitest";
import { runDigest } from "../../src/core/jobs/run-job.ts";
import { ingest } from "../../src/core/papers/ingest.ts";
import type { KeywordPreview } from "../../src/core/topics/keyword-preview.ts";
import { runCli } from "../helpers/cli.ts";
import { days, hours } from "../helpers/clock.ts";
import { useJourney } from "../helpers/journey.ts";
import { fixtures, readFixture } from "../helpers/paper-fixtures.ts";
import { addReaders } from "../helpers/readers.ts";
import { testSecret } from "../helpers/runtime.ts";
import { get } from "../helpers/web.ts";

// A fresh install: the 110 example papers of seeds/papers.json, loaded as `npm start` does.
const j = useJourney();
beforeEach(async () => {
	await j.restart({}, { papers: "demo" });
});

const ingestFixture = () =>
	ingest(j.rt.deps, { source: "hf", payload: { text: readFixture(fixtures.hfDate0612), origin: "fixture" } });

it("shows the example papers on the signup page and in the live preview, labelled as examples", async () => {
	const page = await (await get(j.rt, "/")).text();
	expect(page).toContain("<h2>Example papers</h2>");
	expect(page).toContain("they are never sent");
	expect(page).toContain("Large Language Models as Foundations for Next-Gen Dense Retrieval");
	expect(page.match(/<span class="example">Example · <\/span>/g)).toHaveLength(30);

	const preview = (await (await get(j.rt, "/preview?keywords=diffusion")).json()) as KeywordPreview;
	expect(preview.total).toBe(4);
	expect(preview.papers.every((p) => p.example)).toBe(true);

	// Once real papers arrive they lead the page, and only examples are marked.
	j.rt.clock.advance(hours(1));
	await ingestFixture();
	const after = await (await get(j.rt, "/")).text();
	expect(after).toContain("<h2>Recent papers</h2>");
	expect(after).toContain("EvoArena: Tracking Memory Evolution for Robust LLM Agents in Dynamic Environments");
	const mixed = (await (await get(j.rt, "/preview?keywords=diffusion")).json()) as KeywordPreview;
	expect(mixed.papers.filter((p) => !p.example).length).toBeGreaterThan(0);
	expect(mixed.papers.filter((p) => p.example)).toHaveLength(4);
});

it("the first digest of a deployment holds only ingested papers, never an example one", async () => {
	// Topics that match four example papers and five of the fixture's.
	await addReaders(j.rt, { "first@example.org": "diffusion" });
	expect((await runDigest(j.rt.deps, ["weekly"])).sent).toBe(0);

	j.rt.clock.advance(hours(1));
	await ingestFixture();
	j.rt.clock.advance(days(7));
	const run = await runDigest(j.rt.deps, ["weekly"]);
	expect(run.sent).toBe(1);
	const [digest] = await j.sink.waitFor(1);
	expect(digest?.parsed.subject).toBe("5 new papers on diffusion");
	const text = digest?.parsed.text ?? "";
	expect(text).toContain("MaskAlign: Token-Subset Representation Alignment for Efficient Diffusion Training");
	// Every example paper links to an arXiv search; every paper of the fixture to its abstract.
	expect(text).not.toContain("arxiv.org/search/");
	expect(text.match(/https:\/\/arxiv\.org\/abs\/2606\.\d+/g)?.length).toBeGreaterThanOrEqual(5);
});

it("`paperboy seed --remove` deletes the example papers and nothing else", async () => {
	j.rt.clock.advance(hours(1));
	await ingestFixture();
	const env = { DATABASE_PATH: join(j.rt.dir, "paperboy.db"), SECRET: testSecret };
	expect((await runCli(["stats"], env)).stdout).toContain("papers: 145\n");
	const removed = await runCli(["seed", "--remove"], env);
	expect(removed.stdout).toBe("seed: 110 example papers removed\n");
	expect((await runCli(["stats"], env)).stdout).toContain("papers: 35\n");
	expect((await runCli(["seed", "--remove"], env)).stdout).toBe("seed: 0 example papers removed\n");
	const both = await runCli(["seed", "--remove", "--force"], env);
	expect(both.code).toBe(2);
	expect(both.stderr).toBe("paperboy: use --force or --remove, not both\n");

	const page = await (await get(j.rt, "/")).text();
	expect(page).not.toContain("Large Language Models as Foundations for Next-Gen Dense Retrieval");
	const preview = (await (await get(j.rt, "/preview?keywords=retrieval")).json()) as KeywordPreview;
	expect(preview.papers.some((p) => p.example)).toBe(false);
});

it("`paperboy seed --remove` leaves the recommender's term counts as if the examples had never been loaded", async () => {
	const termDocs = () => j.rt.deps.db.selectFrom("term_docs").selectAll().orderBy("term").execute();
	j.rt.clock.advance(hours(1));
	await ingestFixture();
	const env = { DATABASE_PATH: join(j.rt.dir, "paperboy.db"), SECRET: testSecret };
	expect((await runCli(["seed", "--remove"], env)).code).toBe(0);
	const afterRemove = await termDocs();

	// A fresh database that only ever held the fixture's papers.
	await j.restart({}, { papers: "none" });
	await ingestFixture();
	const fresh = await termDocs();
	expect(fresh.find((row) => row.term === "")?.docs).toBe(35);
	expect(afterRemove).toEqual(fresh);
});
