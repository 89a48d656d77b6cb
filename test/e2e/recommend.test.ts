import type { Browser, Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { runDigest } from "../../src/core/jobs/run-job.ts";
import { type RunningServer, startServer } from "../../src/node/server.ts";
import { launchChromium, watchedPage } from "../helpers/browser.ts";
import { days, hours } from "../helpers/clock.ts";
import { freePort } from "../helpers/free-port.ts";
import { lastMailTo, useJourney } from "../helpers/journey.ts";
import { addPapers, addReaders } from "../helpers/readers.ts";
import { week2, week3 } from "../helpers/recommender-papers.ts";
import type { Received } from "../helpers/smtp-sink.ts";
import { similarSection, voteLink } from "../helpers/votes.ts";
import { linkIn } from "../helpers/web.ts";

const port = await freePort();
const baseUrl = `http://127.0.0.1:${port}`;
const j = useJourney({ PORT: String(port), BASE_URL: baseUrl, ALLOW_LOCAL_BASE_URL: "true" });
let browser: Browser;
let server: RunningServer;

beforeAll(async () => {
	browser = await launchChromium();
});
afterAll(async () => {
	for (const context of browser?.contexts() ?? []) await context.close();
	await server?.close();
	await browser?.close();
});

const hippo = "How to Train Your HiPPO: State Space Models with Generalized Orthogonal Basis Projections";
const diagonal = "On the Parameterization and Initialization of Diagonal State Space Models";
const selective = "Input-Dependent Selective Scans for Linear-Time Sequence Modeling";

/** Clicks a 👍 / 👎 link from the mail and presses the page's one button. */
async function vote(page: Page, mail: Received, title: string, choice: "like" | "dislike") {
	await page.goto(`${baseUrl}${voteLink(mail, title, choice, baseUrl).path}`);
	await page.getByText(title).first().waitFor();
	await page.getByRole("button", { name: choice === "like" ? "👍 More like this" : "👎 Less like this" }).click();
	await page.locator("#recorded").waitFor();
	return page.locator("#recorded").textContent();
}

async function nextWeek(papers: Parameters<typeof addPapers>[1]) {
	j.rt.clock.advance(days(7) - hours(1));
	await addPapers(j.rt, papers);
	j.rt.clock.advance(hours(1));
	await runDigest(j.rt.deps, ["weekly"]);
	return lastMailTo(j, "ann@example.org");
}

describe("papers like the ones you liked, in a real browser", () => {
	it("two 👍 bring their subject the next week, a 👎 takes its neighbours away, and the manage page keeps the list", async () => {
		server = await startServer(j.rt, { port, hostname: "127.0.0.1" });
		const { page, problems } = await watchedPage(browser);
		await addReaders(j.rt, { "ann@example.org": "state space models" });
		j.rt.clock.advance(hours(1));
		await runDigest(j.rt.deps, ["weekly"]);
		const first = await lastMailTo(j, "ann@example.org");

		expect(await vote(page, first, hippo, "like")).toBe("Recorded: 👍 more like this.");
		expect(await vote(page, first, diagonal, "like")).toBe("Recorded: 👍 more like this.");

		const second = await nextWeek(week2);
		const section = similarSection(second);
		expect(section).toHaveLength(3);
		expect(section[0]?.title).toMatch(/Diagonal Linear Recurrences|Legendre Memory Revisited/);
		expect(second.parsed.text).not.toMatch(/Radiology|Speculative|Molecular/);

		expect(await vote(page, second, selective, "dislike")).toBe("Recorded: 👎 less like this.");
		const third = similarSection(await nextWeek(week3)).map((s) => s.title);
		expect(third).toEqual(["Initializing S4 Kernels with Orthogonal Polynomial Bases"]);

		// The manage page lists the profile; a paper can be removed, added by its link, and all cleared.
		await page.goto(`${baseUrl}${linkIn(second, "/manage/", baseUrl)}`);
		const profile = page.locator("#profile");
		await expect
			.poll(() => profile.locator("li").allTextContents())
			.toEqual([
				expect.stringContaining(`👎 ${selective}`),
				expect.stringContaining(`👍 ${diagonal}`),
				expect.stringContaining(`👍 ${hippo}`),
			]);
		await page.getByRole("button", { name: `Remove ${selective}` }).click();
		await page.getByText("Removed from the papers you liked.").waitFor();
		expect(await profile.locator("li").count()).toBe(2);

		await page.getByLabel("Add papers you liked").fill("https://arxiv.org/abs/2612.00106v2\n2612.99999");
		await page.getByRole("button", { name: "Add papers" }).click();
		await page.getByText("Added 1 paper. Not in paperboy").waitFor();
		expect(await profile.locator("li").first().textContent()).toContain(
			"👍 Graph Neural Networks for Molecular Property Prediction (added)",
		);

		// A BibTeX file, chosen as a reader would, goes up with the same form.
		await page.getByLabel("Or upload a BibTeX file").setInputFiles({
			name: "library.bib",
			mimeType: "application/x-bibtex",
			buffer: Buffer.from("@article{mamba,\n  title = {Selective Scans},\n  eprint = {2612.00101},\n}\n"),
		});
		await page.getByRole("button", { name: "Add papers" }).click();
		await page.getByText("Added 1 paper.").waitFor();
		expect(await profile.locator("li").allTextContents()).toContainEqual(
			expect.stringContaining(`👍 ${selective} (added)`),
		);

		await page.getByRole("button", { name: "Clear all" }).click();
		await page.locator("#profile-empty").waitFor();
		expect(await j.rt.deps.db.selectFrom("paper_votes").selectAll().execute()).toEqual([]);
		expect(problems).toEqual([]);
	});
});
