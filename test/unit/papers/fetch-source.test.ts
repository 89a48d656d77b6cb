import { describe, expect, it } from "vitest";
import packageJson from "../../../package.json" with { type: "json" };
import { parseConfig } from "../../../src/core/config.ts";
import { defaultFetchPolicy, type Fetch, fetchText } from "../../../src/core/papers/fetch-source.ts";
import { createLogger } from "../../../src/node/stderr-logger.ts";
import { FakeClock, minutes, seconds } from "../../helpers/clock.ts";
import { appErrorOf } from "../../helpers/paper-fixtures.ts";
import { testSecret } from "../../helpers/runtime.ts";

const url = "https://huggingface.co/api/daily_papers?limit=100";

interface Call {
	at: number;
	headers: Headers;
}

/** Answers in order; each answer is a Response or an error to throw. Records when it was asked. */
function scriptedFetch(clock: FakeClock, answers: (Response | Error)[]) {
	const calls: Call[] = [];
	const fetch: Fetch = async (_url, init) => {
		calls.push({ at: clock.now().getTime(), headers: new Headers(init.headers) });
		const answer = answers.shift();
		if (!answer) throw new Error("more requests than the test expected");
		if (answer instanceof Error) throw answer;
		return answer;
	};
	return { fetch, calls };
}

function setup(answers: (Response | Error)[], unit = 0) {
	const clock = new FakeClock("2026-11-23T07:00:00Z");
	const deps = {
		clock,
		random: { token: () => "t", unit: () => unit },
		config: parseConfig({ SECRET: testSecret, BASE_URL: "https://paperboy.example", LOG_LEVEL: "silent" }),
		log: createLogger("silent"),
	};
	const scripted = scriptedFetch(clock, answers);
	const start = clock.now().getTime();
	const waits = () => scripted.calls.map((call, i) => call.at - (scripted.calls[i - 1]?.at ?? start));
	return {
		deps,
		...scripted,
		waits,
		fetchIt: () => fetchText(deps, scripted.fetch, url, { accept: "application/json" }),
	};
}

const ok = (body = "[]") => new Response(body, { status: 200 });
const status = (code: number, headers: Record<string, string> = {}) => new Response("busy", { status: code, headers });

describe("fetchText", () => {
	it("sends a descriptive User-Agent and returns the body", async () => {
		const { fetchIt, calls } = setup([ok('[{"paper":1}]')]);
		expect(await fetchIt()).toEqual({ status: 200, text: '[{"paper":1}]' });
		expect(calls).toHaveLength(1);
		// src/core/version.ts repeats package.json's version: bump both.
		expect(calls[0]?.headers.get("user-agent")).toBe(`paperboy/${packageJson.version} (+https://paperboy.example)`);
		expect(calls[0]?.headers.get("accept")).toBe("application/json");
	});

	it("retries 5xx with exponential backoff, then succeeds", async () => {
		const { fetchIt, calls, waits } = setup([status(503), status(502), status(500), ok()]);
		expect((await fetchIt()).status).toBe(200);
		expect(calls).toHaveLength(4);
		// With no jitter drawn, each wait is half the doubling ceiling: 1 s, 2 s, 4 s.
		expect(waits()).toEqual([0, seconds(1), seconds(2), seconds(4)]);
	});

	it("adds jitter within the ceiling", async () => {
		const { fetchIt, waits } = setup([status(503), ok()], 0.5);
		await fetchIt();
		expect(waits()[1]).toBe(seconds(1.5));
	});

	it("waits as long as Retry-After says on 429 (seconds)", async () => {
		const { fetchIt, waits } = setup([status(429, { "retry-after": "120" }), ok()]);
		expect((await fetchIt()).status).toBe(200);
		expect(waits()[1]).toBe(seconds(120));
	});

	it("waits until a Retry-After date", async () => {
		const { fetchIt, waits } = setup([status(503, { "retry-after": "Mon, 23 Nov 2026 07:00:45 GMT" }), ok()]);
		await fetchIt();
		expect(waits()[1]).toBe(seconds(45));
	});

	it("falls back to the RateLimit reset Hugging Face sends", async () => {
		const { fetchIt, waits } = setup([status(429, { ratelimit: '"api";r=0;t=42' }), ok()]);
		await fetchIt();
		expect(waits()[1]).toBe(seconds(42));
	});

	it("never retries sooner than the backoff, even when Retry-After says 0", async () => {
		const { fetchIt, waits } = setup([status(503, { "retry-after": "0" }), ok()]);
		await fetchIt();
		expect(waits()[1]).toBe(seconds(1));
	});

	it("gives up at once when asked to wait longer than it may", async () => {
		const { fetchIt, calls, deps } = setup([status(429, { "retry-after": "3600" }), ok()]);
		const error = await appErrorOf(() => fetchIt());
		expect(error.code).toBe("unavailable");
		expect(error.message).toBe("huggingface.co answered HTTP 429 and asks to wait 3600 s; try again later");
		expect(calls).toHaveLength(1);
		expect(deps.clock.now().toISOString()).toBe("2026-11-23T07:00:00.000Z");
	});

	it("retries network errors", async () => {
		const { fetchIt, calls } = setup([new TypeError("fetch failed", { cause: new Error("ECONNRESET") }), ok()]);
		expect((await fetchIt()).status).toBe(200);
		expect(calls).toHaveLength(2);
	});

	it("stops after the last attempt and says what went wrong", async () => {
		const answers = Array.from({ length: defaultFetchPolicy.maxAttempts }, () => status(503));
		const { fetchIt, calls } = setup([...answers, ok()]);
		const error = await appErrorOf(() => fetchIt());
		expect(error.code).toBe("unavailable");
		expect(error.message).toBe(`GET ${url} failed after 4 attempts: HTTP 503`);
		expect(calls).toHaveLength(4);
	});

	it("caps the backoff", async () => {
		const policy = { ...defaultFetchPolicy, maxAttempts: 10 };
		const { deps, fetch, waits } = setup([...Array.from({ length: 9 }, () => status(500)), ok()], 0.999);
		await fetchText(deps, fetch, url, { accept: "*/*", policy });
		expect(Math.max(...waits())).toBeLessThanOrEqual(minutes(1));
	});

	it("hands back client errors without retrying", async () => {
		const { fetchIt, calls } = setup([new Response("<feed/>", { status: 400 })]);
		expect(await fetchIt()).toEqual({ status: 400, text: "<feed/>" });
		expect(calls).toHaveLength(1);
	});

	it("times out a request that does not answer", async () => {
		const clock = new FakeClock();
		const hanging: Fetch = (_url, init) =>
			new Promise((_resolve, reject) => {
				init.signal?.addEventListener("abort", () => reject(init.signal?.reason));
			});
		const deps = { ...setup([]).deps, clock };
		const policy = { ...defaultFetchPolicy, timeoutMs: 20, maxAttempts: 2 };
		const error = await appErrorOf(() => fetchText(deps, hanging, url, { accept: "*/*", policy }));
		expect(error.message).toBe(`GET ${url} failed after 2 attempts: no answer within 0.02 s`);
	});
});
