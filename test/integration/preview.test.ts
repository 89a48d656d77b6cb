import { describe, expect, it } from "vitest";
import { days } from "../helpers/clock.ts";
import { confirmedReader, useJourney } from "../helpers/journey.ts";
import { addPapers, paper } from "../helpers/readers.ts";
import { asClient, get, postForm } from "../helpers/web.ts";

const j = useJourney();

const preview = async (keywords: string) => {
	const res = await get(j.rt, `/preview?keywords=${encodeURIComponent(keywords)}`);
	expect(res.status).toBe(200);
	expect(res.headers.get("content-type")).toContain("application/json");
	return res.json();
};

describe("the live preview", () => {
	it("tells a likely misspelling (a word no paper has) from a topic with nothing recent", async () => {
		await addPapers(j.rt, [paper("2601.00001", "Gravitational lensing at scale", "We map gravitational lensing.")]);
		j.rt.clock.advance(days(6 * 7));
		const data = await preview("gravitational lensing, gravitatonal lensing");
		expect(data.topics).toMatchObject([
			{
				keyword: "gravitational lensing",
				count: 0,
				note: "nothing in the last 4 weeks; its words are in other papers, so it may match later",
			},
			{
				keyword: "gravitatonal lensing",
				count: 0,
				note: "no paper we have mentions “gravitatonal”: check the spelling",
			},
		]);
	});

	it("says which recent papers the topics match, per topic and per week", async () => {
		const data = await preview("state space models, HiPPO, quantum gravity");
		expect(data).toMatchObject({
			weeks: 4,
			total: 5,
			perWeek: 1.3,
			topics: [
				{ keyword: "state space models", count: 5 },
				{ keyword: "HiPPO", count: 3 },
				{ keyword: "quantum gravity", count: 0 },
			],
		});
		expect(data.papers[0].matched).toEqual(["state space models", "HiPPO"]);
		expect(data.papers.map((p: { title: string }) => p.title)).toContain(
			"On the Parameterization and Initialization of Diagonal State Space Models",
		);
	});

	it("explains topics that cannot match, instead of failing", async () => {
		expect((await preview("!!!")).error).toContain('"!!!" has no letters or digits');
		expect((await preview("-audio")).error).toContain("not only exclusions");
		expect((await preview("")).error).toBeTruthy();
	});

	it("says what an acronym also matched, keeps a quoted one literal and reads author topics", async () => {
		const data = await preview('MoE, "SSM", author:"Albert Gu"');
		expect(data.topics).toEqual([
			{ keyword: "MoE", reason: "MoE", count: 7, alsoMatching: ["mixture of experts"], note: null },
			{ keyword: '"SSM"', reason: '"SSM"', count: 5, alsoMatching: [], note: null },
			// Seed papers carry no authors.
			{
				keyword: 'author:"Albert Gu"',
				reason: "by Albert Gu",
				count: 0,
				alsoMatching: [],
				note: "nothing in the last 4 weeks",
			},
		]);
		expect((await preview("mixture of experts")).topics[0]).toMatchObject({ count: 7, alsoMatching: ["MoE"] });
	});

	it("explains prefixes it does not know", async () => {
		expect((await preview("foo:bar")).error).toContain('"foo:bar" uses "foo:", which is not a kind of topic');
		expect((await preview("cat:")).error).toContain("needs an arXiv category after cat:");
	});

	it("leaves out papers older than four weeks", async () => {
		j.rt.clock.advance(29 * 86_400_000);
		expect(await preview("state space models")).toMatchObject({ total: 0, topics: [{ count: 0 }] });
	});
});

describe("the manage page", () => {
	it("shows the digest the reader would get now and flags topics that match nothing", async () => {
		const reader = await confirmedReader(j, "ann@example.org", "state space models, quantum gravity");
		const page = await (await get(j.rt, reader.managePath)).text();
		expect(page).toContain("If it went out now: <strong>5 new papers on state space models</strong>");
		expect(page).toContain("How to Train Your HiPPO");
		// Both words are in stored papers: not a misspelling, just nothing recent.
		expect(page).toContain(
			"quantum gravity: <strong>nothing in the last 4 weeks; its words are in other papers, so it may match later</strong>",
		);
		await postForm(j.rt, reader.managePath, { keywords: "quantum gravity", frequency: "weekly", csrf: reader.csrf });
		const after = await (await get(j.rt, reader.managePath)).text();
		expect(after).toContain("No new papers match your topics since your last digest yet.");
	});

	it("says what an acronym was expanded to", async () => {
		const reader = await confirmedReader(j, "moe@example.org", "MoE, author:Gu");
		const page = await (await get(j.rt, reader.managePath)).text();
		expect(page).toContain("MoE — also matching: mixture of experts: 7 papers");
		expect(page).toContain("by Gu: <strong>nothing in the last 4 weeks</strong>");
	});
});

describe("the preview's limits", () => {
	const ask = (ip: string, keywords = "state space models") =>
		get(asClient(j.rt, ip), `/preview?keywords=${encodeURIComponent(keywords)}`);

	it("answers each network 60 previews a minute, counting an IPv6 /64 as one network", async () => {
		for (let i = 0; i < 60; i++) expect((await ask("2001:db8:1:2::1", `topic ${i % 7}`)).status).toBe(200);
		const refused = await ask("2001:db8:1:2:ffff::9");
		expect(refused.status).toBe(429);
		expect((await refused.json()).error).toBe("Too many previews from your network. Wait a minute, then type again.");
		expect((await ask("2001:db8:1:3::1")).status).toBe(200);
		expect((await ask("198.51.100.4")).status).toBe(200);
		j.rt.clock.advance(60_000);
		expect((await ask("2001:db8:1:2::1")).status).toBe(200);
	});

	it("keeps answers while the papers stay the same, and answers anew when they change", async () => {
		const first = await preview("linear attention kernels");
		expect(await preview("linear attention kernels")).toEqual(first);
		await addPapers(j.rt, [paper("2611.00001", "Linear attention kernels", "Fast linear attention kernels.")]);
		expect((await preview("linear attention kernels")).total).toBe(first.total + 1);
	});
});
