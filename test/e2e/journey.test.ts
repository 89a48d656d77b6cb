import { describe, expect, it } from "vitest";
import { watchedPage } from "../helpers/browser.ts";
import { useBrowserJourney } from "../helpers/browser-journey.ts";
import { seconds } from "../helpers/clock.ts";
import { lastMailTo, subscriberRow } from "../helpers/journey.ts";
import { linkIn } from "../helpers/web.ts";

const web = await useBrowserJourney();
const { j, baseUrl } = web;

describe("the journey in a real browser", () => {
	it("signs up, confirms from the email, changes topics and unsubscribes, without a console error", async () => {
		const { page, problems } = await watchedPage(web.browser);

		await page.goto(`${baseUrl}/`);
		await page.getByLabel("Email address").fill("reader@example.org");
		await page.getByLabel("Topics").pressSequentially("language models");
		// The live preview answers while the reader types.
		await expect.poll(() => page.locator("#preview .preview-list li").count(), { timeout: 15_000 }).toBeGreaterThan(0);
		j.rt.clock.advance(seconds(10));
		await page.getByRole("button", { name: "Subscribe" }).click();
		await page.getByRole("heading", { name: "Check your inbox" }).waitFor();
		expect(await page.textContent("main")).toContain("reader@example.org");

		const confirmLink = linkIn(await lastMailTo(j, "reader@example.org"), "/confirm/", baseUrl);
		await page.goto(`${baseUrl}${confirmLink}`);
		await page.getByText("Your subscription is confirmed.").waitFor();
		expect(new URL(page.url()).pathname).toMatch(/^\/manage\/[\w-]{43}$/);
		expect(await page.locator("#status").textContent()).toBe("Active");

		const topics = page.locator("textarea#keywords");
		expect(await topics.inputValue()).toBe("language models");
		// Let the live preview answer first: a submit while it is in flight aborts it (a failed request).
		const previewed = page.waitForResponse((r) => r.url().includes("/preview?keywords=mixture"));
		await topics.fill("mixture of experts, retrieval");
		await previewed;
		// The live preview says what the long form also matched.
		await expect
			.poll(() => page.locator("#preview .preview-summary").textContent(), { timeout: 15_000 })
			.toContain("mixture of experts — also matching: MoE: 7");
		await page.getByLabel("Daily").check();
		await page.getByRole("button", { name: "Save changes" }).click();
		await page.getByText("Saved.").waitFor();
		expect(await page.locator("textarea#keywords").inputValue()).toBe("mixture of experts, retrieval");
		// The manage page says it too.
		expect(await page.locator("main").textContent()).toContain("mixture of experts — also matching: MoE");
		const saved = await subscriberRow(j.rt, "reader@example.org");
		expect(JSON.parse(saved?.keywords ?? "[]")).toEqual(["mixture of experts", "retrieval"]);
		expect(saved?.frequency).toBe("daily");

		await page.getByRole("link", { name: "Unsubscribe" }).click();
		await page.getByRole("heading", { name: "Unsubscribe" }).waitFor();
		expect(await page.getByRole("button").count()).toBe(1);
		expect((await subscriberRow(j.rt, "reader@example.org"))?.status).toBe("active");
		await page.getByRole("button", { name: "Unsubscribe" }).click();
		await page.getByRole("heading", { name: "You are unsubscribed" }).waitFor();
		expect((await subscriberRow(j.rt, "reader@example.org"))?.status).toBe("unsubscribed");

		expect(problems).toEqual([]);
	});
});
