import type { Page } from "playwright-core";
import { expect, it } from "vitest";
import { watchedPage } from "../helpers/browser.ts";
import { useBrowserJourney } from "../helpers/browser-journey.ts";
import { seconds } from "../helpers/clock.ts";
import { lastMailTo } from "../helpers/journey.ts";
import { get, linkIn, signup } from "../helpers/web.ts";

const web = await useBrowserJourney();
const { j, baseUrl } = web;

/** What a screen reader gets from the focused field: its state and the text that describes it. */
const focusedField = (page: Page) =>
	page.evaluate(() => {
		const field = document.activeElement as HTMLElement;
		const describedBy = (field.getAttribute("aria-describedby") ?? "").split(" ").filter(Boolean);
		return {
			id: field.id,
			invalid: field.getAttribute("aria-invalid"),
			description: describedBy.map((id) => document.getElementById(id)?.textContent ?? `(no #${id})`),
			border: getComputedStyle(field).borderTopColor,
		};
	});

it("a form error moves focus to the first invalid field, describes it, marks it and says Error in the title", async () => {
	const { page, problems } = await watchedPage(web.browser);
	await page.goto(`${baseUrl}/`);
	await page.getByLabel("Email address").fill("not-an-address");
	await page.getByLabel("Topics").fill("diffusion");
	j.rt.clock.advance(seconds(10));
	await page.getByRole("button", { name: "Subscribe" }).click();
	await page.waitForURL(`${baseUrl}/subscribe`);
	expect(await page.title()).toBe("Error: paperboy");
	const email = await focusedField(page);
	expect(email).toEqual({
		id: "email",
		invalid: "true",
		description: ["Enter a valid email address, like name@example.org."],
		border: "rgb(180, 35, 24)",
	});
	// What was typed is kept.
	expect(await page.getByLabel("Email address").inputValue()).toBe("not-an-address");

	// Only the topics wrong: focus goes there, its error first, then its help.
	await page.getByLabel("Email address").fill("reader@example.org");
	await page.getByLabel("Topics").fill("");
	j.rt.clock.advance(seconds(10));
	await page.getByRole("button", { name: "Subscribe" }).click();
	await page.waitForLoadState();
	const topics = await focusedField(page);
	expect(topics.id).toBe("keywords");
	expect(topics.invalid).toBe("true");
	expect(topics.description[0]).toMatch(/topic/i);
	expect(topics.description[1]).toMatch(/^One topic per comma or line/);
	expect(await page.title()).toBe("Error: paperboy");
	// The 422 answers, and the live preview of the typed topics cut short by the submit.
	expect(problems.filter((p) => !p.includes("422") && !p.includes("/preview?keywords="))).toEqual([]);
}, 60_000);

it("the manage page shows each thing once, and when paused says so instead of a next digest", async () => {
	await signup(j.rt, "manager@example.org", "state space models, transfromer");
	const confirmed = await get(j.rt, linkIn(await lastMailTo(j, "manager@example.org"), "/confirm/", baseUrl));
	const managePath = new URL(confirmed.headers.get("location") ?? "", baseUrl).pathname;
	const reader = { managePath };
	const { page, problems } = await watchedPage(web.browser);
	await page.goto(`${baseUrl}${reader.managePath}`);
	await page.waitForLoadState("networkidle");
	// The topic counts are on the page once; the live preview waits for an edit.
	expect(await page.locator("#preview").isHidden()).toBe(true);
	expect(await page.getByText("state space models — also matching: SSM: 5 papers").count()).toBe(1);
	expect(await page.getByRole("heading", { name: "Your next digest" }).count()).toBe(1);
	expect(await page.getByText("How to Train Your HiPPO").count()).toBe(1);
	expect(await page.locator(".topic-counts").textContent()).toContain(
		"transfromer: no paper we have mentions “transfromer”: check the spelling",
	);

	await page.getByLabel("Pause my digests").check();
	await page.getByRole("button", { name: "Save changes" }).click();
	await page.getByText("Saved.").waitFor();
	await page.waitForLoadState("networkidle");
	expect(await page.locator("#status").textContent()).toBe("Paused: no digests until you resume");
	expect(await page.getByRole("heading", { name: "Your digests are paused" }).count()).toBe(1);
	expect(await page.getByRole("heading", { name: "Your next digest" }).count()).toBe(0);
	expect(await page.getByText("If it went out now").count()).toBe(0);
	expect(problems).toEqual([]);
}, 60_000);
