import { afterEach, describe, expect, it } from "vitest";
import { findPaperById } from "../../src/core/db/papers.ts";
import { listReaders } from "../../src/core/db/subscribers.ts";
import { DigestComposer } from "../../src/core/digest/digest-composer.ts";
import type { Paper } from "../../src/core/papers/paper.ts";
import { setVote } from "../../src/core/recommend/votes.ts";
import { hours } from "../helpers/clock.ts";
import { addReaders } from "../helpers/readers.ts";
import { createTestRuntime, type TestRuntime } from "../helpers/runtime.ts";

const runtimes: TestRuntime[] = [];
afterEach(async () => {
	for (const rt of runtimes.splice(0)) await rt.dispose();
});

/** A reader who liked HiPPO on a database of these papers, and the hour after it. */
async function hippoReader(papers: "corpus" | "demo") {
	const rt = await createTestRuntime({}, { papers });
	runtimes.push(rt);
	await addReaders(rt, { "ann@example.org": "state space models" });
	const [reader] = await listReaders(rt.deps.db);
	const hippo = await findPaperById(rt.deps.db, "seed-c42e5f9377");
	if (!reader || !hippo) throw new Error("no reader or no HiPPO paper");
	await setVote(rt.deps, reader.id, hippo.num, "like", "added");
	const window = {
		from: rt.clock.now().toISOString(),
		to: new Date(rt.clock.now().getTime() + hours(1)).toISOString(),
	};
	return { rt, reader, window };
}

/** What "Close to papers you liked" offers a reader who liked HiPPO, on a database of these papers. */
async function closeToHippo(papers: "corpus" | "demo") {
	const { rt, reader, window } = await hippoReader(papers);
	return (await new DigestComposer(rt.deps).similarFor(reader, window, [])).map((s) => s.paper.id);
}

describe("example papers and the recommender", () => {
	it("searches once for a reader asked about twice in a run with nothing to leave out (planning, then their digest)", async () => {
		const { rt, reader, window } = await hippoReader("corpus");
		const composer = new DigestComposer(rt.deps);
		const planned = await composer.recommender.recommend(reader.id, window, []);
		expect(planned.map((r) => r.paperId)).toContain("seed-ebb17e6759");
		const composed = await composer.similarFor(reader, window, []);
		expect(composed.map((s) => s.paper.id)).toEqual(planned.map((r) => r.paperId));
		expect(composer.recommender.work.searches).toBe(1);
		// With papers to leave out (a topic matched them), the search runs again without them.
		const [first] = await composer.similarFor(reader, window, [{ paper: composed[0]?.paper as Paper, matched: [] }]);
		expect(composer.recommender.work.searches).toBe(2);
		expect(first?.paper.id).toBe(composed[1]?.paper.id);
	});

	it("never recommends the demo's example papers in a digest, as it does the same papers ingested from a source", async () => {
		expect(await closeToHippo("corpus")).toContain("seed-ebb17e6759");
		expect(await closeToHippo("demo")).toEqual([]);
	});
});
