import { mkdtempSync, readdirSync, readFileSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, expect, it } from "vitest";
import { runCli } from "../helpers/cli.ts";
import { FakeClock } from "../helpers/clock.ts";
import { freePort } from "../helpers/free-port.ts";
import { useJourney } from "../helpers/journey.ts";
import { parsePrometheusText, samplesBy } from "../helpers/prometheus-text.ts";
import { addReaders } from "../helpers/readers.ts";
import { type TestRuntime, testSecret } from "../helpers/runtime.ts";
import { startServerProcess } from "../helpers/server-process.ts";
import type { SmtpSink } from "../helpers/smtp-sink.ts";

// The server runs on the real clock: the harness's runtime seeds and adds readers as of now.
const j = useJourney();
let sink: SmtpSink;
let rt: TestRuntime;
let dir: string;

beforeAll(() => {
	dir = mkdtempSync(join(tmpdir(), "paperboy-server-"));
});
afterAll(() => {
	rmSync(dir, { recursive: true, force: true });
});
beforeEach(async () => {
	sink = j.sink;
	rt = await j.restart({}, { clock: new FakeClock(new Date()) });
});

it("paperboy serve on a fresh data folder seeds, serves, writes .eml files without SMTP, and stops on SIGTERM", async () => {
	const port = await freePort();
	const metricsToken = "metrics-token-0123456789";
	const server = startServerProcess({
		PORT: String(port),
		DATABASE_PATH: join(dir, "fresh", "paperboy.db"),
		INGEST_SOURCES: "none",
		METRICS_TOKEN: metricsToken,
	});
	await server.listening;
	const page = await fetch(`http://127.0.0.1:${port}/`);
	expect(page.status).toBe(200);
	expect(await page.text()).toContain("Large Language Models as Foundations for Next-Gen Dense Retrieval");
	const form = await (await fetch(`http://127.0.0.1:${port}/`)).text();
	const stamp = /name="stamp" value="([^"]+)"/.exec(form)?.[1] ?? "";
	await new Promise((r) => setTimeout(r, 2100));
	const res = await fetch(`http://127.0.0.1:${port}/subscribe`, {
		method: "POST",
		headers: { "content-type": "application/x-www-form-urlencoded" },
		body: new URLSearchParams({ email: "first@example.org", keywords: "diffusion", stamp, website: "" }),
	});
	expect(res.status).toBe(200);
	// METRICS_TOKEN: serve loads the metrics (no other command does) and counts what it served.
	const scraped = parsePrometheusText(
		await (
			await fetch(`http://127.0.0.1:${port}/metrics`, { headers: { authorization: `Bearer ${metricsToken}` } })
		).text(),
	);
	expect(samplesBy(scraped, "paperboy_http_request_duration_seconds_count", "method", "route", "status")).toMatchObject(
		{
			"GET / 200": 2,
			"POST /subscribe 200": 1,
		},
	);
	expect(scraped.types.get("paperboy_process_cpu_seconds_total")).toBe("counter");
	server.child.kill("SIGTERM");
	expect(await server.exited).toBe(0);
	expect(server.log()).toContain("mail written");
	// Named by time and Message-ID, not by the address (issue 11: no addresses in names or the info log).
	const outbox = readdirSync(join(dir, "fresh", "outbox"));
	expect(outbox).toHaveLength(1);
	// Named by time and the opaque Message-ID: no row numbers either (issue 10 item 6).
	expect(outbox[0]).toMatch(/^[\dT-]+Z-[\w-]{32}\.eml$/);
	expect(readFileSync(join(dir, "fresh", "outbox", outbox[0] ?? ""), "utf8")).toMatch(/^To: first@example\.org\r$/m);
	expect(server.log()).not.toContain("first@example.org");
	expect(readdirSync(join(dir, "fresh"))).toContain("secret");
}, 60_000);

it("on SIGTERM finishes the digests in flight, exits 0, and leaves the rest for the next run", async () => {
	const env = {
		DATABASE_PATH: join(rt.dir, "paperboy.db"),
		SECRET: testSecret,
		SMTP_URL: sink.url,
		BASE_URL: "https://paperboy.example",
		MAIL_FROM: "paperboy <digest@paperboy.example>",
		SMTP_POOL_SIZE: "1",
		INGEST_SOURCES: "none",
		// Every minute, so the catch-up at start always has a run to make up for.
		DIGEST_CRON: "* * * * *",
	};
	const readers = 30;
	await addReaders(
		rt,
		Object.fromEntries(Array.from({ length: readers }, (_, i) => [`r${i}@example.org`, "language models"])),
	);

	sink.delayMs = 150;
	const server = startServerProcess({ ...env, PORT: String(await freePort()) });
	await server.listening;
	await sink.waitFor(3, 30_000);
	server.child.kill("SIGTERM");
	expect(await server.exited).toBe(0);
	expect(server.log()).toContain("shutting down");
	const delivered = sink.messages.length;
	expect(delivered).toBeLessThan(readers);

	const statuses = await rt.deps.db
		.selectFrom("deliveries")
		.select(["status", (eb) => eb.fn.countAll<number>().as("n")])
		.groupBy("status")
		.execute();
	expect(Object.fromEntries(statuses.map((s) => [s.status, Number(s.n)]))).toEqual({
		sent: delivered,
		pending: readers - delivered,
	});

	sink.delayMs = 0;
	const rerun = await runCli(["digest"], env);
	expect(rerun.stdout).toContain(`0 planned, ${readers - delivered} sent`);
	expect(new Set(sink.messages.map((m) => m.envelopeTo[0])).size).toBe(readers);
	expect(sink.messages).toHaveLength(readers);
}, 90_000);
