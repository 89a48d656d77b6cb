/**
 * One answer to "how fresh is each paper source": the admin overview, /healthz, /metrics and
 * `paperboy sources` all read sourceStatuses. A source that stopped coming in is stale on
 * every one of them once STALE_AFTER_HOURS have passed, even before any check recorded it.
 */
import { join } from "node:path";
import { expect, it } from "vitest";
import { ingestScheduled } from "../../src/core/papers/ingest.ts";
import { watchedPage } from "../helpers/browser.ts";
import { useBrowserJourney } from "../helpers/browser-journey.ts";
import { runCli } from "../helpers/cli.ts";
import { hours } from "../helpers/clock.ts";
import { fixtures, readFixture } from "../helpers/paper-fixtures.ts";
import { parsePrometheusText, samplesBy } from "../helpers/prometheus-text.ts";
import { testSecret } from "../helpers/runtime.ts";

const token = "admin-token-0123456789abcdef";
const web = await useBrowserJourney({
	ADMIN_TOKEN: token,
	METRICS_TOKEN: token,
	INGEST_SOURCES: "hf",
	STALE_AFTER_HOURS: "48",
});
const { j, baseUrl } = web;

it("the overview, /healthz, /metrics and paperboy sources tell the same story as a source goes stale", async () => {
	const { rt } = j;
	const { page, problems } = await watchedPage(web.browser, { javaScriptEnabled: false });
	// Signs in each time: a session lasts 12 hours of the clock, which moves by days here.
	const overview = async () => {
		await page.goto(`${baseUrl}/admin/sign-in`);
		await page.getByLabel("Admin token").fill(token);
		await page.getByRole("button", { name: "Sign in" }).click();
		await page.getByRole("heading", { name: "Overview" }).waitFor();
		return page.locator("#sources tbody tr td").last().textContent();
	};

	const state = async () => {
		const health = (await (await fetch(`${baseUrl}/healthz`)).json()) as {
			sources: { source: string; alarm: string }[];
		};
		const scraped = parsePrometheusText(
			await (await fetch(`${baseUrl}/metrics`, { headers: { authorization: `Bearer ${token}` } })).text(),
		);
		return {
			overview: await overview(),
			healthz: health.sources.map((s) => `${s.source} ${s.alarm}`),
			ageHours: Math.round((samplesBy(scraped, "paperboy_source_ingest_age_seconds", "source").hf ?? 0) / 3600),
		};
	};

	// Never ingested: nothing to raise an alarm about yet, and no age.
	expect(await state()).toEqual({ overview: "no scheduled ingest yet", healthz: [], ageHours: Infinity });

	// A scheduled ingest brings a batch; an hour later it is fresh everywhere.
	await ingestScheduled(rt.deps, async () => new Response(readFixture(fixtures.hfDate0612)));
	rt.clock.advance(hours(1));
	expect(await state()).toEqual({ overview: "fresh", healthz: [], ageHours: 1 });

	// 49 hours with no ingest at all (no check ran either): stale on every view.
	rt.clock.advance(hours(48));
	expect(await state()).toEqual({ overview: "stale", healthz: ["hf stale"], ageHours: 49 });
	const cli = await runCli(["sources", "--now", rt.clock.now().toISOString()], {
		DATABASE_PATH: join(rt.dir, "paperboy.db"),
		SECRET: testSecret,
		INGEST_SOURCES: "hf",
		STALE_AFTER_HOURS: "48",
	});
	expect(cli.stdout).toMatch(/^hf {2}last good ingest \S+ \(49 h ago\) {2}ALARM stale since /m);
	expect(problems).toEqual([]);
}, 60_000);
