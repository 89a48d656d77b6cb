import { env } from "cloudflare:workers";
import { beforeAll, describe, expect, it } from "vitest";
import { Recommender } from "../../../src/core/recommend/recommender.ts";
import {
	activeReader,
	addPapers,
	db,
	migrate,
	origin,
	postForm,
	request,
	runCron,
	smtpMessagesTo,
	subscriber,
} from "./helpers.ts";

const weekly = "0 8 * * 1";

beforeAll(async () => {
	await migrate();
	await addPapers([
		{
			id: "2312.00752",
			title: "Mamba: Linear-Time Sequence Modeling with Selective State Spaces",
			abstract:
				"Selective state space models make the recurrence input-dependent and compute it with a hardware-aware parallel scan, matching Transformers on language modeling at linear cost in sequence length.",
		},
		{ id: "2401.00001", title: "Protein folding at scale", abstract: "Nothing about sequences of tokens." },
	]);
});

describe("votes on D1", () => {
	it("records a vote from the digest's link on POST only, and the recommender finds its neighbours", async () => {
		const email = "voter@example.org";
		await activeReader(email, "state space models");
		await runCron(weekly, env);
		const [, digest] = await smtpMessagesTo(email, 2, 15_000);
		const like = new RegExp(`${origin}(/feedback/[\\w-]{43})\\?paper=2312\\.00752&vote=like`).exec(digest?.text ?? "");
		expect(like).not.toBeNull();
		const path = like?.[1] ?? "";

		const page = await request(`${path}?paper=2312.00752&vote=like`);
		expect(page.status).toBe(200);
		expect(await page.text()).toContain("Mamba: Linear-Time Sequence Modeling");
		const votes = () => db.selectFrom("paper_votes").selectAll().execute();
		expect(await votes()).toEqual([]);

		const posted = await postForm(path, { paper: "2312.00752", vote: "like" });
		expect(posted.status).toBe(200);
		expect(await posted.text()).toContain("Recorded: 👍 more like this.");
		expect(await postForm(path, { paper: "2312.00752", vote: "like" }).then((r) => r.status)).toBe(200);
		expect((await votes()).map((v) => v.vote)).toEqual(["like"]);

		const from = new Date().toISOString();
		await addPapers([
			{
				id: "2612.00201",
				title: "Hardware-Aware Selective Scans with Input-Dependent Gating",
				abstract:
					"Selective recurrences choose their step size per token; we fuse the selective parallel scan into one hardware-aware kernel and train selective sequence models twice as fast at linear cost in sequence length.",
			},
			{
				id: "2612.00203",
				title: "Graph neural networks for molecules",
				abstract: "Message passing over atoms and bonds.",
			},
		]);
		const reader = await subscriber(email);
		const found = await new Recommender(db, 5).recommend(
			reader?.id ?? 0,
			{ from, to: new Date(Date.now() + 1000).toISOString() },
			[],
		);
		expect(found.map((f) => [f.paperId, f.closeTo])).toEqual([
			["2612.00201", "Mamba: Linear-Time Sequence Modeling with Selective State Spaces"],
		]);
	});
});
