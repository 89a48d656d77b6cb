import { expect, it } from "vitest";
import { runDigest } from "../../src/core/jobs/run-job.ts";
import { axeViolations, watchedPage } from "../helpers/browser.ts";
import { useBrowserJourney } from "../helpers/browser-journey.ts";
import { hours } from "../helpers/clock.ts";
import { readerWithStatus } from "../helpers/journey.ts";
import { addReaders } from "../helpers/readers.ts";
import { mixedAnswers } from "../helpers/smtp-sink.ts";

const adminToken = "admin-token-0123456789abcdef";
const web = await useBrowserJourney({ ADMIN_TOKEN: adminToken });
const { j, baseUrl } = web;

/** What the database says, asked directly: the numbers the pages must show. */
async function countRows(sql: string): Promise<number> {
	const sqlite = j.rt.sqlite;
	return (sqlite.prepare(sql).get() as { n: number }).n;
}

it("signs in, shows last run's numbers as the database has them, and acts on readers, deliveries and suppressions", async () => {
	const { rt, sink } = j;
	// Readers: three imported (active), one who signed up and did not confirm, one who left.
	await addReaders(rt, {
		"ok@example.org": "state space models",
		"later@example.org": "state space models",
		"gone@example.org": "state space models",
		"quiet@example.org": "quantum gravity",
	});
	await readerWithStatus(j, "pending@example.org", "pending");
	await readerWithStatus(j, "left@example.org", "unsubscribed");
	// The digest run meets a 250, a 451 (retried later) and a 550 (failed, suppressed).
	sink.respond = mixedAnswers;
	rt.clock.advance(hours(1));
	await runDigest(rt.deps, ["weekly"]);

	// The admin area is plain HTML: the whole pass runs with JavaScript off.
	const { page, problems } = await watchedPage(web.browser, { javaScriptEnabled: false });
	await page.goto(`${baseUrl}/admin`);
	expect(new URL(page.url()).pathname).toBe("/admin/sign-in");
	await page.getByLabel("Admin token").fill(adminToken);
	await page.getByRole("button", { name: "Sign in" }).click();
	await page.getByRole("heading", { name: "Overview" }).waitFor();

	const cookie = (await page.context().cookies()).find((c) => c.name === "paperboy-admin");
	expect(cookie).toMatchObject({ httpOnly: true, sameSite: "Strict", path: "/" });
	expect(await countRows("select count(*) as n from admin_sessions")).toBe(1);
	expect(await countRows(`select count(*) as n from admin_sessions where hash = '${cookie?.value}'`)).toBe(0);

	for (const status of ["active", "pending", "unsubscribed"]) {
		expect(Number(await page.locator(`#readers [data-status=${status}]`).textContent())).toBe(
			await countRows(`select count(*) as n from subscribers where status = '${status}'`),
		);
	}
	const run = (await page.locator("#runs tbody tr").first().locator("th, td").allTextContents()).slice(0, 7);
	const count = (status: string) => countRows(`select count(*) as n from deliveries where status = '${status}'`);
	expect(run[0]).toMatch(/^weekly:2026-W\d\d$/);
	expect(run.slice(2).map(Number)).toEqual([
		await countRows("select count(*) as n from deliveries"),
		await count("sent"),
		await count("failed"),
		await count("pending"),
		await count("skipped"),
	]);
	expect(run.slice(2).map(Number)).toEqual([4, 1, 1, 1, 1]);
	expect(await page.locator("figure.chart svg").count()).toBe(2);

	// Topics: "quantum gravity" matches no seed paper, so its reader gets nothing at all.
	await page.getByRole("link", { name: "Topics" }).click();
	expect(await page.locator("#silent-topics").textContent()).toContain("quantum gravity");
	expect(await page.locator("#readers-with-nothing strong").textContent()).toBe("1");

	// Deliveries: the 451 waits for a retry, the 550 failed; retry the waiting one now.
	await page.getByRole("link", { name: "Deliveries" }).click();
	const rows = page.locator("#deliveries tbody tr");
	expect(await rows.count()).toBe(2);
	expect(await page.locator("#deliveries").textContent()).toContain("5.1.1 No such user");
	sink.respond = () => undefined;
	await page.getByRole("button", { name: /Retry now: later@example.org/ }).click();
	await page.getByText("Retrying now.").waitFor();
	await rt.idle();
	expect(sink.to("later@example.org")).toHaveLength(1);
	expect(await rows.count()).toBe(1);

	// Suppressions: the 550 suppressed gone@; remove it.
	await page.getByRole("link", { name: "Suppressions" }).click();
	expect(await page.locator("#suppressions tbody").textContent()).toContain("gone@example.org");
	expect(await page.locator("#bounce-counts").textContent()).toMatch(
		new RegExp(`^${await countRows("select count(*) as n from bounces where kind = 'hard'")} hard bounces`),
	);
	await page.getByRole("button", { name: "Remove gone@example.org" }).click();
	await page.getByText("Removed: that address").waitFor();
	expect(await countRows("select count(*) as n from suppressions")).toBe(0);

	// Readers: find by the start of an address, suppress, resend a confirmation, forget.
	await page.getByRole("link", { name: "Readers" }).click();
	await page.getByLabel("Address").fill("pend");
	await page.getByRole("button", { name: "Find" }).click();
	await page.getByRole("link", { name: "pending@example.org" }).click();
	expect(await page.locator("#reader-status").textContent()).toBe("pending");
	const before = sink.to("pending@example.org").length;
	await page.getByRole("button", { name: "Resend confirmation" }).click();
	await page.getByText("A new confirmation link was sent.").waitFor();
	expect(sink.to("pending@example.org")).toHaveLength(before + 1);
	await page.getByRole("button", { name: "Suppress" }).click();
	await page.getByText("Suppressed: no mail").waitFor();
	expect(await page.locator("#reader-suppressed").textContent()).toMatch(/^manual since/);
	await page.getByRole("button", { name: "Forget this reader" }).click();
	await page.getByText("The reader, their links").waitFor();
	expect(await countRows("select count(*) as n from subscribers where email = 'pending@example.org'")).toBe(0);

	// Every page, checked by axe once (axe needs JavaScript: a second window, same session).
	const a11y: string[] = [];
	const checker = await watchedPage(web.browser);
	await checker.page.context().addCookies(await page.context().cookies());
	for (const path of [
		"/admin",
		"/admin/readers?q=ok%40example.org",
		"/admin/topics",
		"/admin/deliveries",
		"/admin/suppressions",
	]) {
		await checker.page.goto(`${baseUrl}${path}`);
		a11y.push(...(await axeViolations(checker.page)));
	}
	problems.push(...checker.problems);
	await page.getByRole("button", { name: "Sign out" }).click();
	await page.getByRole("heading", { name: "Sign in" }).waitFor();
	expect(await countRows("select count(*) as n from admin_sessions")).toBe(0);
	await page.goto(`${baseUrl}/admin/readers`);
	expect(new URL(page.url()).pathname).toBe("/admin/sign-in");
	await checker.page.goto(`${baseUrl}/admin/sign-in`);
	a11y.push(...(await axeViolations(checker.page)));
	expect(problems).toEqual([]);
	expect(a11y).toEqual([]);
}, 90_000);
