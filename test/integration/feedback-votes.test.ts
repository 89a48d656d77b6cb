import { beforeEach, describe, expect, it } from "vitest";
import { runDigest } from "../../src/core/jobs/run-job.ts";
import { days, hours } from "../helpers/clock.ts";
import { confirmedReader, dataLink, lastMailTo, useJourney } from "../helpers/journey.ts";
import { addPapers, addReaders } from "../helpers/readers.ts";
import { week2, week3 } from "../helpers/recommender-papers.ts";
import type { Received } from "../helpers/smtp-sink.ts";
import { similarSection, voteLink } from "../helpers/votes.ts";
import { fieldError, get, origin, postForm, textareaText } from "../helpers/web.ts";

const j = useJourney();

const hippo = "How to Train Your HiPPO: State Space Models with Generalized Orthogonal Basis Projections";
const diagonal = "On the Parameterization and Initialization of Diagonal State Space Models";
const selective = "Input-Dependent Selective Scans for Linear-Time Sequence Modeling";

beforeEach(() => {
	// Seed papers are first seen on Monday 2026-11-23 08:00 UTC; the digest runs an hour later.
	j.rt.clock.advance(hours(1));
});

async function votes(): Promise<{ paper: string; vote: string }[]> {
	return j.rt.deps.db
		.selectFrom("paper_votes")
		.innerJoin("papers", "papers.num", "paper_votes.paper_num")
		.select(["papers.id as paper", "paper_votes.vote"])
		.orderBy("papers.id")
		.execute();
}

/** Opens a vote link as a reader would and presses its one button. */
async function vote(mail: Received, title: string, choice: "like" | "dislike") {
	const link = voteLink(mail, title, choice);
	const page = await (await get(j.rt, link.path)).text();
	expect(page.match(/<button/g)).toHaveLength(1);
	const posted = await postForm(j.rt, `/feedback/${link.token}`, { paper: link.paper, vote: choice });
	expect(posted.status).toBe(200);
	return { link, page: await posted.text() };
}

/** The next week: new papers arrive, and the digest runs an hour later. */
async function nextWeek(papers: Parameters<typeof addPapers>[1]) {
	j.rt.clock.advance(days(7) - hours(1));
	await addPapers(j.rt, papers);
	j.rt.clock.advance(hours(1));
	await runDigest(j.rt.deps, ["weekly"]);
}

