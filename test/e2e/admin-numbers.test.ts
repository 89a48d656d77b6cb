import type { Page } from "playwright-core";
import { expect, it } from "vitest";
import { runDigest } from "../../src/core/jobs/run-job.ts";
import { seedSource } from "../../src/core/papers/paper.ts";
import { storePapers } from "../../src/core/papers/store.ts";
import { watchedPage } from "../helpers/browser.ts";
import { useBrowserJourney } from "../helpers/browser-journey.ts";
import { hours } from "../helpers/clock.ts";
import { addPapers, addReaders, paper } from "../helpers/readers.ts";

const adminToken = "admin-token-0123456789abcdef";
const web = await useBrowserJourney({ ADMIN_TOKEN: adminToken });
const { j, baseUrl } = web;

/** A topic's row on the page: papers matched, and whether they were counted at planning or now. */
async function row(page: Page, keyword: string) {
	const cells = await page
		.locator("#topics tbody tr", { has: page.getByRole("rowheader", { name: keyword, exact: true }) })
		.locator("td")
		.allTextContents();
	return { readers: Number(cells[0]), papers: Number(cells[1]), counted: cells[3] };
}

async function signIn(page: Page) {
	await page.goto(`${baseUrl}/admin/sign-in`);
	await page.getByLabel("Admin token").fill(adminToken);
	await page.getByRole("button", { name: "Sign in" }).click();
	await page.getByRole("heading", { name: "Overview" }).waitFor();
}

it("counts no demo seed paper in the papers-per-day chart: seeds never count as new", async () => {
	const { rt } = j;
	// A fresh install's example papers, first seen today like the papers that came in.
	await storePapers(rt.deps, [paper("seed-1", "An example paper", "Shown on the signup page.")], seedSource);
	await addPapers(rt, [paper("2612.00002", "A paper that came in", "Ingested today.")]);
	const { page, problems } = await watchedPage(web.browser, { javaScriptEnabled: false });
	await signIn(page);
	const sources = (await page.locator("#papers-per-day thead th").allTextContents()).slice(1);
	expect(sources).not.toContain(seedSource);
	const cells = await page.locator("#papers-per-day tbody td").allTextContents();
	const notSeed = await rt.deps.db
		.selectFrom("papers")
		.select((eb) => eb.fn.countAll<number>().as("n"))
		.where("source", "!=", seedSource)
		.executeTakeFirstOrThrow();
	expect(cells.reduce((sum, n) => sum + Number(n), 0)).toBe(Number(notSeed.n));
	expect(problems).toEqual([]);
}, 60_000);

it("shows what digest planning matched once a period is planned, and matches now only what no planning saw", async () => {
	const { rt } = j;
	await addReaders(rt, { "ssm@example.org": "state space models", "quiet@example.org": "quantum gravity" });
	rt.clock.advance(hours(1));

	const { page, problems } = await watchedPage(web.browser, { javaScriptEnabled: false });
	await signIn(page);

	// No digest yet: every topic is matched now, and the page says so.
	await page.goto(`${baseUrl}/admin/topics`);
	expect(await page.locator("#topics-basis").textContent()).toMatch(/^No digest was planned in the last 4 weeks/);
	const before = await row(page, "state space models");
	expect(before).toMatchObject({ readers: 1, counted: "now" });
	expect(before.papers).toBeGreaterThan(0);
	expect(await page.locator("#silent-topics").textContent()).toContain("quantum gravity");
	expect(await page.locator("#readers-with-nothing strong").textContent()).toBe("1");

	await runDigest(rt.deps, ["weekly"]);
	// After planning: a paper on the same topic arrives, and a reader chooses a topic planning never saw.
	rt.clock.advance(hours(1));
	await addPapers(rt, [paper("2612.00001", "Selective state space models for audio", "We scale state space models.")]);
	await addReaders(rt, { "new@example.org": "language models" });

	await page.goto(`${baseUrl}/admin/topics`);
	expect(await page.locator("#topics-basis").textContent()).toMatch(
		/^Numbers as digest planning matched them in weekly:\d{4}-W\d\d; 1 topic no planning saw was matched now over the last 4 weeks\.$/,
	);
	// What planning matched, read back: the paper that came after it is not counted.
	expect(await row(page, "state space models")).toEqual({ ...before, counted: "at planning" });
	expect(await row(page, "quantum gravity")).toMatchObject({ papers: 0, counted: "at planning" });
	expect(await row(page, "language models")).toMatchObject({ readers: 1, counted: "now" });
	expect((await row(page, "language models")).papers).toBeGreaterThan(0);
	expect(await page.locator("#silent-topics").textContent()).toContain("quantum gravity");
	expect(await page.locator("#readers-with-nothing strong").textContent()).toBe("1");
	expect(problems).toEqual([]);
}, 60_000);
