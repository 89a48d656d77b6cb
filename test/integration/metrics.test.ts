import { afterEach, beforeEach, expect, it } from "vitest";
import { runDigest } from "../../src/core/jobs/run-job.ts";
import { type RunningServer, startServer } from "../../src/node/server.ts";
import { hours } from "../helpers/clock.ts";
import { useJourney } from "../helpers/journey.ts";
import { parsePrometheusText, samplesBy } from "../helpers/prometheus-text.ts";
import { addReaders } from "../helpers/readers.ts";
import { createTestRuntime } from "../helpers/runtime.ts";
import { mixedAnswers } from "../helpers/smtp-sink.ts";

const metricsToken = "metrics-token-0123456789";
const j = useJourney({ METRICS_TOKEN: metricsToken, INGEST_SOURCES: "hf" });
let server: RunningServer;

beforeEach(async () => {
	server = await startServer(j.rt, { port: 0, hostname: "127.0.0.1" });
});
afterEach(async () => {
	await server?.close();
});

const scrape = (token?: string) =>
	fetch(`${server.url}/metrics`, token ? { headers: { authorization: `Bearer ${token}` } } : {});

it("serves Prometheus text behind its own token: readers, deliveries, sends, suppressions, ingest age, requests by route", async () => {
	const { rt, sink } = j;
	await addReaders(rt, {
		"ok@example.org": "state space models",
		"later@example.org": "state space models",
		"gone@example.org": "state space models",
	});
	sink.respond = mixedAnswers;
	rt.clock.advance(hours(1));
	await runDigest(rt.deps, ["weekly"]);
	await fetch(`${server.url}/`);

	expect((await scrape()).status).toBe(401);
	expect((await scrape("wrong-token-0123456789")).status).toBe(401);
	const res = await scrape(metricsToken);
	expect(res.status).toBe(200);
	expect(res.headers.get("content-type")).toMatch(/^text\/plain; version=0\.0\.4/);
	const scraped = parsePrometheusText(await res.text());
	expect([...scraped.types.keys()].every((name) => name.startsWith("paperboy_"))).toBe(true);

	expect(samplesBy(scraped, "paperboy_readers", "status")).toMatchObject({ active: 3 });
	expect(samplesBy(scraped, "paperboy_deliveries", "status")).toMatchObject({ sent: 1, failed: 1, pending: 1 });
	expect(samplesBy(scraped, "paperboy_suppressions", "reason")).toMatchObject({ bounce: 1, complaint: 0 });
	const bounced = await rt.deps.db.selectFrom("bounces").select("kind").execute();
	expect(samplesBy(scraped, "paperboy_bounces_30d", "kind")).toEqual({
		hard: bounced.filter((b) => b.kind === "hard").length,
		soft: bounced.filter((b) => b.kind === "soft").length,
		complaint: 0,
	});
	// The hf source never came in whole in this database.
	expect(samplesBy(scraped, "paperboy_source_ingest_age_seconds", "source")).toEqual({ hf: Infinity });

	expect(scraped.types.get("paperboy_send_duration_seconds")).toBe("histogram");
	expect(samplesBy(scraped, "paperboy_send_duration_seconds_count", "outcome")).toEqual({
		sent: 1,
		failed: 1,
		rejected: 1,
	});

	expect(scraped.types.get("paperboy_http_request_duration_seconds")).toBe("histogram");
	const requests = samplesBy(scraped, "paperboy_http_request_duration_seconds_count", "method", "route", "status");
	expect(requests).toMatchObject({ "GET / 200": 1, "GET /metrics 401": 2 });
});

it("does not exist without METRICS_TOKEN", async () => {
	const bare = await createTestRuntime();
	const other = await startServer(bare, { port: 0, hostname: "127.0.0.1" });
	expect((await fetch(`${other.url}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } })).status).toBe(
		404,
	);
	await other.close();
	await bare.dispose();
});