describe("👍 / 👎 in the digest and papers like the ones you liked", () => {
	it("learns from two 👍, brings their subject the next week, and a 👎 pushes its neighbours out", async () => {
		await addReaders(j.rt, { "ann@example.org": "state space models", "bob@example.org": "state space models" });
		await runDigest(j.rt.deps, ["weekly"]);
		const first = await lastMailTo(j, "ann@example.org");
		expect(similarSection(first)).toEqual([]);
		// Every paper carries both links, in HTML and text.
		expect(first.parsed.text?.match(/👍 More like this: /g)).toHaveLength(5);
		expect(first.parsed.html || "").toContain("More like this</a>");

		// A GET (a mail scanner, or the reader opening the link) records nothing.
		const link = voteLink(first, hippo, "like");
		const page = await get(j.rt, link.path);
		expect(page.status).toBe(200);
		expect(await page.text()).toContain("How to Train Your HiPPO");
		expect(await votes()).toEqual([]);

		const { page: recorded } = await vote(first, hippo, "like");
		expect(recorded).toContain("Recorded: 👍 more like this.");
		expect(recorded).toContain("Close to papers you liked");
		// Pressing it again changes nothing.
		await vote(first, hippo, "like");
		await vote(first, diagonal, "like");
		expect(await votes()).toEqual([
			{ paper: "seed-8cfb95d530", vote: "like" },
			{ paper: "seed-c42e5f9377", vote: "like" },
		]);
		// Bob likes the same two and never dislikes: what ann's 👎 changes, his digest shows.
		const bobs = await lastMailTo(j, "bob@example.org");
		await vote(bobs, hippo, "like");
		await vote(bobs, diagonal, "like");

		await nextWeek(week2);
		const second = await lastMailTo(j, "ann@example.org");
		expect(second.parsed.subject).toBe("3 new papers close to ones you liked");
		const section = similarSection(second);
		expect(section.map((s) => s.title).sort()).toEqual(
			[
				"Diagonal Linear Recurrences on the Long Range Arena",
				"Legendre Memory Revisited: HiPPO Projections for Long-Range Dependencies",
				selective,
			].sort(),
		);
		expect(section[2]?.title).toBe(selective);
		for (const { reason } of section) expect([`Close to: ${hippo}`, `Close to: ${diagonal}`]).toContain(reason);
		expect(second.parsed.html || "").toContain("Close to papers you liked");
		expect(second.parsed.text).not.toMatch(/Radiology|Speculative|Molecular/);

		// 👎 on one of them, then changed and changed back: the vote is the last one pressed.
		await vote(second, selective, "like");
		const { page: disliked } = await vote(second, selective, "dislike");
		expect(disliked).toContain("Recorded: 👎 less like this.");
		expect(disliked).toContain("Your topics stay as they are");

		await nextWeek(week3);
		const third = similarSection(await lastMailTo(j, "ann@example.org")).map((s) => s.title);
		expect(third).toEqual(["Initializing S4 Kernels with Orthogonal Polynomial Bases"]);
		const bobsThird = similarSection(await lastMailTo(j, "bob@example.org")).map((s) => s.title);
		expect(bobsThird).toEqual([
			"Initializing S4 Kernels with Orthogonal Polynomial Bases",
			"Hardware-Aware Selective Scans with Input-Dependent Gating",
		]);
	});

	it("the voting link votes for its reader and nothing else, only from our pages, and can be undone", async () => {
		await addReaders(j.rt, { "ann@example.org": "state space models" });
		await runDigest(j.rt.deps, ["weekly"]);
		const mail = await lastMailTo(j, "ann@example.org");
		const link = voteLink(mail, hippo, "like");
		expect((await get(j.rt, `/manage/${link.token}`)).status).toBe(404);
		expect((await get(j.rt, `/unsubscribe/${link.token}`)).status).toBe(404);
		expect((await get(j.rt, `/data/${link.token}`)).status).toBe(404);
		const manageToken = /\/manage\/([\w-]{43})/.exec(mail.parsed.text ?? "")?.[1] ?? "";
		expect((await get(j.rt, `/feedback/${manageToken}?paper=${link.paper}&vote=like`)).status).toBe(404);

		const crossSite = await postForm(
			j.rt,
			`/feedback/${link.token}`,
			{ paper: link.paper, vote: "like" },
			{ origin: "https://evil.example" },
		);
		expect(crossSite.status).toBe(403);
		const unknownPaper = await postForm(j.rt, `/feedback/${link.token}`, { paper: "2612.99999", vote: "like" });
		expect(unknownPaper.status).toBe(404);
		const badVote = await postForm(j.rt, `/feedback/${link.token}`, { paper: link.paper, vote: "love" });
		expect(badVote.status).toBe(422);
		expect(await badVote.text()).toContain("neither 👍 nor 👎");
		expect((await get(j.rt, `/feedback/${link.token}?paper=${link.paper}`)).status).toBe(422);
		expect(await votes()).toEqual([]);

		await vote(mail, hippo, "like");
		const undone = await postForm(j.rt, `/feedback/${link.token}`, { paper: link.paper, vote: "none" });
		expect(await undone.text()).toContain("Your vote is undone.");
		expect(await votes()).toEqual([]);
	});

	it("the manage page adds papers by id, link or BibTeX, refuses bad input keeping it, and export and delete include the profile", async () => {
		const reader = await confirmedReader(j, "reader@example.org", "diffusion");
		const add = (papers: string, csrf = reader.csrf) =>
			postForm(j.rt, `${reader.managePath}/profile/add`, { papers, csrf });

		const nothing = await add("my favourite paper about HiPPO");
		expect(nothing.status).toBe(422);
		const page = await nothing.text();
		expect(textareaText(page, "papers")).toBe("my favourite paper about HiPPO");
		expect(page).toContain("Paste arXiv ids (2401.12345), arxiv.org links or a BibTeX file");
		expect((await add("2612.00101", "forged")).status).toBe(403);
		expect(await votes()).toEqual([]);

		const bibtex =
			"@article{hippo, title={How to Train Your HiPPO}, eprint={seed-c42e5f9377}}\n@misc{x, eprint={2612.99999}}";
		const added = await add(bibtex);
		expect(added.status).toBe(200);
		expect(await added.text()).toContain(
			"Added 1 paper. Not in paperboy (it knows the papers it has collected): 2612.99999.",
		);
		expect(await votes()).toEqual([{ paper: "seed-c42e5f9377", vote: "like" }]);
		const profile = await j.rt.deps.db.selectFrom("reader_profiles").select(["version", "query"]).execute();
		expect(profile).toHaveLength(1);
		expect(JSON.parse(profile[0]?.query ?? "{}").t).toContain("hippo");

		const { dataPath } = await dataLink(j, reader);
		const data = await (await get(j.rt, `${dataPath}/data.json`)).json();
		expect(data.papersLiked).toEqual([
			expect.objectContaining({ paper: "seed-c42e5f9377", vote: "like", source: "added" }),
		]);

		const forgedRemove = await postForm(j.rt, `${reader.managePath}/profile/remove`, {
			paper: "seed-c42e5f9377",
			csrf: "x",
		});
		expect(forgedRemove.status).toBe(403);
		const csrf = /name="csrf" value="([^"]+)"/.exec(await (await get(j.rt, dataPath)).text())?.[1] ?? "";
		expect((await postForm(j.rt, `${dataPath}/delete`, { confirm: "yes", csrf })).status).toBe(200);
		expect(await votes()).toEqual([]);
		expect(await j.rt.deps.db.selectFrom("reader_profiles").selectAll().execute()).toEqual([]);
	});

	it("the manage page takes a BibTeX file or a list of arXiv ids, and refuses a file it cannot read keeping what was typed", async () => {
		const reader = await confirmedReader(j, "upload@example.org", "diffusion");
		// As a browser sends the form: multipart, the pasted text and the chosen file.
		const upload = (text: string, name: string, bytes: Uint8Array<ArrayBuffer> | string) => {
			const form = new FormData();
			form.set("csrf", reader.csrf);
			form.set("papers", text);
			form.set("file", new Blob([bytes]), name);
			return j.rt.app.request(`${origin}${reader.managePath}/profile/add`, {
				method: "POST",
				headers: { origin: new URL(j.rt.deps.config.baseUrl).origin },
				body: form,
			});
		};
		const manage = await (await get(j.rt, reader.managePath)).text();
		expect(manage).toContain('enctype="multipart/form-data"');
		expect(manage).toMatch(/<input[^>]*type="file"[^>]*name="file"/);

		const binary = await upload("typed 2401.0000", "library.bib", new Uint8Array([0x40, 0xff, 0xfe, 0x00, 0x81]));
		expect(binary.status).toBe(422);
		const refused = await binary.text();
		expect(textareaText(refused, "papers")).toBe("typed 2401.0000");
		expect(fieldError(refused, "file")).toBe(
			"library.bib is not a text file: upload a BibTeX file or a list of arXiv ids.",
		);
		const large = await upload("kept", "huge.bib", `eprint = {seed-c42e5f9377}\n${"%".repeat(600 * 1024)}`);
		expect(large.status).toBe(422);
		const largePage = await large.text();
		expect(textareaText(largePage, "papers")).toBe("kept");
		expect(fieldError(largePage, "file")).toBe("huge.bib is larger than 512 KB: upload a smaller one.");
		const tooLarge = await upload("", "enormous.bib", "%".repeat(1100 * 1024));
		expect(tooLarge.status).toBe(413);
		expect(fieldError(await tooLarge.text(), "file")).toContain("choose a smaller file (at most 512 KB)");
		const none = await upload("", "notes.txt", "my reading list, no ids here");
		expect(none.status).toBe(422);
		expect(fieldError(await none.text(), "file")).toBe(
			"notes.txt names no arXiv id: no eprint field, arXiv link or id in it.",
		);
		expect(await votes()).toEqual([]);

		const bib = await upload(
			"",
			"library.bib",
			"@article{hippo,\n  title = {How to Train Your HiPPO},\n  eprint = {seed-c42e5f9377},\n}\n",
		);
		expect(bib.status).toBe(200);
		expect(await bib.text()).toContain("Added 1 paper.");
		const list = await upload("", "ids.txt", "seed-8cfb95d530\nhttps://arxiv.org/abs/2612.99999v2\n");
		expect(list.status).toBe(200);
		expect(await list.text()).toContain(
			"Added 1 paper. Not in paperboy (it knows the papers it has collected): 2612.99999.",
		);
		expect(await votes()).toEqual([
			{ paper: "seed-8cfb95d530", vote: "like" },
			{ paper: "seed-c42e5f9377", vote: "like" },
		]);
	});
});
